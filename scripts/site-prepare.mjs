// Generates the site's build-time static files into build/site-static/ (a Docusaurus static
// directory, see docusaurus.config.ts), so nothing generated is committed under site/:
//   api/                      TypeDoc HTML for src/index.ts (the API reference), math by KaTeX
//   notebook-files/source/    the course notebooks as committed (no outputs)
//   notebook-files/executed/  executed copies from build/notebooks/ (`npm run notebooks:execute`)
//   notebook-files/read/      the executed copies as readable HTML pages (nbconvert + KaTeX)
//   notebook-files/manifest.json  which of those exist, for the Notebooks page
//   katex/                    KaTeX CSS, fonts and auto-render for the notebook pages
//   tfjs-wasm/                the tfjs WASM backend binaries, for setWasmPaths in the drift race
// and build/site-pages/api-symbols.mdx (route /reference/api-symbols), a page listing every export with its summary and a link
// to its TypeDoc page, so the site's search finds API entries (a second docs plugin reads it).
// The static folder is `notebook-files/`, not `notebooks/`: a folder named like the `/notebooks`
// page wins over `notebooks.html` on GitHub Pages and makes the page a 404.
// Plain Node: it runs before anything from node_modules is imported.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const out = `${root}build/site-static`;
const pages = `${root}build/site-pages`;

/** Copies the files in `from` whose names pass `keep` into `to`; returns the names copied. */
function copyDir(from, to, keep) {
  if (!existsSync(from)) return [];
  const names = readdirSync(from).filter(keep).sort();
  mkdirSync(to, { recursive: true });
  for (const name of names) copyFileSync(`${from}/${name}`, `${to}/${name}`);
  return names;
}

