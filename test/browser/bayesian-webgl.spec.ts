import { expect } from '@playwright/test';
import { BAYESIAN_CASES, LARGE_REDUCTION_CASES } from '../helpers/bayesian-equivalence.js';
import { browserTest, runInPage } from './harness.js';

const test = browserTest(new URL('./bayesian-webgl.entry.ts', import.meta.url));

test.describe('fused Bayesian multiscale kernels on webgl', () => {
  test.beforeEach(async ({ suitePage }) => {
    const info = await runInPage<{ backend: string; registered: boolean }>(suitePage, 'setup');
    expect(info).toEqual({ backend: 'webgl', registered: true });
  });

  for (const name of Object.keys({ ...BAYESIAN_CASES, ...LARGE_REDUCTION_CASES })) {
    test(`${name}: fused = generic = float64 Kalman, weights and state`, async ({ suitePage }) => {
      const { worst, kernels, leaked } = await runInPage<{
        worst: Record<string, number>;
        kernels: string[];
        leaked: { fused: number; generic: number };
      }>(suitePage, 'equivalence', name);
      expect(Object.keys(worst).length).toBe(6);
      for (const [output, ratio] of Object.entries(worst)) {
        expect(ratio, `${output}: max|Δ| / max(|reference|, 1e-3)`).toBeLessThanOrEqual(1e-4);
      }
      expect(kernels).toContain('BayesianMultiscaleStep');
      expect(leaked).toEqual({ fused: 0, generic: 0 });
    });
  }

  for (const innovation of ['shared', 'perRow'] as const) {
    for (const path of ['fused', 'generic'] as const) {
      test(`${innovation}, ${path}: a NaN gradient entry stays in its entry`, async ({
        suitePage,
      }) => {
        const r = await runInPage<{ nan: boolean; othersFinite: boolean; relDiff: number }>(
          suitePage,
          'nanEntry',
          innovation,
          path,
        );
        expect(r.nan).toBe(true);
        expect(r.othersFinite).toBe(true);
        expect(r.relDiff).toBeLessThanOrEqual(1e-6);
      });
    }
  }

  for (const path of ['fused', 'generic'] as const) {
    test(`${path}: zero-size variables step with the others and change nothing`, async ({
      suitePage,
    }) => {
      const r = await runInPage(suitePage, 'emptyWeights', path);
      expect(r).toEqual({ shapesKept: true, emptyChangesNothing: true });
    });

    test(`${path}: a scalar variable equals the scalar Kalman filter`, async ({ suitePage }) => {
      const r = await runInPage<{ shapeKept: boolean; relError: number }>(
        suitePage,
        'scalarWeight',
        path,
      );
      expect(r.shapeKept).toBe(true);
      expect(r.relError).toBeLessThanOrEqual(1e-5);
    });
  }

  for (const innovation of ['shared', 'perRow', 'perWeight'] as const) {
    test(`${innovation}: optimizer steps go through the kernels, read nothing back and leak nothing`, async ({
      suitePage,
    }) => {
      const r = await runInPage<{
        stepCalls: number;
        innovationCalls: number;
        reads: number;
        leaked: number;
      }>(suitePage, 'optimizerSteps', innovation);
      // Two weights, 20 steps; only 'shared' needs the innovation kernel (once per weight).
      const innovationCalls = innovation === 'shared' ? 40 : 0;
      expect(r).toEqual({ stepCalls: 40, innovationCalls, reads: 0, leaked: 0 });
    });
  }
});
