// `npm run test:site`: builds the site, serves it on 127.0.0.1 (Playwright's webServer) and runs
// the browser tests. Reports: list on stdout, JSON in build/test-results/playwright.json.
import { spawnSync } from 'node:child_process';
import { ensureChromium, ensureNodeModules, run } from './ensure.mjs';

ensureNodeModules();
ensureChromium();
if (!process.argv.includes('--no-build')) run('node', ['scripts/site-build.mjs']);
const args = process.argv.slice(2).filter((a) => a !== '--no-build');
const { status, signal } = spawnSync('node_modules/.bin/playwright', ['test', ...args], {
  stdio: 'inherit',
  cwd: new URL('..', import.meta.url).pathname,
});
process.exit(status ?? (signal ? 1 : 0));
