import useBaseUrl from '@docusaurus/useBaseUrl';
import { useEffect, useState } from 'react';

/** The course notebooks, in order, with what each one teaches. */
const COURSE = [
  ['01-multiscale-optimizer', 'The multiscale optimizer'],
  ['02-benna-fusi-reparameterization', 'Benna–Fusi reparameterization'],
  ['03-momentum-as-negative-fast-weight', 'Momentum as a negative fast weight'],
  ['04-forgetting-curves', 'Forgetting curves'],
  ['05-learning-under-drift', 'Learning under drift'],
] as const;

interface Manifest {
  source: string[];
  executed: string[];
  /** Executed notebooks converted to readable HTML pages (scripts/site-prepare.mjs). */
  read?: string[];
}

/**
 * Links to each notebook's source and executed copy. Which files exist is read from
 * `notebooks/manifest.json`, written at build time, so the table never links to a missing file.
 */
export default function NotebookTable() {
  // Not /notebooks/: a static folder named like this page would hide it on GitHub Pages.
  const base = useBaseUrl('/notebook-files/');
  const [manifest, setManifest] = useState<Manifest | null>(null);
  useEffect(() => {
    fetch(`${base}manifest.json`)
      .then((r) => (r.ok ? r.json() : { source: [], executed: [] }))
      .then(setManifest, () => setManifest({ source: [], executed: [] }));
  }, [base]);
  const extra = (manifest?.source ?? [])
    .map((f) => f.replace(/\.ipynb$/, ''))
    .filter((n) => !COURSE.some(([c]) => c === n));
  const rows: (readonly [string, string])[] = [...COURSE, ...extra.map((n) => [n, n] as const)];
  const has = (list: string[] | undefined, file: string) => list?.includes(file) ?? false;
  return (
    <div className="table-scroll">
      <table data-notebooks>
        <thead>
          <tr>
            <th>Notebook</th>
            <th>Source</th>
            <th>Executed, with charts</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, title]) => (
            <tr key={name}>
              <td>
                <strong>{title}</strong>
                <br />
                <code>{name}.ipynb</code>
              </td>
              <td>
                {has(manifest?.source, `${name}.ipynb`) ? (
                  <a href={`${base}source/${name}.ipynb`} download>
                    source .ipynb
                  </a>
                ) : (
                  <span>{manifest ? 'not in this build' : '…'}</span>
                )}
              </td>
              <td>
                {has(manifest?.executed, `${name}.ipynb`) ? (
                  <a href={`${base}executed/${name}.ipynb`} download>
                    executed .ipynb
                  </a>
                ) : (
                  <span>{manifest ? 'not executed in this build' : '…'}</span>
                )}
                {has(manifest?.read, `${name}.html`) ? (
                  <>
                    {' · '}
                    <a href={`${base}read/${name}.html`} data-read-notebook>
                      read online
                    </a>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
