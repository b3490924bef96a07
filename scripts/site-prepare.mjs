// Generates the site's build-time static files into build/site-static/ (a Docusaurus static
// directory, see docusaurus.config.ts), so nothing generated is committed under site/:
//   api/                 TypeDoc HTML for src/index.ts (the API reference)
//   notebooks/source/    the course notebooks as committed (no outputs)
//   notebooks/executed/  executed copies from build/notebooks/ (`npm run notebooks:execute`)
//   notebooks/manifest.json  which of those exist, for the Notebooks page
//   tfjs-wasm/           the tfjs WASM backend binaries, for setWasmPaths in the drift race
// Plain Node: it runs before anything from node_modules is imported.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const out = `${root}build/site-static`;

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
      '--logLevel',
      'Warn',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error(`typedoc exited with ${result.status ?? result.signal}`);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const wasm = copyDir(
  `${root}node_modules/@tensorflow/tfjs-backend-wasm/dist`,
  `${out}/tfjs-wasm`,
  (n) => n.endsWith('.wasm'),
);
if (wasm.length === 0) throw new Error('no tfjs-backend-wasm .wasm files found in node_modules');

const source = copyDir(`${root}notebooks`, `${out}/notebooks/source`, (n) => n.endsWith('.ipynb'));
const executed = copyDir(`${root}build/notebooks`, `${out}/notebooks/executed`, (n) =>
  /\.(ipynb|html)$/.test(n),
);
mkdirSync(`${out}/notebooks`, { recursive: true });
writeFileSync(
  `${out}/notebooks/manifest.json`,
  `${JSON.stringify({ source, executed }, null, 2)}\n`,
);
console.log(
  `[site] static: ${wasm.length} wasm, ${source.length} source notebooks, ${executed.length} executed files`,
);

typedoc();
