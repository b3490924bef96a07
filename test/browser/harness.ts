/**
 * A reusable harness for running library code inside headless Chromium with Playwright.
 *
 * A test entry file (any `.ts` that imports the library, tfjs and a backend) is bundled with
 * esbuild into one browser ESM file, served with a tiny static HTTP server on 127.0.0.1 (WebGPU
 * needs a secure context; localhost is one, `about:blank` is not), and opened in the system
 * Chromium. The entry exposes async functions on `globalThis.suite`; specs call them with
 * `runInPage(page, name, ...args)` and make their assertions in Node on the JSON they return.
 *
 * Usage in a spec:
 * ```ts
 * const test = browserTest(new URL('./webgpu.entry.ts', import.meta.url));
 * test('adds', async ({ suitePage }) => {
 *   expect(await runInPage(suitePage, 'add', 1, 2)).toBe(3);
 * });
 * ```
 * Everything (bundling, serving) happens in a worker-scoped fixture, so `playwright test`
 * needs no prior build step.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, type Page } from '@playwright/test';
import { build } from 'esbuild';

/** Chromium flags: quiet and offline (as in GUIDE.md), plus WebGPU on the SwiftShader adapter. */
export const browserArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
];

/** Launch options for a Playwright project that runs this harness's specs. */
export const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: browserArgs,
};

/** A bundled entry served on 127.0.0.1. */
export interface ServedBundle {
  /** The page that loads the bundle, e.g. `http://127.0.0.1:40123/`. */
  url: string;
  /** Stops the server and deletes the bundle. */
  close(): Promise<void>;
}

const page = `<!doctype html><meta charset="utf-8"><title>browser tests</title>
<script type="module">
import('./entry.js').then(
  () => { globalThis.suiteReady = true; },
  (e) => { globalThis.suiteError = String(e && e.stack || e); },
);
</script>`;

const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/**
 * Bundles `entry` (a path or file URL) for the browser and serves it, with any `extraFiles`
 * (name → absolute path, e.g. tfjs-backend-wasm's `.wasm` files), from 127.0.0.1 on a free port.
 */
export async function serveBundle(
  entry: string | URL,
  extraFiles: Record<string, string> = {},
): Promise<ServedBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'browser-test-'));
  await build({
    entryPoints: [typeof entry === 'string' ? entry : fileURLToPath(entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(dir, 'entry.js'),
    sourcemap: 'inline',
    logLevel: 'warning',
    // The library guards Node-only imports behind runtime checks; keep them out of the bundle.
    external: ['webgpu', 'node:*'],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  writeFileSync(join(dir, 'index.html'), page);
  const files = new Map<string, string>([
    ['/', join(dir, 'index.html')],
    ['/index.html', join(dir, 'index.html')],
    ['/entry.js', join(dir, 'entry.js')],
    ...Object.entries(extraFiles).map(([name, path]) => [`/${name}`, path] as [string, string]),
  ]);
  const server: Server = createServer((req, res) => {
    const path = files.get((req.url ?? '/').split('?')[0] as string);
    if (path === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    res.end(readFileSync(path));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        rmSync(dir, { recursive: true, force: true });
      }),
  };
}

/** Opens a served bundle in `page` and waits until its entry module has run. */
export async function openSuite(page: Page, url: string): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(
    () =>
      (globalThis as { suiteReady?: boolean; suiteError?: string }).suiteReady === true ||
      (globalThis as { suiteError?: string }).suiteError !== undefined,
    undefined,
    { timeout: 60_000 },
  );
  const failure = await page.evaluate(() => (globalThis as { suiteError?: string }).suiteError);
  if (failure !== undefined) throw new Error(`the test bundle failed to load: ${failure}`);
  if (errors.length > 0) throw new Error(`page errors: ${errors.join('\n')}`);
}

/**
 * Calls `globalThis.suite[name](...args)` in the page and returns its (JSON-serializable) result.
 * The entry defines `suite`, e.g. `Object.assign(globalThis, { suite: { add: async (a, b) => a + b } })`.
 */
export async function runInPage<T = unknown>(
  page: Page,
  name: string,
  ...args: unknown[]
): Promise<T> {
  return page.evaluate(
    async ([fn, params]) => {
      const suite = (globalThis as { suite?: Record<string, (...a: unknown[]) => unknown> }).suite;
      const f = suite?.[fn as string];
      if (typeof f !== 'function') throw new Error(`globalThis.suite.${fn} is not a function`);
      return (await f(...(params as unknown[]))) as unknown;
    },
    [name, args] as const,
  ) as Promise<T>;
}

/**
 * A Playwright `test` whose worker bundles and serves `entry` once and opens it in one page,
 * `suitePage`, shared by the worker's tests (so the bundle loads and shaders compile once). Pass
 * `extraFiles` to serve more files beside it.
 */
export function browserTest(entry: string | URL, extraFiles: Record<string, string> = {}) {
  return base.extend<Record<never, never>, { served: ServedBundle; suitePage: Page }>({
    served: [
      // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take a destructured first argument.
      async ({}, use) => {
        const served = await serveBundle(entry, extraFiles);
        await use(served);
        await served.close();
      },
      { scope: 'worker' },
    ],
    suitePage: [
      async ({ browser, served }, use) => {
        const page = await browser.newPage();
        page.on('console', (m) => {
          if (m.type() === 'error') console.error(`[page] ${m.text()}`);
        });
        await openSuite(page, served.url);
        await use(page);
        await page.close();
      },
      { scope: 'worker' },
    ],
  });
}
