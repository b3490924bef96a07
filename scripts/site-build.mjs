// `npm run build:site`: generated static files, then the Docusaurus build into build/site/.
// BASE_URL=/sub/path/ publishes the same site under a sub-path.
import { ensureNodeModules, run } from './ensure.mjs';

ensureNodeModules();
run('node', ['scripts/site-prepare.mjs']);
run('node_modules/.bin/docusaurus', ['build', '--out-dir', 'build/site', ...process.argv.slice(2)]);
