import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DriftLearner,
  derivedMultiscale,
  driftData,
  driftLearners,
  driftMse,
  driftProblem,
  KalmanFilter,
  optimizerLearner,
  registerDriftLearner,
  runDrift,
} from '../src/experiments/index.js';
import { useBackend } from './helpers/backends.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('KalmanFilter', () => {
  it('equals a scalar Kalman filter written out by hand when d = K = 1', () => {
    const problem = driftProblem({
      dim: 1,
      components: 1,
      fastest: 20,
      slowest: 20,
      noise: 0.7,
      steps: 300,
    });
    const data = driftData(problem, 5, 1);
    const filter = new KalmanFilter(problem, 1);
    const rho = Math.exp(-1 / 20);
    const q = (1 - rho * rho) * 1; // σ² = 1/K = 1
    let m = 0;
    let p = 1;
    for (let t = 0; t < problem.steps; t++) {
      const x = data.x[t] as number;
      const y = data.y[t] as number;
      const predicted = filter.step(
        data.x.subarray(t, t + 1),
        data.y.subarray(t, t + 1),
      )[0] as number;
      expect(predicted).toBeCloseTo(x * m, 10);
      const k = (p * x) / (x * x * p + 0.49);
      m = rho * (m + k * (y - x * m));
      p = rho * rho * (p - k * x * p) + q;
    }
  });
});

describe('derivedMultiscale', () => {
  it('is the scalar steady-state Kalman gain when d = K = 1', () => {
    const problem = driftProblem({ dim: 1, components: 1, fastest: 50, slowest: 50, noise: 0.5 });
    const rho = Math.exp(-1 / 50);
    const q = 1 - rho * rho;
    const R = 0.25;
    // Steady state of P ← ρ²(P − P²/(P + R)) + q: ρ²PR/(P+R) + q = P, a quadratic in P.
    const a = 1;
    const b = R - q - rho * rho * R;
    const c = -q * R;
    const P = (-b + Math.sqrt(b * b - 4 * a * c)) / (2 * a);
    const { alpha, gamma } = derivedMultiscale(problem);
    expect(gamma).toEqual([rho]);
    expect(alpha[0]).toBeCloseTo((rho * P) / (P + R), 10);
  });
});

describe('1/f drift benchmark (quick)', () => {
  it('the exact Kalman filter is at least as good as every tuned learner, on every seed', () => {
    const result = runDrift({ seed: 4, quick: true, steps: 1500, seeds: 5 });
    const kf = result.rows.find((r) => r.learner === 'Kalman filter (exact)');
    expect(kf).toBeDefined();
    // No predictor foresees the observation noise: even an oracle that knows θ_t gets MSE σ², so
    // the filter's MSE must stay above it (up to the sampling spread of 5 seeds × 1500 steps).
    // The learners' ratios below are to this filter's MSE, measured on the same data.
    const noiseVariance = result.problem.noise ** 2;
    expect(kf?.mse).toBeGreaterThan(0.9 * noiseVariance);
    expect(result.rows.length).toBeGreaterThanOrEqual(7);
    for (const row of result.rows) {
      expect(Number.isFinite(row.mse)).toBe(true);
      expect(row.ratioMean).toBeGreaterThanOrEqual(1);
      expect(row.mse).toBeGreaterThanOrEqual(kf?.mse as number);
    }
  });

  it('is deterministic and its learner list is pluggable', () => {
    const extra: DriftLearner = optimizerLearner(
      'plugin sgd',
      () => [{ lr: 0.02 }],
      (h) => tf.train.sgd(h.lr as number),
    );
    registerDriftLearner(extra);
    expect(driftLearners().map((l) => l.name)).toContain('plugin sgd');
    const learners = [driftLearners()[0] as DriftLearner, extra];
    const a = runDrift({ seed: 9, steps: 200, seeds: 2, learners });
    const b = runDrift({ seed: 9, steps: 200, seeds: 2, learners });
    expect(b.rows).toEqual(a.rows);
    // The plugin's MSE equals a direct run of the same learner on the same test data.
    const data = driftData(a.problem, a.testSeed, 2);
    const direct = driftMse(extra, a.problem, data, { lr: 0.02 });
    expect(a.rows[1]?.mse).toBeCloseTo(((direct[0] as number) + (direct[1] as number)) / 2, 10);
  });

  it('rejects bad problem settings', () => {
    expect(() => driftProblem({ dim: 0 })).toThrow(/dim/);
    expect(() => driftProblem({ noise: -1 })).toThrow(/noise/);
    expect(() => driftProblem({ fastest: 10, slowest: 1 })).toThrow(/slowest/);
  });
});
