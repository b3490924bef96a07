import { expect } from '@playwright/test';
import { EPS32 } from '../kernels-reference.js';
import { browserTest, runInPage } from './harness.js';

const test = browserTest(new URL('./webgl-kernels.entry.ts', import.meta.url));

test.describe('fused MultiscaleStep kernel on webgl', () => {
  test('runs on webgl with the kernel registered', async ({ suitePage }) => {
    const info = await runInPage<{ backend: string; registered: boolean }>(suitePage, 'setup');
    expect(info).toEqual({ backend: 'webgl', registered: true });
  });

  for (const k of [1, 2, 4, 8]) {
    test(`k = ${k}: fused = generic = float64 reference to float32 rounding`, async ({
      suitePage,
    }) => {
      await runInPage(suitePage, 'setup');
      const worst = await runInPage<Record<string, number>>(suitePage, 'agreement', k);
      for (const [output, ratio] of Object.entries(worst)) {
        expect(ratio, `${output}: worst error / rounding bound`).toBeLessThanOrEqual(1);
      }
    });
  }

  test('optimizer steps go through the kernel, leak nothing and match the ops path', async ({
    suitePage,
  }) => {
    await runInPage(suitePage, 'setup');
    const r = await runInPage<{
      kernelCalls: number;
      leaked: number;
      maxDiff: number;
      scale: number;
    }>(suitePage, 'optimizerSteps');
    expect(r.kernelCalls).toBe(100);
    expect(r.leaked).toBe(0);
    expect(r.maxDiff).toBeLessThanOrEqual(100 * 8 * EPS32 * r.scale);
  });

  for (const name of ['momentum', 'scaledMiddle', 'bennaFusi5', 'bennaFusi8']) {
    test(`TridiagonalStep, ${name}: kernel = ops = dense float64 reference`, async ({
      suitePage,
    }) => {
      await runInPage(suitePage, 'setup');
      const worst = await runInPage<Record<string, number>>(
        suitePage,
        'tridiagonalAgreement',
        name,
      );
      for (const [output, ratio] of Object.entries(worst)) {
        expect(ratio, `${output}: worst error / rounding bound`).toBeLessThanOrEqual(1);
      }
    });
  }

  test('coupled Benna–Fusi (TridiagonalStep kernel) = diagonal form', async ({ suitePage }) => {
    await runInPage(suitePage, 'setup');
    const r = await runInPage<{ maxDiff: number; scale: number; leaked: number }>(
      suitePage,
      'coupledVsDiagonal',
    );
    expect(r.maxDiff).toBeLessThanOrEqual(1e-4 * r.scale);
    expect(r.leaked).toBe(0);
  });
});
