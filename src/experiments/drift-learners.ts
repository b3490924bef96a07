import * as tf from '@tensorflow/tfjs-core';
import { bennaFusi, fastWeights, multiscale } from '../optimizers/factories.js';
import { type DriftProblem, derivedMultiscale, KalmanFilter } from './drift.js';

/** Hyperparameters of one grid point: plain named numbers, printed in the results table. */
export type Hyperparameters = Readonly<Record<string, number>>;

/**
 * One learner running `replicas` independent copies of the drift problem side by side.
 * Each call to `step` must first predict ŷ_t for every replica from x_t alone, then learn from
 * y_t; it returns the predictions.
 */
export interface DriftModel {
  /**
   * @param x inputs, row-major [replicas, dim].
   * @param y targets, [replicas] (not to be used for the returned predictions).
   * @returns ŷ, [replicas], predicted before seeing y.
   */
  step(x: Float32Array, y: Float32Array): ArrayLike<number>;
  /** Frees tensors. */
  dispose(): void;
}

/**
 * A learner of the drift benchmark: a name, a hyperparameter grid, and a factory.
 *
 * The benchmark tunes each learner by running every grid point on a validation seed and keeping
 * the lowest MSE, then evaluates the winner on fresh seeds. To add a learner (for example the
 * Bayesian multiscale optimizer, from its own file), either pass it in `runDrift({learners})`
 * or call `registerDriftLearner` at import time; the CLI loads extra modules with `--plugin`
 * (and `drift-bayesian.ts`, the Bayesian multiscale learners, by default when it exists):
 *
 * ```ts
 * import { optimizerLearner, registerDriftLearner } from '../experiments/index.js';
 * registerDriftLearner(optimizerLearner('bayesian', (p) => [{scale: 1}], (h, p) => myOptimizer(h, p)));
 * ```
 *
 * A learner that needs more than the gradient (e.g. the curvature x²/σ²) implements `create`
 * itself and sees x and y at every step.
 */
export interface DriftLearner {
  /** Name in the results table. */
  name: string;
  /** Grid points to try; `[{}]` for a learner without hyperparameters. */
  grid(problem: DriftProblem, quick: boolean): Hyperparameters[];
  /** A fresh model for `replicas` runs with the given hyperparameters. */
  create(problem: DriftProblem, hyper: Hyperparameters, replicas: number): DriftModel;
  /** True for the reference (the exact Kalman filter): not tuned, and the MSE denominator. */
  reference?: boolean;
}

/**
 * Wraps any `tf.Optimizer` as a drift learner. The weight is one [replicas, dim] variable (every
 * replica a row, so a step costs the same few ops for any number of replicas), starting at 0;
 * the loss is ½(ŷ − y)² per replica, whose gradient (ŷ − y)·x is computed in closed form and
 * passed to `optimizer.applyGradients`.
 */
export function optimizerLearner(
  name: string,
  grid: (problem: DriftProblem, quick: boolean) => Hyperparameters[],
  make: (hyper: Hyperparameters, problem: DriftProblem) => tf.Optimizer,
): DriftLearner {
  return {
    name,
    grid,
    create(problem, hyper, replicas) {
      const optimizer = make(hyper, problem);
      const zeros = tf.zeros([replicas, problem.dim]);
      const weight = tf.variable(zeros, true);
      zeros.dispose();
      return {
        step(x, y) {
          const prediction = tf.tidy(() => {
            const xs = tf.tensor2d(x, [replicas, problem.dim]);
            const pred = tf.sum(tf.mul(weight, xs), 1);
            const error = tf.sub(pred, tf.tensor1d(y));
            optimizer.applyGradients({ [weight.name]: tf.mul(tf.expandDims(error, 1), xs) });
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

/** The exact Kalman filter (see `KalmanFilter`) as a learner: the benchmark's reference. */
export const kalmanLearner: DriftLearner = {
  name: 'Kalman filter (exact)',
  reference: true,
  grid: () => [{}],
  create(problem, _hyper, replicas) {
    const filter = new KalmanFilter(problem, replicas);
    return { step: (x, y) => filter.step(x, y), dispose() {} };
  },
};

const pick = (quick: boolean, full: number[], short: number[]) => (quick ? short : full);

/** The learners the benchmark compares by default, in table order. */
export function defaultDriftLearners(): DriftLearner[] {
  return [
    kalmanLearner,
    optimizerLearner(
      'tf.train.sgd',
      (_, q) =>
        pick(q, [0.003, 0.01, 0.02, 0.05, 0.1, 0.2], [0.01, 0.03, 0.1]).map((lr) => ({ lr })),
      (h) => tf.train.sgd(h.lr as number),
    ),
    optimizerLearner(
      'tf.train.momentum',
      (_, q) =>
        pick(q, [0.001, 0.003, 0.01, 0.03], [0.003, 0.01]).flatMap((lr) =>
          pick(q, [0.5, 0.9], [0.5, 0.9]).map((beta) => ({ lr, beta })),
        ),
      (h) => tf.train.momentum(h.lr as number, h.beta as number),
    ),
    optimizerLearner(
      'tf.train.adam',
      (_, q) =>
        pick(q, [0.003, 0.01, 0.03, 0.1], [0.01, 0.03, 0.1]).flatMap((lr) =>
          pick(q, [0, 0.9], [0.9]).map((beta1) => ({ lr, beta1 })),
        ),
      (h) => tf.train.adam(h.lr as number, h.beta1 as number, 0.999),
    ),
    optimizerLearner(
      'fastWeights',
      (_, q) =>
        pick(q, [0.003, 0.01, 0.03], [0.003, 0.01]).flatMap((slow) =>
          pick(q, [0.03, 0.1, 0.3], [0.1, 0.3]).flatMap((fast) =>
            pick(q, [0.9, 0.99], [0.9, 0.99]).map((decay) => ({ slow, fast, decay })),
          ),
        ),
      (h) =>
        fastWeights({
          slowLearningRate: h.slow as number,
          fastLearningRate: h.fast as number,
          fastRetention: h.decay as number,
        }),
    ),
    optimizerLearner(
      'bennaFusi',
      (_, q) =>
        pick(q, [0.03, 0.1, 0.3, 1], [0.1, 0.3]).flatMap((lr) =>
          pick(q, [4, 8], [6]).map((m) => ({ lr, m })),
        ),
      (h) => bennaFusi({ learningRate: h.lr as number, beakers: h.m as number }),
    ),
    optimizerLearner(
      'multiscale (derived)',
      (_, q) => pick(q, [0.5, 0.71, 1, 1.41], [0.5, 1]).map((gainScale) => ({ gainScale })),
      (h, problem) => multiscale(derivedMultiscale(problem, h.gainScale as number)),
    ),
  ];
}

const registered: DriftLearner[] = [];

/** Adds a learner to every later `driftLearners()` (e.g. from a plugin module). */
export function registerDriftLearner(learner: DriftLearner): void {
  if (!registered.some((l) => l.name === learner.name)) registered.push(learner);
}

/** The default learners followed by every registered one. */
export function driftLearners(): DriftLearner[] {
  return [...defaultDriftLearners(), ...registered];
}
