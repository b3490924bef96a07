import notation from '@site/site/notation.json';
import katex from 'katex';

/** One symbol, typeset by KaTeX (the same renderer the MDX math uses). */
function Tex({ tex }: { tex: string }) {
  const html = katex.renderToString(tex, { throwOnError: true, output: 'html' });
  // biome-ignore lint/security/noDangerouslySetInnerHtml: KaTeX output of our own notation.json.
  return <span dangerouslySetInnerHTML={{ __html: html }} />;
}

interface SymbolRow {
  tex: string;
  meaning: string;
  api?: string;
}

/**
 * The notation tables, rendered from site/notation.json, the file the notation linter
 * (scripts/lint-notation.mjs) reads its rules from: the page and the check share one source.
 */
export default function NotationTable() {
  return (
    <div data-notation>
      {notation.groups.map((group) => (
        <section key={group.name}>
          <h3>{group.name}</h3>
          <table>
            <thead>
              <tr>
                <th>symbol</th>
                <th>its one meaning</th>
                <th>API name</th>
              </tr>
            </thead>
            <tbody>
              {(group.symbols as SymbolRow[]).map((s) => (
                <tr key={s.tex} data-symbol={s.tex}>
                  <td>
                    <Tex tex={s.tex} />
                  </td>
                  <td>{s.meaning}</td>
                  <td>{s.api ? <code>{s.api}</code> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      <h3>Retired uses</h3>
      <table>
        <thead>
          <tr>
            <th>symbol</th>
            <th>used to mean</th>
            <th>now written</th>
          </tr>
        </thead>
        <tbody>
          {notation.retired.map((r) => (
            <tr key={r.tex}>
              <td>
                <Tex tex={r.tex} />
              </td>
              <td>{r.was}</td>
              <td>{r.now}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The linter's rules as a list: rule id and what it enforces. */
export function NotationRules() {
  return (
    <ul data-notation-rules>
      {notation.rules.map((r) => (
        <li key={r.id}>
          <code>{r.id}</code>: {r.message}
        </li>
      ))}
    </ul>
  );
}
