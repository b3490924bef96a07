// Shared steps of the drift-race tests: run the race in the page, and check what it reports
// against the experiments module's drift generator, recomputed here in Node.
import { expect, type Page } from '@playwright/test';
import { driftData, driftProblem } from '../../src/experiments/drift.js';
import { SCREENSHOTS, watch } from './pages.js';

/** What the race figure publishes. */
export interface RaceData {
  seed: number;
  steps: number;
  replicas: number;
  dim: number;
  status: string;
  backend: string;
  done: number;
  firstTargets: number[];
  learners: { name: string; mse: number }[];
}

/** Sets the shortest race and seed 7 by keyboard, runs it to the end, returns its numbers. */
export async function race(page: Page, screenshot: string): Promise<RaceData> {
  const { problems } = watch(page);
  await page.goto('learning-under-drift');
  const figure = page.locator('[data-figure="drift-race"]');
  await expect(figure.locator('svg').first()).toBeVisible();
  // Shortest race: the steps slider to its minimum, by keyboard.
  const steps = figure.locator('[data-control="steps"]');
  const before = await figure.locator('.plots').innerHTML();
  await steps.focus();
  await page.keyboard.press('Home');
  await expect.poll(() => figure.locator('.plots').innerHTML()).not.toBe(before);
  const seed = figure.locator('[data-control="seed"]');
  await seed.fill('7');
  await expect(figure.locator('figcaption')).toContainText('seed 7');

  await figure.locator('[data-control="start"]').click();
  await expect(figure.locator('[data-status]')).toHaveAttribute('data-status', 'running', {
    timeout: 30_000,
  });
  await expect(figure.locator('[data-status]')).toHaveAttribute('data-status', 'done', {
    timeout: 100_000,
  });
  await page.screenshot({ path: `${SCREENSHOTS}${screenshot}.png`, fullPage: true });
  const data: RaceData = JSON.parse(
    (await figure.locator('script.figure-data').textContent()) ?? 'null',
  );
  // One loss curve per learner.
  expect(
    await figure.locator('[data-plot="drift-race"] svg g[aria-label="line"] path').count(),
  ).toBe(data.learners.length);
  expect(problems).toEqual([]);
  return data;
}

/** The race finished, on the experiments module's data, with a finite error for every learner. */
export function checkRace(data: RaceData): void {
  expect(data.seed).toBe(7);
  expect(data.done).toBe(data.steps);
  // The page trained on exactly the experiments module's data for this seed.
  const reference = driftData(
    driftProblem({ dim: data.dim, steps: data.steps }),
    data.seed,
    data.replicas,
  );
  expect(data.firstTargets).toEqual(Array.from(reference.y.subarray(0, 8)));
  expect(data.learners.length).toBeGreaterThanOrEqual(5);
  const names = data.learners.map((l) => l.name);
  expect(names).toContain('Kalman filter (exact)');
  expect(names).toContain('Bayesian multiscale');
  for (const l of data.learners) {
    expect(Number.isFinite(l.mse), `${l.name} MSE is finite`).toBe(true);
    expect(l.mse, `${l.name} MSE`).toBeGreaterThan(0);
  }
}
