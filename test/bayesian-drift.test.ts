import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { driftData, driftProblem } from '../src/experiments/drift.js';
import {
  bayesianDriftAblations,
  bayesianDriftLearners,
} from '../src/experiments/drift-bayesian.js';
import { type DriftRow, driftMse, runDrift } from '../src/experiments/drift-benchmark.js';
import { defaultDriftLearners, driftLearners } from '../src/experiments/drift-learners.js';
import { useBackend } from './helpers/backends.js';

/** The benchmark's quick assertions for the Bayesian multiscale optimizer (issue 7). */
describe('Bayesian multiscale on the 1/f-drift benchmark (quick sizes, cpu)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('importing the module registers its learners with the benchmark', () => {
    const names = driftLearners().map((l) => l.name);
    for (const l of bayesianDriftLearners()) expect(names).toContain(l.name);
  });

  // (The untuned multiscale row reuses drift-learners' optimizerLearner, checked there.)
  it('its Bayesian learners free every tensor they make', () => {
    const problem = driftProblem({ steps: 50 });
    const data = driftData(problem, 1, 3);
    for (const learner of [...bayesianDriftLearners(), ...bayesianDriftAblations()].filter((l) =>
      l.name.startsWith('Bayesian'),
    )) {
      const before = tf.memory().numTensors;
      driftMse(learner, problem, data, {});
      expect(tf.memory().numTensors, learner.name).toBe(before);
    }
  });

  for (const noise of [0.5, 0.15]) {
    it(`noise ${noise}: exact curvature ≤ 1.05× the Kalman filter; the fisher drop-in beats tuned SGD, momentum and Adam`, () => {
      const base = defaultDriftLearners().filter((l) => !/fastWeights|bennaFusi/.test(l.name));
      const result = runDrift({
        seed: 3,
        noise,
        steps: 3000,
        seeds: 5,
        quick: true,
        learners: [...base, ...bayesianDriftLearners(), ...bayesianDriftAblations()],
      });
      const row = (name: string) => result.rows.find((r) => r.learner === name) as DriftRow;
      const exact = row('Bayesian multiscale (exact curvature)');
      const fisher = row('Bayesian multiscale (fisher)');
      const table = result.rows.map((r) => `${r.learner}: ${r.ratioMean.toFixed(3)}`).join('\n');
      expect(exact.ratioMean, table).toBeLessThanOrEqual(1.05);
      // The Kalman filter is optimal: nothing beats it by more than sampling noise.
      for (const r of result.rows) expect(r.ratioMean, table).toBeGreaterThan(0.99);
      const baselines = ['tf.train.sgd', 'tf.train.momentum', 'tf.train.adam'].map(
        (n) => row(n).ratioMean,
      );
      // "Clearly better": at least 5% of the Kalman filter's MSE below the best baseline.
      expect(fisher.ratioMean, table).toBeLessThan(Math.min(...baselines) - 0.05);
      // The per-weight denominator is too confident when 4 weights share one observation.
      expect(row('Bayesian multiscale (exact, perWeight)').ratioMean, table).toBeGreaterThan(
        exact.ratioMean + 0.1,
      );
    });
  }
});
