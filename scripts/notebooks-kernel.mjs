// Shared by `npm run notebooks` and `npm run notebooks:execute`: registers the tslab kernel in a
// project-local Jupyter data dir (.jupyter/, gitignored) so nothing is installed globally, and
// returns the environment that makes Jupyter find it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { jupyterPython, run } from './ensure.mjs';

/** Repository root, with a trailing slash. */
export const root = new URL('..', import.meta.url).pathname;

/** Prefix that `tslab install --prefix` writes `share/jupyter/kernels/{tslab,jslab}` under. */
export const kernelPrefix = `${root}.jupyter`;

/** The Jupyter data dir holding the project-local kernelspecs (goes on JUPYTER_PATH). */
export const jupyterDataDir = `${kernelPrefix}/share/jupyter`;

/** The directory holding the course notebooks. */
export const notebooksDir = `${root}notebooks`;

/** True when `jupyter nbconvert` runs (the only Jupyter piece the executor needs). */
export function hasJupyter(subcommand = 'nbconvert') {
  try {
    execFileSync('jupyter', [subcommand, '--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The message printed when Jupyter is missing: one install command per platform. */
export function jupyterMissingMessage(what = 'Jupyter (notebook + nbconvert)') {
  return (
    `\n${what} is missing; the course notebooks need it to run with the tslab kernel.\n` +
    'Install it, then run the command again:\n' +
    '  Debian/Ubuntu: sudo apt-get install -y jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel\n' +
    '  pip:           python3 -m pip install notebook nbconvert nbclient ipykernel\n'
  );
}

/**
 * Registers tslab (TypeScript) and jslab kernels under .jupyter/ with absolute paths to this
 * checkout's tslab binary, and returns `process.env` plus JUPYTER_PATH pointing there.
 * Re-registering is cheap and keeps the kernelspec right if the checkout moved.
 */
export function registerKernel() {
  const binary = `${root}node_modules/.bin/tslab`;
  if (!existsSync(binary)) {
    throw new Error(`tslab is not installed (${binary} is missing): run npm ci first.`);
  }
  // Debian's Python first (ensure.mjs), then python3 on PATH for a pip/virtualenv Jupyter.
  let result;
  for (const python of [jupyterPython, 'python3']) {
    result = spawnSync(
      process.execPath,
      [
        `${root}node_modules/tslab/bin/tslab`,
        'install',
        `--python=${python}`,
        `--binary=${binary}`,
        `--prefix=${kernelPrefix}`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    if (result.status === 0 && existsSync(`${jupyterDataDir}/kernels/tslab/kernel.json`)) break;
  }
  if (result.status !== 0 || !existsSync(`${jupyterDataDir}/kernels/tslab/kernel.json`)) {
    throw new Error(`tslab install failed:\n${result.stdout}\n${result.stderr}`);
  }
  const path = [jupyterDataDir, process.env.JUPYTER_PATH].filter(Boolean).join(':');
  return { ...process.env, JUPYTER_PATH: path };
}

/** Newest modification time (ms) of the files under `dir` whose names end in `suffix`. */
function newest(dir, suffix) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(suffix)) {
      latest = Math.max(
        latest,
        statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs,
      );
    }
  }
  return latest;
}

/**
 * The notebooks import the compiled library from dist/ (tslab only compiles local .ts files under
 * the notebook's own folder), so rebuild it when it is missing or older than any file in src/.
 */
export function ensureBuilt() {
  const entry = `${root}dist/index.js`;
  if (existsSync(entry) && statSync(entry).mtimeMs >= newest(`${root}src`, '.ts')) return;
  console.log('[notebooks] dist/ is missing or older than src/: npm run build');
  try {
    run('npm', ['run', 'build']);
  } catch (error) {
    // tsc still emits JavaScript when only types are wrong; the type-check stage reports those.
    if (!existsSync(entry)) throw error;
    console.warn(
      '[notebooks] npm run build reported errors; running the notebooks on what it emitted',
    );
  }
}
