// Notation linter: every symbol keeps the one meaning the notation page gives it.
// The rules live in site/notation.json (the same file site/docs/notation.mdx renders), so the page
// and the check cannot drift apart. Scans the site's MDX pages and the markdown cells of every
// notebook (notebooks/*.ipynb and notebooks/solutions/*.ipynb); code blocks and code cells are
// skipped. Each rule matches either inside math ($…$, $$…$$) or in the prose with its inline math.
//
//   node scripts/lint-notation.mjs                 lint the site and the notebooks
//   node scripts/lint-notation.mjs FILE…           lint these .mdx/.md/.ipynb files
//   node scripts/lint-notation.mjs --json FILE…    print the violations as JSON
//
// Exits 1 and lists `file:line  rule  message  «excerpt»` when anything violates a rule.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const notation = JSON.parse(readFileSync(join(root, 'site/notation.json'), 'utf8'));

/** The rules, compiled; a malformed rule is an error, not a silent pass. */
export const rules = notation.rules.map((r) => {
  if (!r.id || !r.pattern || !r.message || !['math', 'text'].includes(r.in)) {
    throw new Error(
      `site/notation.json: rule ${JSON.stringify(r)} needs id, pattern, message and in: math|text`,
    );
  }
  return { ...r, regex: new RegExp(r.pattern, 'gu') };
});

/** Replaces every character of a span by a space (newlines kept), so offsets stay valid. */
const blank = (s) => s.replace(/[^\n]/g, ' ');

/**
 * Splits markdown into prose and math, keeping offsets: returns `text` (code removed, math kept)
 * and `math` (everything but math blanked).
 */
export function segments(source) {
  // Fenced code blocks, inline code, MDX import/export lines and HTML comments are not prose.
  const text = source
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, blank)
    .replace(/`[^`\n]*`/g, blank)
    .replace(/^(import|export) .*$/gm, blank)
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/\{\/\*[\s\S]*?\*\/\}/g, blank);
  let math = '';
  let last = 0;
  const re = /\$\$([\s\S]+?)\$\$|(?<![\\$])\$(?!\s)((?:\\\$|[^$\n])+?)\$/g;
  for (const m of text.matchAll(re)) {
    math += blank(text.slice(last, m.index));
    math += m[0];
    last = m.index + m[0].length;
  }
  math += blank(text.slice(last));
  return { text, math };
}

/** Line number (1-based) of an offset. */
const lineOf = (s, offset) => s.slice(0, offset).split('\n').length;

/** Violations in one markdown/MDX source: `{ line, rule, message, excerpt }`. */
export function lintMarkdown(source) {
  const { text, math } = segments(source);
  const found = [];
  for (const rule of rules) {
    const haystack = rule.in === 'math' ? math : text;
    for (const m of haystack.matchAll(rule.regex)) {
      const start = Math.max(0, m.index - 20);
      const excerpt = source
        .slice(start, m.index + m[0].length + 20)
        .replace(/\s+/g, ' ')
        .trim();
      found.push({ line: lineOf(source, m.index), rule: rule.id, message: rule.message, excerpt });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

/** Violations in a notebook's markdown cells; `line` is `cell N, line L`. */
export function lintNotebook(json) {
  const nb = JSON.parse(json);
  const found = [];
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'markdown') return;
    const source = Array.isArray(cell.source) ? cell.source.join('') : String(cell.source);
    for (const v of lintMarkdown(source))
      found.push({ ...v, line: `cell ${index + 1}, line ${v.line}` });
  });
  return found;
}

/** Lints one file by its extension. */
export function lintFile(file) {
  const source = readFileSync(file, 'utf8');
  return file.endsWith('.ipynb') ? lintNotebook(source) : lintMarkdown(source);
}

/** The files the project lints by default. */
export function defaultFiles() {
  const list = (dir, ext) =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir))
          .filter((f) => f.endsWith(ext))
          .sort()
          .map((f) => join(root, dir, f))
      : [];
  return [
    ...list('site/docs', '.mdx'),
    ...list('notebooks', '.ipynb'),
    ...list('notebooks/solutions', '.ipynb'),
  ];
}

const isMain = process.argv[1] && new URL(import.meta.url).pathname === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const given = args.filter((a) => a !== '--json');
  const files = given.length > 0 ? given : defaultFiles();
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    console.error(`lint-notation: no such file: ${missing.join(', ')}`);
    process.exit(2);
  }
  const all = files.flatMap((file) =>
    lintFile(file).map((v) => ({ file: relative(root, resolve(file)), ...v })),
  );
  if (json) console.log(JSON.stringify(all, null, 2));
  else {
    for (const v of all)
      console.log(`${v.file}:${v.line}  ${v.rule}  ${v.message}  «${v.excerpt}»`);
    console.log(
      `lint-notation: ${files.length} files, ${rules.length} rules from site/notation.json, ${all.length} violation(s)`,
    );
  }
  process.exit(all.length === 0 ? 0 : 1);
}
