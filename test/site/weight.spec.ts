// Weight on a phone: the JavaScript each page downloads, gzip-compressed as a static host sends
// it, measured in Chromium and printed. Pages load TensorFlow.js, its wasm binaries and training
// code only when a reader starts training (dynamic import()), so every page must stay within
// NO_TRAINING_BUDGET on load. Training itself (the drift race after Start) has its own budget,
// set from what it measured here (tfjs with the webgl, wasm and cpu backends).
import { gzipSync } from 'node:zlib';
import { expect, type Page, test } from '@playwright/test';
import { PAGES } from './pages.js';

/** Every page, on load, before any training starts. */
const NO_TRAINING_BUDGET = 400_000;
/**
 * The drift race after Start: TensorFlow.js and the training code. Measured 2026-12-02 at 624 kB
 * (304 kB on load + 319 kB on Start, webgl backend, no .wasm fetched); budget = that + 20 %.
 */
const DRIFT_RACE_BUDGET = 750_000;

/** Starts recording scripts (and .wasm) the page downloads; `total()` sums their gzip sizes. */
function recordScripts(page: Page) {
  const sizes = new Map<string, { js: number; wasm: number }>();
  const pending: Promise<void>[] = [];
  page.on('response', (response) => {
    const url = response.url();
    const isJs = response.request().resourceType() === 'script' || /\.m?js(\?|$)/.test(url);
    const isWasm = /\.wasm(\?|$)/.test(url);
    if (!isJs && !isWasm) return;
    pending.push(
      response
        .body()
        .then((body) => {
          const gz = gzipSync(body, { level: 9 }).length;
          sizes.set(url, { js: isJs ? gz : 0, wasm: isWasm ? gz : 0 });
        })
        .catch(() => undefined),
    );
  });
  return async () => {
    await Promise.all(pending);
    let js = 0;
    let wasm = 0;
    for (const s of sizes.values()) {
      js += s.js;
      wasm += s.wasm;
    }
    return { js, wasm, files: sizes.size };
  };
}

const kB = (n: number) => `${(n / 1000).toFixed(0)} kB`;

for (const p of PAGES) {
  test(`weight: ${p.name} loads ≤ ${kB(NO_TRAINING_BUDGET)} of gzip JS and no TensorFlow.js`, async ({
    page,
  }) => {
    const total = recordScripts(page);
    const tfjs: string[] = [];
    page.on('request', (r) => {
      if (/\.wasm(\?|$)/.test(r.url())) tfjs.push(r.url());
    });
    await page.goto(p.path);
    await page.waitForLoadState('networkidle');
    const { js, wasm, files } = await total();
    console.log(`[weight] ${p.name}: ${kB(js)} gzip JS in ${files} files, ${kB(wasm)} wasm`);
    test.info().annotations.push({ type: 'gzip JS', description: `${js}` });
    expect(tfjs, 'no .wasm before training starts').toEqual([]);
    expect(js).toBeLessThanOrEqual(NO_TRAINING_BUDGET);
  });
}

test(`weight: the drift race downloads TensorFlow.js only on Start, ≤ ${kB(DRIFT_RACE_BUDGET)} in all`, async ({
  page,
}) => {
  const total = recordScripts(page);
  await page.goto('learning-under-drift');
  await page.waitForLoadState('networkidle');
  const before = await total();
  const start = page.locator('[data-control="start"]').first();
  await start.click();
  await expect(page.locator('[data-status]').first()).not.toHaveAttribute(
    'data-status',
    /idle|starting/,
    { timeout: 60_000 },
  );
  await page.locator('[data-control="stop"]').first().click();
  await page.waitForLoadState('networkidle');
  const after = await total();
  console.log(
    `[weight] drift race: ${kB(before.js)} on load, ${kB(after.js)} gzip JS after Start (+${kB(after.js - before.js)}), ${kB(after.wasm)} wasm`,
  );
  expect(after.js).toBeGreaterThan(before.js + 100_000); // tfjs really came later
  expect(after.js).toBeLessThanOrEqual(DRIFT_RACE_BUDGET);
});
