// Runs the WebGPU benchmark on small sizes in headless Chromium on its SwiftShader adapter (no GPU
// needed): proves the benchmark runs end to end before any device time is spent on it.
import { chromium } from '@playwright/test';
import { launchOptions, openSuite, runInPage, serveBundle } from '../test/browser/harness.js';

const served = await serveBundle(new URL('../bench/gpu/browser.entry.ts', import.meta.url));
const browser = await chromium.launch(launchOptions);
try {
  const page = await browser.newPage();
  await openSuite(page, served.url);
  const result = await runInPage<{
    lines: string[];
    worst: number;
    rows: number;
    bayesianOk: boolean;
  }>(page, 'run', [1e4, 3e4], [1, 2, 4, 8], 2);
  for (const line of result.lines) console.log(line);
  if (!(result.worst <= 1e-5) || result.rows !== 8 || !result.bayesianOk) {
    console.error('bench:gpu check FAILED');
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await served.close();
}
