// With WebGL switched off in Chromium, the race falls back to WASM (or plain JavaScript).
import { expect, test } from '@playwright/test';
import { checkRace, race } from './race.js';

// The 'no-webgl' project in playwright.config.ts launches Chromium with --disable-webgl.

test('drift race falls back to WASM or CPU without WebGL', async ({ page }) => {
  test.setTimeout(150_000);
  const data = await race(page, 'drift-race-no-webgl');
  const webgl = await page.evaluate(() => [
    !!document.createElement('canvas').getContext('webgl2'),
    !!new OffscreenCanvas(1, 1).getContext('webgl2'),
    !!new OffscreenCanvas(1, 1).getContext('webgl'),
  ]);
  expect(webgl, 'WebGL is really off in this browser').toEqual([false, false, false]);
  expect(['wasm', 'cpu']).toContain(data.backend);
  checkRace(data);
});
