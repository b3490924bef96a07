// `npm start`: the tutorial site's dev server. Works as the first command on a fresh clone, so it
// imports nothing from node_modules before installing it.
import { ensureNodeModules, run } from './ensure.mjs';

ensureNodeModules();
run('node', ['scripts/site-prepare.mjs']);
try {
  run('node_modules/.bin/docusaurus', ['start', ...process.argv.slice(2)]);
} catch (error) {
  // Ctrl-C ends the dev server with a signal; only report real failures.
  if (!/SIGINT|SIGTERM/.test(String(error))) throw error;
}
