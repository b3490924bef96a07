import { expect } from '@playwright/test';
import { browserTest, runInPage } from './harness.js';

const test = browserTest(new URL('./smoke.entry.ts', import.meta.url));

test('headless Chromium offers a WebGPU adapter on 127.0.0.1', async ({ suitePage }) => {
  const info = await runInPage<{ gpu: boolean; adapter?: string | null }>(suitePage, 'adapter');
  console.log(info);
  expect(info.gpu).toBe(true);
  expect(info.adapter).not.toBeNull();
});
