import * as tf from '@tensorflow/tfjs-core';
import { fastWeights } from '../optimizers/factories.js';
import { fail, integerAtLeast } from '../validate.js';
import {
  type Interval,
  meanInterval,
  type PairedComparison,
  pairedComparison,
} from './inference.js';
import { Random, subSeed } from './random.js';
import { mean } from './stats.js';

/** Options of `runSavings`. Every field has a default. */
export interface SavingsOptions {
  /** Master seed. Default 1. */
  seed?: number;
  /** Independent networks (seeds) per learner; both learners see the same R tasks. Default 8. */
  replicas?: number;
  /** Random ±1 associations in each set, A and B. Default 20. */
  patterns?: number;
  /** Length of the ±1 input and target patterns. Default 20. */
  dimension?: number;
  /** Hidden tanh units. Default 20. */
  hidden?: number;
  /** Full-batch steps on A in the first learning phase. Default 60. */
  learnSteps?: number;
  /** Full-batch steps on B (the interference). Default 30. */
  interferenceSteps?: number;
  /**
   * Steps between B and relearning with a zero gradient (Hinton & Plaut's rest: SGD's weights stay
   * put, the fast weights decay). Default 0.
   */
  restSteps?: number;
  /** Full-batch steps on A when it is relearned. Default 20. */
  relearnSteps?: number;
  /** Steps at the start of learning and relearning whose A error is compared. Default 10. */
  savingsWindow?: number;
  /** α_s of fast weights. Default 0.05. */
  slowLearningRate?: number;
  /** α_f of fast weights. Default 0.25. */
  fastLearningRate?: number;
  /** γ_f of fast weights, in [0, 1). Default 0.9. */
  fastRetention?: number;
}

/** Which phase a step belongs to. */
export type SavingsPhase = 'learn A' | 'learn B' | 'rest' | 'relearn A';

/** A's error at one step: mean over replicas and its 95% t-interval. */
export interface SavingsCurvePoint extends Interval {
  /** Learner name. */
  learner: string;
  /** Updates done so far (0 = the initial network). */
  step: number;
  /** The phase of the update that led here (step 0 counts as 'learn A'). */
  phase: SavingsPhase;
}

/** One learner's result. */
export interface SavingsLearnerResult {
  /** `tf.train.sgd` or `fastWeights`. */
  name: string;
  /** Savings of each replica (see `savingsRatio`). */
  savings: number[];
  /** Mean savings with its 95% t-interval over replicas. */
  interval: Interval;
  /** A's error at the end of first learning, per replica. */
  errorAfterLearning: number[];
  /** A's error at the end of learning B, per replica. */
  errorAfterInterference: number[];
  /** A's error at the end of the rest (equal to `errorAfterInterference` without rest), per replica. */
  errorAfterRest: number[];
  /** A's error after every update, [replica][step], steps 0…total. */
  errors: number[][];
}

/** The experiment's result. */
export interface SavingsResult {
  /** SGD first, fast weights second. */
  learners: [SavingsLearnerResult, SavingsLearnerResult];
  /** Paired comparison of savings over the same seeds, fastWeights − SGD. */
  comparison: PairedComparison;
  /** 'significant' when the paired 95% interval excludes 0. */
  verdict: 'significant' | 'not significant';
  /** A's error curves for plotting (both learners, mean and band). */
  curves: SavingsCurvePoint[];
  /** The settings the run used, defaults filled in. */
  settings: Required<SavingsOptions>;
}

/**
 * Savings of relearning over first learning: one minus the mean error of the first `window`
 * relearning updates over the mean error of the first `window` learning updates. Both curves start
 * at the error before the first update (index 0), which is left out.
 *
 * $$ \text{savings} = 1 - \frac{\sum_{t=1}^{n} E_{\text{relearn}}(t)}{\sum_{t=1}^{n} E_{\text{first}}(t)} $$
 * @example
 * savingsRatio([4, 2, 2], [3, 1, 1], 2) // 0.5
 */
export function savingsRatio(
  first: ArrayLike<number>,
  relearn: ArrayLike<number>,
  window: number,
): number {
  const where = 'savingsRatio';
  integerAtLeast(where, 'window', window, 1);
  if (first.length <= window || relearn.length <= window) {
    fail(
      where,
      'window',
      window,
      `below the length of both curves (${first.length}, ${relearn.length}) minus 1`,
    );
  }
  let a = 0;
  let b = 0;
  for (let t = 1; t <= window; t++) {
    a += first[t] as number;
    b += relearn[t] as number;
  }
  return 1 - b / a;
}

