// `npm run test:site`: builds the site, serves it on 127.0.0.1 (Playwright's webServer) and runs
// the browser tests. Reports: list on stdout, JSON in build/test-results/playwright.json.
// `npm run test:site:subpath` (`--base-url /multiscale-optimizer/`): the same build GitHub Pages
// gets, under the repository's sub-path, served by scripts/site-serve.mjs (a folder wins over
// NAME.html, as on GitHub Pages), with only the page-level specs (every page, figure and asset,
// no 404), not the slow training specs. JSON report: build/test-results/playwright-subpath.json.
import { spawnSync } from 'node:child_process';
import { ensureChromium, ensureNodeModules, run } from './ensure.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--base-url');
const baseUrl = at >= 0 ? args[at + 1] : undefined;
if (at >= 0) args.splice(at, 2);
const env = { ...process.env };
if (baseUrl) {
  env.BASE_URL = baseUrl;
  env.PLAYWRIGHT_JSON = 'build/test-results/playwright-subpath.json';
}

/** The specs that check pages, links and assets (fast); the training specs stay at the root run. */
const PAGE_SPECS = [
  'pages.spec.ts',
  'routes.spec.ts',
  'weight.spec.ts',
  'search.spec.ts',
  'published.spec.ts',
];

ensureNodeModules();
ensureChromium();
const build = !args.includes('--no-build');
if (build) run('node', ['scripts/site-build.mjs'], { env });
const rest = args.filter((a) => a !== '--no-build');
// Named specs replace the page-level list (an option's value such as `--reporter line` does not).
const named = rest.some((a) => /\.spec\.ts$|^test\//.test(a));
const specs = baseUrl && !named ? PAGE_SPECS.map((s) => `test/site/${s}`) : [];
const extra = baseUrl ? ['--project=site'] : [];
const { status, signal } = spawnSync(
  'node_modules/.bin/playwright',
  ['test', ...extra, ...specs, ...rest],
  { stdio: 'inherit', cwd: new URL('..', import.meta.url).pathname, env },
);
process.exit(status ?? (signal ? 1 : 0));
