// `npm run serve`: serves the built site (build/site/) the way a static host such as GitHub Pages
// does: under BASE_URL, files as they are; a folder wins over NAME.html: `/dir` redirects to
// `/dir/`, which serves dir/index.html or 404 (so a page that shares its name with a static folder
// is a 404 here, as it would be on GitHub Pages); else `/page` → page.html; 404.html otherwise. (`docusaurus serve` rewrites `x.html` to `x` and drops the base URL in the
// redirect, which breaks the TypeDoc pages under a sub-path.) Plain Node, no dependencies.
// Options: --port N (default 3000), --host H (default 127.0.0.1), --dir D (default build/site).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const root = new URL('..', import.meta.url).pathname;
const dir = join(root, option('dir', 'build/site'));
const port = Number(option('port', process.env.SITE_PORT ?? 3000));
const host = option('host', '127.0.0.1');
const base = (() => {
  const raw = process.env.BASE_URL ?? '/';
  const lead = raw.startsWith('/') ? raw : `/${raw}`;
  return lead.endsWith('/') ? lead : `${lead}/`;
})();

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.ipynb': 'application/x-ipynb+json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** What a URL path maps to: a file, a redirect to the folder's slash form, or nothing. */
function resolve(pathname) {
  if (!pathname.startsWith(base)) return {};
  const rel = normalize(decodeURIComponent(pathname.slice(base.length))).replace(
    /^(\.\.(\/|$))+/,
    '',
  );
  const full = join(dir, rel);
  if (!full.startsWith(dir)) return {};
  if (existsSync(full) && statSync(full).isDirectory()) {
    if (!pathname.endsWith('/')) return { redirect: `${pathname}/` };
    const index = join(full, 'index.html');
    return existsSync(index) ? { file: index } : {};
  }
  if (existsSync(full) && statSync(full).isFile()) return { file: full };
  if (existsSync(`${full}.html`)) return { file: `${full}.html` };
  return {};
}

if (!existsSync(dir)) {
  console.error(`${dir} does not exist: run \`npm run build:site\` first.`);
  process.exit(1);
}

createServer((req, res) => {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  if (pathname === '/' && base !== '/') {
    res.writeHead(302, { Location: base }).end();
    return;
  }
  const { file, redirect } = resolve(pathname);
  if (redirect) {
    res.writeHead(301, { Location: redirect }).end();
    return;
  }
  const target = file ?? join(dir, '404.html');
  res.writeHead(file ? 200 : 404, {
    'Content-Type': TYPES[extname(target)] ?? 'application/octet-stream',
  });
  createReadStream(target).pipe(res);
}).listen(port, host, () => {
  console.log(`Serving ${dir} at http://${host}:${port}${base}`);
});