function settingsOf(options: SavingsOptions): Required<SavingsOptions> {
  const where = 'runSavings';
  const known = new Set([
    'seed',
    'replicas',
    'patterns',
    'dimension',
    'hidden',
    'learnSteps',
    'interferenceSteps',
    'restSteps',
    'relearnSteps',
    'savingsWindow',
    'slowLearningRate',
    'fastLearningRate',
    'fastRetention',
  ]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) fail(where, 'options', key, `one of ${[...known].join(', ')}`);
  }
  const s: Required<SavingsOptions> = {
    seed: integerAtLeast(where, 'seed', options.seed ?? 1, Number.MIN_SAFE_INTEGER),
    replicas: integerAtLeast(where, 'replicas', options.replicas ?? 8, 2),
    patterns: integerAtLeast(where, 'patterns', options.patterns ?? 20, 1),
    dimension: integerAtLeast(where, 'dimension', options.dimension ?? 20, 1),
    hidden: integerAtLeast(where, 'hidden', options.hidden ?? 20, 1),
    learnSteps: integerAtLeast(where, 'learnSteps', options.learnSteps ?? 60, 1),
    interferenceSteps: integerAtLeast(
      where,
      'interferenceSteps',
      options.interferenceSteps ?? 30,
      1,
    ),
    restSteps: integerAtLeast(where, 'restSteps', options.restSteps ?? 0, 0),
    relearnSteps: integerAtLeast(where, 'relearnSteps', options.relearnSteps ?? 20, 1),
    savingsWindow: integerAtLeast(where, 'savingsWindow', options.savingsWindow ?? 10, 1),
    slowLearningRate: options.slowLearningRate ?? 0.05,
    fastLearningRate: options.fastLearningRate ?? 0.25,
    fastRetention: options.fastRetention ?? 0.9,
  };
  for (const key of ['slowLearningRate', 'fastLearningRate'] as const) {
    const v = s[key];
    if (!(Number.isFinite(v) && v > 0)) fail(where, key, v, 'a finite number > 0');
  }
  const g = s.fastRetention;
  if (!(Number.isFinite(g) && g >= 0 && g < 1))
    fail(where, 'fastRetention', g, 'a number in [0, 1)');
  if (s.savingsWindow > Math.min(s.learnSteps, s.relearnSteps)) {
    fail(
      where,
      'savingsWindow',
      s.savingsWindow,
      `at most min(learnSteps, relearnSteps) = ${Math.min(s.learnSteps, s.relearnSteps)}`,
    );
  }
  return s;
}

function signsTensor(rng: Random, shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.signs(n), shape);
}

function normalTensor(rng: Random, shape: number[], scale: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = rng.normals(n, new Float32Array(n));
  for (let i = 0; i < n; i++) values[i] = (values[i] as number) * scale;
  return tf.tensor(values, shape);
}

/** R one-hidden-layer tanh networks side by side (the replica is the leading dimension). */
function forward(params: readonly tf.Tensor[], x: tf.Tensor): tf.Tensor3D {
  const [W1, b1, W2, b2] = params as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  return tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x as tf.Tensor3D, W1), b1)), W2), b2);
}

/** Per-replica mean squared error over patterns and outputs: shape [R]. */
function errors(params: readonly tf.Tensor[], x: tf.Tensor, y: tf.Tensor): tf.Tensor1D {
  return tf.mean(tf.square(tf.sub(forward(params, x), y)), [1, 2]) as tf.Tensor1D;
}

