// The fast-weights page runs Hinton & Plaut's interference-and-savings experiment in the page when
// the reader presses Start. The caption's numbers are recomputed here in Node (cpu backend) with
// the same settings; the browser may run WebGL, so they agree to float32 rounding, not bit for bit.

import { expect, type Locator, type Page, test } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import { runSavings } from '../../src/experiments/savings.js';
import { SCREENSHOTS, watch } from './pages.js';

interface Summary {
  mean: number;
  lo: number;
  hi: number;
}

interface FastWeightsData {
  seed: number;
  replicas: number;
  fastRetention: number;
  fastLearningRate: number;
  restSteps: number;
  slowLearningRate: number;
  status: string;
  backend: string;
  result: {
    savings: (Summary & { name: string; errorAfterInterference: number; errorAfterRest: number })[];
    comparison: Summary & { p: number; significant: boolean };
    verdict: string;
  } | null;
}

async function figureData(figure: Locator): Promise<FastWeightsData> {
  return JSON.parse((await figure.locator('script.figure-data').textContent()) ?? 'null');
}

async function runAndRead(page: Page, figure: Locator): Promise<FastWeightsData> {
  await figure.locator('[data-control="start"]').click();
  await expect(figure.locator('[data-status]')).toHaveAttribute('data-status', 'done', {
    timeout: 90_000,
  });
  await expect(figure.locator('[data-verdict]')).toBeVisible();
  void page;
  return figureData(figure);
}

test('fast weights: savings computed in the page match Node, and the controls change them', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await tf.setBackend('cpu');
  const { problems } = watch(page);
  await page.goto('fast-weights');
  const figure = page.locator('[data-figure="fast-weights"]');
  await expect(figure.locator('svg').first()).toBeVisible();
  // Fewest replicas (3, by keyboard: Home then one step up), seed 2.
  await figure.locator('[data-control="replicas"]').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await figure.locator('[data-control="seed"]').fill('2');
  await expect(figure.locator('figcaption')).toContainText('Press Start to train 3 pairs');

  const first = await runAndRead(page, figure);
  expect(first.seed).toBe(2);
  expect(first.replicas).toBe(3);
  expect(['webgl', 'wasm', 'cpu']).toContain(first.backend);
  const result = first.result;
  if (!result) throw new Error('no result after Start');
  const node = runSavings({
    seed: 2,
    replicas: 3,
    slowLearningRate: first.slowLearningRate,
    fastLearningRate: first.fastLearningRate,
    fastRetention: first.fastRetention,
  });
  expect(result.savings.map((s) => s.name)).toEqual(['tf.train.sgd', 'fastWeights']);
  result.savings.forEach((s, i) => {
    const want = node.learners[i]?.interval as Summary;
    expect(s.mean).toBeCloseTo(want.mean, 2);
    expect(s.lo).toBeCloseTo(want.lo, 1);
    expect(s.hi).toBeCloseTo(want.hi, 1);
  });
  expect(result.comparison.mean).toBeCloseTo(node.comparison.mean, 2);
  // The verdict follows the caption's own interval.
  const covers = result.comparison.lo <= 0 && result.comparison.hi >= 0;
  expect(result.verdict).toBe(covers ? 'not significant' : 'significant');
  await expect(figure.locator('[data-verdict]')).toHaveText(result.verdict);
  const caption = (await figure.locator('figcaption').textContent()) ?? '';
  expect(caption).toContain(`fastWeights − SGD`);
  await page.screenshot({ path: `${SCREENSHOTS}fast-weights.png`, fullPage: true });

  // A shorter-lived fast part changes the fast-weights savings, not SGD's (same seed and η).
  await figure.locator('[data-control="fast-retention"]').focus();
  await page.keyboard.press('Home'); // γ_f = 0
  await expect(figure.locator('figcaption')).toContainText('Settings changed');
  const second = await runAndRead(page, figure);
  expect(second.fastRetention).toBe(0);
  const s1 = result.savings;
  const s2 = second.result?.savings ?? [];
  expect(s2[0]?.mean).toBeCloseTo(s1[0]?.mean as number, 4);
  expect(Math.abs((s2[1]?.mean as number) - (s1[1]?.mean as number))).toBeGreaterThan(0.01);

  // A rest between B and relearning: SGD's weights stay put, the fast part decays.
  await figure.locator('[data-control="fast-retention"]').fill('0.9');
  await figure.locator('[data-control="rest-steps"]').focus();
  await page.keyboard.press('End'); // 40 rest steps
  const third = await runAndRead(page, figure);
  expect(third.restSteps).toBe(40);
  const [sgd, fast] = third.result?.savings ?? [];
  expect(sgd?.errorAfterRest).toBe(sgd?.errorAfterInterference);
  expect(fast?.errorAfterRest).not.toBe(fast?.errorAfterInterference);
  await expect(figure.locator('figcaption')).toContainText('after 40 rest steps');
  expect(problems).toEqual([]);
});
