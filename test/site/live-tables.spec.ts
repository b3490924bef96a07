// The forgetting page's live tables: the numbers the page shows are the library's (recomputed
// here in Node), and they say what the text claims, checked against closed forms: the measured
// exponent of every ratio chain is within 0.1 of ln q_C / ln(q_C/q_G); the tuned exponential lives
// ≈ N/e with initial SNR ≈ √e; Benna–Fusi's initial SNR grows almost like √N while a fixed
// exponential's lifetime grows only logarithmically.
import { expect, test } from '@playwright/test';
import {
  measuredSlope,
  powerLawWindow,
  predictedExponent,
  ratioChainDynamics,
} from '../../src/experiments/diffusion.js';
import { watch } from './pages.js';

test('forgetting page: exponent and lifetime tables are the library numbers, and match the closed forms', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const { problems } = watch(page);
  await page.goto('forgetting-curves');

  const rows = page.locator('[data-live-table="exponents"] tbody tr');
  const n = await rows.count();
  expect(n).toBeGreaterThanOrEqual(5);
  for (let i = 0; i < n; i++) {
    const row = rows.nth(i);
    const [qC, qG] = ((await row.getAttribute('data-row')) as string).split(',').map(Number) as [
      number,
      number,
    ];
    const beakers = Number(await row.locator('td').nth(3).textContent());
    const shownPredicted = Number(
      await row.locator('[data-predicted]').getAttribute('data-predicted'),
    );
    const shownMeasured = Number(
      await row.locator('[data-measured]').getAttribute('data-measured'),
    );
    // Independent closed form, then the library's own measurement recomputed in Node.
    expect(shownPredicted).toBeCloseTo(Math.log(qC) / Math.log(qC / qG), 12);
    expect(shownPredicted).toBeCloseTo(predictedExponent(qC, qG), 12);
    const d = ratioChainDynamics({ beakers, capacityRatio: qC, tubeRatio: qG });
    const window = powerLawWindow(d);
    expect(window).not.toBeNull();
    if (window) expect(shownMeasured).toBeCloseTo(-measuredSlope(d, window).slope, 9);
    expect(Math.abs(shownMeasured - shownPredicted), `θ for q_C=${qC}, q_G=${qG}`).toBeLessThan(
      0.1,
    );
  }

  const cell = async (model: string, N: number, attr: string) =>
    Number(
      await page
        .locator(`[data-live-table="lifetime"] tr[data-model="${model}"][data-n="${N}"] [${attr}]`)
        .getAttribute(attr),
    );
  for (const N of [1e4, 1e5, 1e6]) {
    const lifetime = await cell('exponential, tuned γ', N, 'data-lifetime');
    expect(lifetime / (N / Math.E), `tuned exponential lifetime / (N/e) at N=${N}`).toBeCloseTo(
      1,
      1,
    );
    const snr = await cell('exponential, tuned γ', N, 'data-initial-snr');
    expect(Math.abs(snr - Math.sqrt(Math.E)), `initial SNR ≈ √e at N=${N}`).toBeLessThan(0.02);
  }
  const bfGrowth =
    (await cell('Benna–Fusi', 1e6, 'data-initial-snr')) /
    (await cell('Benna–Fusi', 1e2, 'data-initial-snr'));
  expect(
    bfGrowth,
    'Benna–Fusi initial SNR grows nearly like √N (×100 over N ×10⁴)',
  ).toBeGreaterThan(30);
  const fixedGrowth =
    (await cell('exponential, fixed γ', 1e6, 'data-lifetime')) /
    (await cell('exponential, fixed γ', 1e2, 'data-lifetime'));
  expect(fixedGrowth, 'fixed exponential lifetime grows only logarithmically').toBeLessThan(10);
  expect(problems).toEqual([]);
});
