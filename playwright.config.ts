// Browser tests of the tutorial site (`npm run test:site` builds it first). They run against the
// built site served on 127.0.0.1 with the system Chromium (Playwright cannot download one here).
import { defineConfig } from '@playwright/test';
import { launchOptions as browserTestLaunchOptions } from './test/browser/harness.js';
import { chromiumArgs, chromiumPath } from './test/site/pages.js';

const port = Number(process.env.SITE_PORT ?? 3911);
const basePath = (() => {
  const raw = process.env.BASE_URL ?? '/';
  const lead = raw.startsWith('/') ? raw : `/${raw}`;
  return lead.endsWith('/') ? lead : `${lead}/`;
})();

export default defineConfig({
  testDir: 'test/site',
  testMatch: '**/*.spec.ts',
  outputDir: 'build/playwright-artifacts',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON ?? 'build/test-results/playwright.json' }],
  ],
  use: {
    baseURL: `http://127.0.0.1:${port}${basePath}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: chromiumPath,
      args: chromiumArgs,
    },
    viewport: { width: 1200, height: 900 },
  },
  projects: [
    { name: 'site', testDir: 'test/site', testIgnore: '**/*no-webgl.spec.ts' },
    {
      // Chromium without WebGL: the drift race must fall back to WASM or CPU. --disable-webgl
      // alone leaves WebGL on OffscreenCanvas (which tfjs uses); without GPU or software
      // rasterizer there is no WebGL at all.
      name: 'no-webgl',
      testDir: 'test/site',
      testMatch: '**/*no-webgl.spec.ts',
      use: {
        launchOptions: {
          executablePath: chromiumPath,
          args: [
            ...chromiumArgs,
            '--disable-webgl',
            '--disable-3d-apis',
            '--disable-software-rasterizer',
          ],
        },
      },
    },
    // Library code in the browser (WebGPU on SwiftShader, WebGL): bundles and serves itself.
    {
      name: 'browser',
      testDir: 'test/browser',
      timeout: 300_000,
      use: { launchOptions: browserTestLaunchOptions },
    },
  ],
  webServer: {
    command: `node scripts/site-serve.mjs --host 127.0.0.1 --port ${port}`,
    url: `http://127.0.0.1:${port}${basePath}`,
    reuseExistingServer: false, // never test someone else's server (or another build) by mistake
    timeout: 60_000,
    stdout: 'ignore',
  },
});
