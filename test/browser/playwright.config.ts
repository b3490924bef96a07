// The browser tests alone (no site build, no site server):
//   npx playwright test -c test/browser/playwright.config.ts
// The root playwright.config.ts runs them too, as its `browser` project, in `npm run test:site`.
import { defineConfig } from '@playwright/test';
import { launchOptions } from './harness.js';

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../../build/playwright-artifacts/browser',
  workers: 1,
  retries: 0,
  timeout: 300_000,
  reporter: [['list']],
  use: { browserName: 'chromium', launchOptions },
});