function typedoc() {
  const entry = `${root}src/index.ts`;
  const target = `${out}/api`;
  if (!existsSync(entry)) {
    console.warn('[site] src/index.ts does not exist yet: the API reference is a placeholder.');
    mkdirSync(target, { recursive: true });
    writeFileSync(`${target}/index.html`, '<!doctype html><title>API</title><p>Not generated.</p>');
    return;
  }
  const result = spawnSync(
    `${root}node_modules/.bin/typedoc`,
    [
      '--entryPoints',
      entry,
      '--tsconfig',
      `${root}tsconfig.build.json`,
      '--out',
      target,
      '--name',
      'multiscale-optimizer API',
      '--readme',
      'none',
      '--excludePrivate',
      '--excludeInternal',
      '--disableSources', // no git remote to link to; the comments carry the content
      '--plugin',
      `${root}scripts/site-typedoc-katex.mjs`,
      '--favicon',
      `${root}site/static/img/favicon.svg`,
      '--customCss',
      `${root}node_modules/katex/dist/katex.min.css`,
      '--json',
      `${root}build/typedoc.json`,
      '--logLevel',
      'Warn',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error(`typedoc exited with ${result.status ?? result.signal}`);
  // katex.min.css (copied to assets/custom.css) loads its fonts from ./fonts/.
  cpSync(`${root}node_modules/katex/dist/fonts`, `${target}/assets/fonts`, { recursive: true });
  apiSymbolsPage(JSON.parse(readFileSync(`${root}build/typedoc.json`, 'utf8')));
}

/** TypeDoc's folder per reflection kind (its default router). */
const KIND_FOLDER = {
  32: ['variables', 'Variable'],
  64: ['functions', 'Function'],
  128: ['classes', 'Class'],
  256: ['interfaces', 'Interface'],
  2097152: ['types', 'Type'],
};

/** Text safe in MDX prose: no JSX braces or tags. */
const mdxText = (text) =>
  text.replace(/[{}<>]/g, (c) => ({ '{': '&#123;', '}': '&#125;', '<': '&lt;', '>': '&gt;' })[c]);

/** The first paragraph of a TypeDoc summary, without display math, as one line of MDX. */
function firstParagraph(summary = []) {
  const text = summary.map((part) => (part.kind === 'code' ? part.text : part.text)).join('');
  const para = text.replace(/\$\$[\s\S]*?\$\$/g, ' ').split(/\n\s*\n/)[0] ?? '';
  return para
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(`[^`]*`)/)
    .map((piece) => (piece.startsWith('`') ? piece : mdxText(piece)))
    .join('');
}

/** build/site-pages/api-symbols.mdx: every export, its summary and its TypeDoc page. */
function apiSymbolsPage(project) {
  const rows = (project.children ?? [])
    .filter((c) => KIND_FOLDER[c.kind])
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => {
      const [folder, kind] = KIND_FOLDER[c.kind];
      const summary = c.comment?.summary ?? c.signatures?.[0]?.comment?.summary;
      return `## ${c.name}\n\n${kind}. ${firstParagraph(summary)}\n\n[${c.name} in the API reference](pathname:///api/${folder}/${c.name}.html)\n`;
    });
  mkdirSync(pages, { recursive: true });
  writeFileSync(
    `${pages}/api-symbols.mdx`,
    `---
title: API symbols
description: Every export of multiscale-optimizer with its one-paragraph summary and a link to its full TypeDoc page.
---

# API symbols

Every export of \`multiscale-optimizer\`, generated from the doc comments when the site is built.
Each entry links to its full [TypeDoc page](pathname:///api/index.html), with the update rule, the
options and an example.

${rows.join('\n')}`,
  );
}

/**
 * The executed notebooks as readable pages: nbconvert's HTML (charts and output in place), with the
 * MathJax it would fetch from a CDN swapped for the site's own KaTeX, a phone-width viewport and a
 * link back to the Notebooks page.
 */
function readableNotebooks(names) {
  const target = `${out}/notebook-files/read`;
  if (names.length === 0) return [];
  mkdirSync(target, { recursive: true });
  const result = spawnSync(
    'jupyter',
    [
      'nbconvert',
      '--to',
      'html',
      '--template',
      'lab',
      '--output-dir',
      target,
      ...names.map((n) => `${root}build/notebooks/${n}`),
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`nbconvert exited with ${result.status ?? result.signal}: ${result.stderr}`);
  }
  const katex = `${out}/katex`;
  mkdirSync(katex, { recursive: true });
  cpSync(`${root}node_modules/katex/dist/fonts`, `${katex}/fonts`, { recursive: true });
  for (const f of ['katex.min.css', 'katex.min.js', 'contrib/auto-render.min.js']) {
    copyFileSync(`${root}node_modules/katex/dist/${f}`, `${katex}/${f.replace('contrib/', '')}`);
  }
  const head = `<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="../../img/favicon.svg">
<meta name="description" content="An executed course notebook of multiscale-optimizer, with its charts and output.">
<link rel="stylesheet" href="../../katex/katex.min.css">
<script defer src="../../katex/katex.min.js"></script>
<script defer src="../../katex/auto-render.min.js"
  onload="renderMathInElement(document.body, {delimiters: [{left: '$$', right: '$$', display: true}, {left: '$', right: '$', display: false}], throwOnError: false})"></script>
<style>
  body { max-width: 60rem; margin: 0 auto; padding: 0 0.5rem; overflow-x: hidden; }
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow-x: auto; max-width: 100%; }
  .jp-OutputArea-output svg, .jp-OutputArea-output img { max-width: 100%; height: auto; }
  .jp-InputPrompt, .jp-OutputPrompt { display: none; }
  .jp-Notebook { padding: 0 !important; }
  pre { white-space: pre-wrap; word-break: break-word; }
  .back-to-site { display: block; margin: 1rem 0; font-family: sans-serif; }
</style>`;
  const pagesMade = [];
  for (const name of names) {
    const file = `${target}/${name.replace(/\.ipynb$/, '.html')}`;
    let html = readFileSync(file, 'utf8');
    // No third-party scripts: nbconvert's lab template loads require.js and MathJax from CDNs.
    html = html.replace(/<script[^>]*src="(https?|file):\/\/[^"]*"[^>]*>\s*<\/script>/g, '');
    html = html.replace(/<script type="text\/x-mathjax-config">[\s\S]*?<\/script>/g, '');
    html = html.replace(/<!-- Load mathjax -->[\s\S]*?<!-- End of mathjax configuration -->/g, '');
    // A function, not a string: in a replacement string `$$` means `$` and `$'` inserts text.
    html = html.replace('</head>', () => `${head}\n</head>`);
    html = html.replace(
      /<body([^>]*)>/,
      '<body$1>\n<a class="back-to-site" href="../../notebooks">← All course notebooks</a>',
    );
    writeFileSync(file, html);
    pagesMade.push(name.replace(/\.ipynb$/, '.html'));
  }
  return pagesMade;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
rmSync(pages, { recursive: true, force: true });

const wasm = copyDir(
  `${root}node_modules/@tensorflow/tfjs-backend-wasm/dist`,
  `${out}/tfjs-wasm`,
  (n) => n.endsWith('.wasm'),
);
if (wasm.length === 0) throw new Error('no tfjs-backend-wasm .wasm files found in node_modules');

const source = copyDir(`${root}notebooks`, `${out}/notebook-files/source`, (n) =>
  n.endsWith('.ipynb'),
);
const executed = copyDir(`${root}build/notebooks`, `${out}/notebook-files/executed`, (n) =>
  n.endsWith('.ipynb'),
);
const read = readableNotebooks(executed);
mkdirSync(`${out}/notebook-files`, { recursive: true });
writeFileSync(
  `${out}/notebook-files/manifest.json`,
  `${JSON.stringify({ source, executed, read }, null, 2)}\n`,
);
console.log(
  `[site] static: ${wasm.length} wasm, ${source.length} source notebooks, ${executed.length} executed, ${read.length} readable pages`,
);

typedoc();
