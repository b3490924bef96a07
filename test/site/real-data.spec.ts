// The real-data page trains small networks on real handwritten digits with TensorFlow.js in the
// page (WebGL in headless Chromium here). The digits are fetched only when the reader presses Start.
import { expect, test } from '@playwright/test';
import { SCREENSHOTS, watch } from './pages.js';

interface DigitsData {
  seed: number;
  blockSteps: number;
  steps: number;
  replicas: number;
  status: string;
  backend: string;
  done: number;
  learners: {
    name: string;
    forgetting: number;
    savings: number;
    averageAccuracy: number;
    onlineAccuracy: number;
    points: number;
  }[];
}

test('real digits: trains in the page, reports forgetting and savings from the run', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const { problems } = watch(page);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto('real-data');
  const figure = page.locator('[data-figure="real-digits"]');
  await expect(figure.locator('svg').first()).toBeVisible();
  await expect(page.locator('body')).toContainText('BSD-3-Clause');
  await expect(page.locator('body')).toContainText('MIT');
  // Shortest blocks by keyboard, seed 3.
  await figure.locator('[data-control="block-steps"]').focus();
  await page.keyboard.press('Home');
  await figure.locator('[data-control="seed"]').fill('3');
  await expect(figure.locator('figcaption')).toContainText('seed 3');
  expect(requests.filter((u) => u.includes('digits-14x14'))).toEqual([]);

  await figure.locator('[data-control="start"]').click();
  await expect(figure.locator('[data-status]')).toHaveAttribute('data-status', 'done', {
    timeout: 120_000,
  });
  await page.screenshot({ path: `${SCREENSHOTS}real-digits.png`, fullPage: true });
  expect(requests.filter((u) => u.includes('digits-14x14-500.bin'))).toHaveLength(1);
  const data: DigitsData = JSON.parse(
    (await figure.locator('script.figure-data').textContent()) ?? 'null',
  );
  expect(data.seed).toBe(3);
  expect(data.blockSteps).toBe(20);
  expect(data.done).toBe(data.steps);
  expect(data.steps).toBe(80); // A, B, A, B
  expect(['webgl', 'wasm', 'cpu']).toContain(data.backend);
  expect(data.learners.map((l) => l.name)).toEqual([
    'tf.train.sgd',
    'fastWeights',
    'bennaFusi',
    'multiscale (power law)',
  ]);
  for (const l of data.learners) {
    for (const v of [l.forgetting, l.savings, l.averageAccuracy, l.onlineAccuracy]) {
      expect(Number.isFinite(v)).toBe(true);
    }
    expect(l.averageAccuracy).toBeGreaterThanOrEqual(0);
    expect(l.averageAccuracy).toBeLessThanOrEqual(1);
  }
  // SGD learns real digits well above chance (0.1) in 80 steps.
  expect(data.learners[0]?.averageAccuracy).toBeGreaterThan(0.2);
  // One accuracy curve per learner, and the caption states every learner's numbers.
  expect(
    await figure.locator('[data-plot="real-digits"] svg g[aria-label="line"] path').count(),
  ).toBe(4);
  const caption = (await figure.locator('figcaption').textContent()) ?? '';
  for (const l of data.learners) expect(caption).toContain(l.name);
  expect(problems).toEqual([]);
});