interface Task {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** Trains R networks through A, B, A with one optimizer; A's error after every update, [R][steps+1]. */
function trainPhases(
  optimizer: tf.Optimizer,
  s: Required<SavingsOptions>,
  tasks: { a: Task; b: Task },
  initial: readonly tf.Tensor[],
): number[][] {
  const copies = initial.map((t) => t.clone());
  const params = copies.map((t) => tf.variable(t, true));
  tf.dispose(copies);
  // null: a rest step, with a zero gradient.
  const schedule: (Task | null)[] = [
    ...Array.from({ length: s.learnSteps }, () => tasks.a),
    ...Array.from({ length: s.interferenceSteps }, () => tasks.b),
    ...Array.from({ length: s.restSteps }, () => null),
    ...Array.from({ length: s.relearnSteps }, () => tasks.a),
  ];
  const logged: tf.Tensor1D[] = [];
  try {
    logged.push(tf.tidy(() => errors(params, tasks.a.x, tasks.a.y)));
    for (const task of schedule) {
      tf.tidy(() => {
        if (task === null) {
          optimizer.applyGradients(params.map((p) => ({ name: p.name, tensor: tf.zerosLike(p) })));
          return;
        }
        // The loss sums the replicas' errors, so each network gets exactly its own gradient.
        optimizer.minimize(
          () => tf.sum(errors(params, task.x, task.y)) as tf.Scalar,
          false,
          params,
        );
      });
      logged.push(tf.tidy(() => errors(params, tasks.a.x, tasks.a.y)));
    }
    const stacked = tf.stack(logged) as tf.Tensor2D; // [steps+1, R]
    const rows = stacked.arraySync();
    stacked.dispose();
    return Array.from({ length: s.replicas }, (_, r) => rows.map((row) => row[r] as number));
  } finally {
    tf.dispose([...params, ...logged]);
    optimizer.dispose();
  }
}

/**
 * Hinton & Plaut's (1987) interference and savings on small tanh networks, live on any tfjs
 * backend. Each replica draws two sets of random ±1 associations, A and B (`patterns` inputs of
 * length `dimension` → ±1 targets), and one network `dimension`→`hidden` (tanh)→`dimension`. The
 * network learns A by full-batch gradient steps on the mean squared error, then B (A's error rises:
 * interference), then A again; the savings (`savingsRatio`) say how much faster A comes back than
 * it was first learned. Optionally the networks rest between B and relearning (`restSteps` updates
 * with a zero gradient), so that fast weights decay and A can come back before any relearning
 * (Hinton & Plaut's "deblurring"). Two learners start from the same weights on the same tasks:
 * `tf.train.sgd(η)` with η = α_s + α_f (the same immediate step h(0)), and
 * `fastWeights({slowLearningRate: α_s, fastLearningRate: α_f, fastRetention: γ_f})`:
 *
 * $$ \omega_s \leftarrow \omega_s - \alpha_s g, \quad
 *    \omega_f \leftarrow \gamma_f\,\omega_f - \alpha_f g, \quad w = \omega_s + \omega_f $$
 *
 * Reports each learner's mean savings with a 95% t-interval over replicas and the paired
 * comparison fastWeights − SGD (`pairedComparison`).
 * @example
 * const result = runSavings({replicas: 2, learnSteps: 5, interferenceSteps: 5, relearnSteps: 5, savingsWindow: 2});
 * result.learners.map((l) => l.name) // ['tf.train.sgd', 'fastWeights']
 */
export function runSavings(options: SavingsOptions = {}): SavingsResult {
  const s = settingsOf(options);
  const R = s.replicas;
  const rng = new Random(subSeed(s.seed, 12));
  const d = s.dimension;
  const tasks = {
    a: { x: signsTensor(rng, [R, s.patterns, d]), y: signsTensor(rng, [R, s.patterns, d]) },
    b: { x: signsTensor(rng, [R, s.patterns, d]), y: signsTensor(rng, [R, s.patterns, d]) },
  };
  const initial = [
    normalTensor(rng, [R, d, s.hidden], 1 / Math.sqrt(d)),
    tf.zeros([R, 1, s.hidden]),
    normalTensor(rng, [R, s.hidden, d], 1 / Math.sqrt(s.hidden)),
    tf.zeros([R, 1, d]),
  ];
  const makers: [string, () => tf.Optimizer][] = [
    ['tf.train.sgd', () => tf.train.sgd(s.slowLearningRate + s.fastLearningRate)],
    [
      'fastWeights',
      () =>
        fastWeights({
          slowLearningRate: s.slowLearningRate,
          fastLearningRate: s.fastLearningRate,
          fastRetention: s.fastRetention,
        }),
    ],
  ];
  const learnEnd = s.learnSteps;
  const bEnd = s.learnSteps + s.interferenceSteps;
  const restEnd = bEnd + s.restSteps;
  const total = restEnd + s.relearnSteps;
  const curves: SavingsCurvePoint[] = [];
  const phaseOf = (t: number): SavingsPhase =>
    t <= learnEnd ? 'learn A' : t <= bEnd ? 'learn B' : t <= restEnd ? 'rest' : 'relearn A';
  let results: SavingsLearnerResult[];
  try {
    results = makers.map(([name, make]) => {
      const errs = trainPhases(make(), s, tasks, initial);
      const savings = errs.map((e) =>
        savingsRatio(e.slice(0, learnEnd + 1), e.slice(restEnd), s.savingsWindow),
      );
      for (let t = 0; t <= total; t++) {
        curves.push({
          learner: name,
          step: t,
          phase: phaseOf(t),
          ...meanInterval(errs.map((e) => e[t] as number)),
        });
      }
      return {
        name,
        savings,
        interval: meanInterval(savings),
        errorAfterLearning: errs.map((e) => e[learnEnd] as number),
        errorAfterInterference: errs.map((e) => e[bEnd] as number),
        errorAfterRest: errs.map((e) => e[restEnd] as number),
        errors: errs,
      };
    });
  } finally {
    tf.dispose([tasks.a.x, tasks.a.y, tasks.b.x, tasks.b.y, ...initial]);
  }
  const [sgd, fast] = results as [SavingsLearnerResult, SavingsLearnerResult];
  const comparison = pairedComparison(fast.savings, sgd.savings);
  return {
    learners: [sgd, fast],
    comparison,
    verdict: comparison.significant ? 'significant' : 'not significant',
    curves,
    settings: s,
  };
}

/** Mean of A's error at the end of first learning and at the end of B, per learner (a summary). */
export function interferenceSummary(
  result: SavingsResult,
): { learner: string; before: number; after: number }[] {
  return result.learners.map((l) => ({
    learner: l.name,
    before: mean(l.errorAfterLearning),
    after: mean(l.errorAfterInterference),
  }));
}
