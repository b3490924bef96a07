// `npm run notebooks [-- JUPYTER_ARGS...]`: registers the tslab kernel in the project-local
// .jupyter/ dir and opens Jupyter on notebooks/. It never installs Jupyter: if it is missing it
// says how to install it and exits non-zero. Extra arguments go to Jupyter (e.g. --no-browser).
import { spawn } from 'node:child_process';
import {
  ensureBuilt,
  hasJupyter,
  jupyterMissingMessage,
  notebooksDir,
  registerKernel,
  root,
} from './notebooks-kernel.mjs';

if (!hasJupyter('notebook')) {
  console.error(jupyterMissingMessage('Jupyter Notebook'));
  process.exit(1);
}
ensureBuilt();
const env = registerKernel();
console.log('[notebooks] tslab kernel registered in .jupyter/ (JUPYTER_PATH); opening notebooks/');
// Jupyter refuses to run as root without --allow-root (containers, CI boxes).
const asRoot =
  typeof process.getuid === 'function' && process.getuid() === 0 ? ['--allow-root'] : [];
const jupyter = spawn(
  'jupyter',
  ['notebook', `--notebook-dir=${notebooksDir}`, ...asRoot, ...process.argv.slice(2)],
  { cwd: root, env, stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => jupyter.kill(signal));
jupyter.on('exit', (code) => process.exit(code ?? 1));
