// `npm run build:site`: generated static files, then the Docusaurus build into build/site/.
// BASE_URL=/sub/path/ publishes the same site under a sub-path.
import { ensureNodeModules, run } from './ensure.mjs';

ensureNodeModules();
run('node', ['scripts/site-prepare.mjs']);
// Webpack's persistent cache does not key on BASE_URL, so a sub-path build would reuse CSS whose
// url()s (KaTeX's fonts) point at the root path of an earlier build. Sub-path builds skip the
// cache, and so never write one that a later root build could pick up either.
const subPath = (process.env.BASE_URL ?? '/').replace(/^\/+|\/+$/g, '') !== '';
run(
  'node_modules/.bin/docusaurus',
  ['build', '--out-dir', 'build/site', ...process.argv.slice(2)],
  {
    env: subPath ? { ...process.env, DOCUSAURUS_NO_PERSISTENT_CACHE: '1' } : process.env,
  },
);
