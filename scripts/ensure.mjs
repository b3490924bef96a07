// Installs what `npm start` and `npm test` need, so either works as the first command on a fresh
// clone. npm packages are always installed; on Debian/Ubuntu as root, Jupyter and Chromium come from
// apt; anywhere else we print one message that says what to install, and exit non-zero.
// Plain Node on purpose: this runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;

/** Runs a command with inherited stdio; throws if it fails. */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

function commandWorks(cmd, args) {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** npm packages: `npm ci` when node_modules is missing or older than package-lock.json. */
export function ensureNodeModules() {
  const marker = `${root}node_modules/.package-lock.json`;
  const lock = `${root}package-lock.json`;
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('[ensure] installing npm packages (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get') && existsSync('/etc/debian_version');
let aptUpdated = false;

function aptInstall(packages) {
  if (!aptUpdated) {
    run('apt-get', ['update', '-qq']);
    aptUpdated = true;
  }
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function missing(what, aptPackages, otherwise) {
  if (isRoot && hasApt) {
    console.log(`[ensure] installing ${what} with apt-get: ${aptPackages.join(' ')}`);
    aptInstall(aptPackages);
    return;
  }
  console.error(
    `\n${what} is missing. Install it, then run the command again:\n` +
      `  Debian/Ubuntu: sudo apt-get install -y ${aptPackages.join(' ')}\n` +
      `  elsewhere:     ${otherwise}\n`,
  );
  process.exit(1);
}

/** The Python interpreter that Jupyter runs tslab under (Debian's, not a pyenv shim). */
export const jupyterPython = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Jupyter with nbconvert and nbclient, for executing the course notebooks. */
export function ensureJupyter() {
  if (commandWorks('jupyter', ['nbconvert', '--version'])) return;
  missing(
    'Jupyter (notebook + nbconvert)',
    ['jupyter-notebook', 'jupyter-nbconvert', 'python3-nbclient', 'python3-ipykernel'],
    'pip install notebook nbconvert nbclient ipykernel',
  );
}

/** Path of the Chromium that Playwright drives; CHROMIUM_PATH overrides it. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium for the browser tests (Playwright cannot download its own here). */
export function ensureChromium() {
  if (existsSync(chromiumPath)) return;
  if (process.env.CHROMIUM_PATH) {
    console.error(
      `CHROMIUM_PATH=${chromiumPath} does not exist. Point it at a Chromium or Chrome binary.`,
    );
    process.exit(1);
  }
  missing(
    'Chromium',
    ['chromium'],
    'install Chrome or Chromium and set CHROMIUM_PATH=/path/to/chrome',
  );
}

/** The package version of an installed dependency, for reports. */
export function installedVersion(name) {
  return JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, 'utf8')).version;
}
