import * as tf from '@tensorflow/tfjs-core';
import {
  bayesianMultiscale,
  type CurvatureEstimate,
  type CurvatureFunction,
  type Innovation,
} from '../optimizers/bayesian-multiscale.js';
import { multiscale } from '../optimizers/factories.js';
import { type DriftProblem, derivedMultiscale } from './drift.js';
import {
  type DriftLearner,
  type DriftModel,
  optimizerLearner,
  registerDriftLearner,
} from './drift-learners.js';

/**
 * The Bayesian multiscale optimizer (issue 7) on the 1/f-drift benchmark of `drift.ts`, as
 * plug-in learners: importing this module registers them with `registerDriftLearner`, and
 * `bayesianDriftLearners()` returns them for `runDrift({learners})`.
 *
 * Every learner uses the generator's prior, as the exact Kalman filter does: γ_i = ρ_i,
 * p_i = componentVariance, σ² = noise², so none has a hyperparameter to tune (grid `[{}]`):
 * - **exact curvature**: h = x² per weight (the linear model's Gauss–Newton diagonal), with
 *   `innovation: 'perRow'` (each replica row of the `[replicas, dim]` weight explains its own y).
 *   This is the mean-field Kalman filter, derived in `BayesianMultiscaleOptimizer`'s doc comment.
 * - **fisher**: the drop-in curvature for any network (calibrated empirical Fisher), same prior.
 * - **exact, perWeight** (`ablations` only): the issue's per-weight denominator 1 + h_j V_j,
 *   which over-trusts each weight when d > 1 weights share one observation.
 * - **empirical Fisher** (`ablations` only): the raw ĥ = ĝ².
 *
 * It also adds **multiscale (derived, untuned)**: `derivedMultiscale` at gainScale 1, next to the
 * benchmark's tuned `multiscale (derived)`.
 *
 * Run it: `npm run experiments -- drift --plugin src/experiments/drift-bayesian.ts`.
 *
 * Measured results (MSE over the exact Kalman filter's, with intervals) are generated, not typed
 * here: `npm run experiments -- drift --plugin src/experiments/drift-bayesian.ts` writes them into
 * `src/experiments/RESULTS.md`.
 *
 * Notebook 05 and the site's "learning under drift" page end with a section on this optimizer;
 * the notebook runs `bayesianDriftLearners()` live on the quick benchmark.
 */

/** One Bayesian multiscale learner for the drift benchmark. */
export function bayesianDriftLearner(
  name: string,
  curvature: 'exact' | CurvatureEstimate,
  innovation: Innovation = 'perRow',
): DriftLearner {
  return {
    name,
    grid: () => [{}],
    create(problem: DriftProblem, _hyper, replicas): DriftModel {
      let inputs: tf.Tensor2D | null = null;
      const exact: CurvatureFunction = () => tf.square(inputs as tf.Tensor2D);
      const optimizer = bayesianMultiscale({
        gamma: problem.retention,
        priorVariance: problem.componentVariance,
        observationNoise: problem.noise ** 2,
        curvature: curvature === 'exact' ? exact : curvature,
        innovation,
      });
      const weight = tf.tidy(() => tf.variable(tf.zeros([replicas, problem.dim]), true));
      return {
        step(x, y) {
          const prediction = tf.tidy(() => {
            const xs = tf.tensor2d(x, [replicas, problem.dim]);
            const pred = tf.sum(tf.mul(weight, xs), 1);
            const error = tf.sub(pred, tf.tensor1d(y));
            inputs = xs;
            // ½(ŷ − y)² per replica: gradient (ŷ − y)·x, curvature x².
            optimizer.applyGradients({ [weight.name]: tf.mul(tf.expandDims(error, 1), xs) });
            inputs = null;
            return pred;
          });
          const values = prediction.dataSync();
          prediction.dispose();
          return values;
        },
        dispose() {
          weight.dispose();
          optimizer.dispose();
        },
      };
    },
  };
}

/** The fixed-gain multiscale learner at the derivation's gains (gainScale 1), not tuned. */
export const derivedUntunedLearner: DriftLearner = optimizerLearner(
  'multiscale (derived, untuned)',
  () => [{}],
  (_, problem) => multiscale(derivedMultiscale(problem, 1)),
);

/** The Bayesian learners this module registers, in table order. */
export function bayesianDriftLearners(): DriftLearner[] {
  return [
    derivedUntunedLearner,
    bayesianDriftLearner('Bayesian multiscale (exact curvature)', 'exact'),
    bayesianDriftLearner('Bayesian multiscale (fisher)', 'fisher'),
  ];
}

/** Variants kept out of the default table: the per-weight denominator and the raw Fisher. */
export function bayesianDriftAblations(): DriftLearner[] {
  return [
    bayesianDriftLearner('Bayesian multiscale (exact, perWeight)', 'exact', 'perWeight'),
    bayesianDriftLearner('Bayesian multiscale (empirical Fisher)', 'empiricalFisher'),
  ];
}

for (const learner of bayesianDriftLearners()) registerDriftLearner(learner);
