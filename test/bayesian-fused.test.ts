// The fused Bayesian multiscale step (cpu, wasm) against the generic tfjs-ops path and a float64
// mean-field Kalman filter, in weights and in state; NaN gradients; zero-size and scalar weights.
import { beforeAll, describe, expect, it } from 'vitest';
import { hasBayesianKernels } from '../src/kernels/bayesian-step-kernel.js';
import { BACKENDS, useBackend } from './helpers/backends.js';
import {
  BAYESIAN_CASES,
  emptyWeights,
  equivalence,
  nanEntry,
  scalarWeight,
} from './helpers/bayesian-equivalence.js';

for (const backend of process.env.ONLY_BACKEND ? [process.env.ONLY_BACKEND] : BACKENDS) {
  describe(`fused Bayesian step on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('has both kernels', () => {
      expect(hasBayesianKernels(backend)).toBe(true);
    });

    for (const name of Object.keys(BAYESIAN_CASES)) {
      it(`${name}: fused = generic = float64 Kalman, weights and state`, async () => {
        const { worst, kernels, leaked } = await equivalence(backend, name);
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
        it(`${innovation}, ${path}: a NaN gradient entry stays in its entry (the others step as if it were 0)`, async () => {
          const r = await nanEntry(backend, innovation, path);
          expect(r.nan).toBe(true);
          expect(r.othersFinite).toBe(true);
          expect(r.relDiff).toBeLessThanOrEqual(1e-6);
        });
      }
    }

    for (const path of ['fused', 'generic'] as const) {
      it(`${path}: a zero-size variable steps with the others and changes nothing`, async () => {
        expect(await emptyWeights(backend, path)).toEqual({
          shapesKept: true,
          emptyChangesNothing: true,
        });
      });

      it(`${path}: a scalar variable equals the scalar Kalman filter`, async () => {
        const r = await scalarWeight(backend, path);
        expect(r.shapeKept).toBe(true);
        expect(r.relError).toBeLessThanOrEqual(1e-5);
      });
    }
  });
}
