import * as tf from '@tensorflow/tfjs-core';
import { powerLaw } from '../dynamics/power-law-prior.js';
import {
  bayesianMultiscale,
  type CurvatureEstimate,
  type CurvatureFunction,
  gaussNewtonCurvature,
} from '../optimizers/bayesian-multiscale.js';
import { multiscale } from '../optimizers/factories.js';
import { integerAtLeast, positive } from '../validate.js';
import { Random, subSeed } from './random.js';
import { mean, std } from './stats.js';

/**
 * The nonlinear 1/f-drift test (issue 7): a small tanh MLP learns online from a teacher network
 * of the same shape whose every weight drifts as a sum of AR(1) processes with log-spaced
 * timescales (a 1/f spectrum, from `powerLaw`). Each step the student predicts ŷ for a fresh
 * x ~ N(0, I), is scored on (y − ŷ)², then takes one optimizer step on L = ½(y − ŷ)².
 *
 * Every student starts at the teacher's weights at t = 0 and must track the drift.
 *
 * Learners: a frozen student (no updates: the cost of not learning), `tf.train.sgd`,
 * `tf.train.adam`, the fixed-gain `multiscale` optimizer (the prior's γ_i, equal α_i = η/k) and
 * `bayesianMultiscale` with the prior's timescales and two curvatures: the drop-in `'fisher'`, and
 * the exact Gauss–Newton diagonal J² = g²/(y − ŷ)² (exact for one example of a squared loss,
 * from the residual the learner has just seen). Each has one hyperparameter, tuned on the same
 * 5-point grid on a separate validation seed: η for the first three, the prior's total variance
 * for the Bayesian optimizer (its observation noise is the teacher's, which the generator states).
 *
 * No numbers are quoted here: run `teacherDriftExperiment()` (default sizes: 8000 steps, 5 seeds)
 * to measure them. Whether the Gauss–Newton curvature beats the drop-in `'fisher'` is what this
 * experiment measures on this task; no test asserts an ordering between them.
 */
export interface TeacherDriftOptions {
  /** Base seed. Default 1. */
  seed?: number;
  /** Small sizes (tests, `--quick`). Default false. */
  quick?: boolean;
  /** Evaluation seeds. Default 5 (2 with `quick`). */
  seeds?: number;
  /** Steps per run (default 8000, 300 with `quick`), and the first steps left out of the score (default a quarter). */
  steps?: number;
  burnIn?: number;
  /** Input width and hidden units of teacher and student. Default 4 and 8. */
  inputs?: number;
  hidden?: number;
  /** Observation-noise standard deviation. Default 0.2. */
  noise?: number;
  /** Stationary variance of each teacher weight's drift, relative to its squared scale. Default 0.3. */
  drift?: number;
}

/** One learner's score on one evaluation seed. */
export interface TeacherDriftRow {
  learner: string;
  /** The tuned hyperparameter, e.g. `'η=0.03'`. */
  setting: string;
  seed: number;
  /** Mean (y − ŷ)² after burn-in. */
  mse: number;
}

/** Mean ± std over seeds of one learner. */
export interface TeacherDriftSummary {
  learner: string;
  setting: string;
  mean: number;
  std: number;
  /** Validation MSE of every grid point, in grid order. */
  grid: Array<{ setting: string; mse: number }>;
}

interface Stream {
  x: Float32Array;
  y: Float64Array;
  /** The teacher's weights at t = 0, where every student starts. */
  initial: Float32Array[];
}

interface Sizes {
  steps: number;
  burnIn: number;
  inputs: number;
  hidden: number;
  noise: number;
  drift: number;
}

const band: [number, number] = [10, 1e4];
const count = 4;

/** Shapes of W1, b1, W2, b2. */
function shapes(s: Sizes): number[][] {
  return [[s.inputs, s.hidden], [s.hidden], [s.hidden, 1], [1]];
}

/** Scale of each teacher parameter group: O(1) pre-activations and outputs. */
function scales(s: Sizes): number[] {
  return [1.5 / Math.sqrt(s.inputs), 0.5, 1.5 / Math.sqrt(s.hidden), 0.3];
}

/**
 * The teacher's data stream: x_t, y_t = f(x_t; θ_t) + noise, with θ = a fixed random base plus a
 * drift that is a sum of AR(1) processes (a 1/f spectrum), scaled per layer. Float64.
 */
export function teacherStream(seed: number, s: Sizes): Stream {
  const rng = new Random(subSeed(seed, 7001));
  const prior = powerLaw({ band, count, variance: s.drift });
  const sizes = shapes(s).map((sh) => sh.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  const groupScale = new Float64Array(total);
  let at = 0;
  sizes.forEach((n, gi) => {
    groupScale.fill(scales(s)[gi] as number, at, at + n);
    at += n;
  });
  // Components drawn fastest first: the order with which this stream's results were published.
  const order = prior.gamma.map((_, i) => prior.gamma.length - 1 - i);
  const parts = order.map((i) =>
    Float64Array.from(
      { length: total },
      () => Math.sqrt(prior.priorVariance[i] as number) * rng.normal(),
    ),
  );
  const base = Float64Array.from({ length: total }, () => rng.normal());
  const theta = new Float64Array(total);
  let initial: Float32Array[] = [];
  const x = new Float32Array(s.steps * s.inputs);
  const y = new Float64Array(s.steps);
  const hiddenOut = new Float64Array(s.hidden);
  const [w1, b1, w2] = [0, sizes[0] as number, (sizes[0] as number) + (sizes[1] as number)];
  const b2 = w2 + (sizes[2] as number);
  for (let t = 0; t < s.steps; t++) {
    theta.set(base);
    for (const part of parts) for (let p = 0; p < total; p++) theta[p] += part[p] as number;
    for (let p = 0; p < total; p++) theta[p] = (theta[p] as number) * (groupScale[p] as number);
    if (t === 0) {
      let from = 0;
      initial = sizes.map((n) => {
        from += n;
        return Float32Array.from(theta.subarray(from - n, from));
      });
    }
    for (let i = 0; i < s.inputs; i++) x[t * s.inputs + i] = rng.normal();
    let out = theta[b2] as number;
    for (let h = 0; h < s.hidden; h++) {
      let a = theta[b1 + h] as number;
      for (let i = 0; i < s.inputs; i++) {
        a += (x[t * s.inputs + i] as number) * (theta[w1 + i * s.hidden + h] as number);
      }
      hiddenOut[h] = Math.tanh(a);
      out += (hiddenOut[h] as number) * (theta[w2 + h] as number);
    }
    y[t] = out + s.noise * rng.normal();
    order.forEach((i, n) => {
      const part = parts[n] as Float64Array;
      const g = prior.gamma[i] as number;
      const q = Math.sqrt(prior.processNoise[i] as number);
      for (let p = 0; p < total; p++) part[p] = g * (part[p] as number) + q * rng.normal();
    });
  }
  return { x, y, initial };
}

/**
 * Makes a learner's optimizer. `squaredResidual()` is (y − ŷ)² of the step being taken, for
 * curvatures that need it (the Gauss–Newton one).
 */
export type MakeOptimizer = (squaredResidual: () => number) => tf.Optimizer;

/** One online run: the student's mean squared prediction error after burn-in. */
export function runStudent(makeOptimizer: MakeOptimizer, stream: Stream, s: Sizes): number {
  const vars = shapes(s).map((shape, gi) =>
    tf.tidy(() => tf.variable(tf.tensor(stream.initial[gi] as Float32Array, shape))),
  );
  const [w1, b1, w2, b2] = vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  let squared = 0;
  const optimizer = makeOptimizer(() => squared);
  let se = 0;
  let bad = false;
  for (let t = 0; t < s.steps; t++) {
    const x = tf.tensor2d(stream.x.subarray(t * s.inputs, (t + 1) * s.inputs), [1, s.inputs]);
    const y = stream.y[t] as number;
    // The loss at the current weights is the prediction error before the update.
    const { value, grads } = optimizer.computeGradients(() => {
      const h = tf.tanh(tf.add(tf.matMul(x, w1), b1));
      const f = tf.add(tf.matMul(h, w2), b2);
      return tf.mul(0.5, tf.sum(tf.square(tf.sub(y, f)))) as tf.Scalar;
    }, vars);
    const err = 2 * (value.dataSync()[0] as number);
    squared = err;
    if (!Number.isFinite(err)) {
      tf.dispose([x, value, grads]);
      bad = true;
      break;
    }
    optimizer.applyGradients(grads);
    tf.dispose([x, value, grads]);
    if (t >= s.burnIn) se += err;
  }
  optimizer.dispose();
  tf.dispose(vars);
  return bad ? Number.POSITIVE_INFINITY : se / (s.steps - s.burnIn);
}

/** A learner: its name and the optimizer each grid value makes. */
interface Learner {
  name: string;
  grid: Array<{ setting: string; make: MakeOptimizer }>;
}

function learners(s: Sizes): Learner[] {
  const prior = powerLaw({ band, count, variance: s.drift });
  const rates = [0.003, 0.01, 0.03, 0.1, 0.3];
  const eta = (make: (r: number) => tf.Optimizer, list = rates) =>
    list.map((r) => ({ setting: `η=${r}`, make: () => make(r) }));
  const bayes = (
    name: string,
    curvature: (squared: () => number) => CurvatureEstimate | CurvatureFunction,
  ): Learner => ({
    name,
    grid: [0.01, 0.03, 0.1, 0.3, 1].map((v) => ({
      setting: `prior variance ${v}`,
      make: (squared) =>
        bayesianMultiscale({
          gamma: prior.gamma,
          priorVariance: prior.priorVariance.map((p) => p * v),
          observationNoise: s.noise ** 2,
          curvature: curvature(squared),
        }),
    })),
  });
  return [
    // The student frozen at the teacher's initial weights: what not learning at all costs.
    { name: 'frozen (no updates)', grid: [{ setting: '-', make: () => tf.train.sgd(0) }] },
    { name: 'SGD', grid: eta((r) => tf.train.sgd(r)) },
    { name: 'Adam', grid: eta((r) => tf.train.adam(r), [0.001, 0.003, 0.01, 0.03, 0.1]) },
    {
      name: 'multiscale (fixed gains)',
      grid: eta((r) => multiscale({ alpha: prior.gamma.map(() => r / count), gamma: prior.gamma })),
    },
    bayes('Bayesian multiscale (fisher)', () => 'fisher'),
    // For one example of ½(y − ŷ)², g = J·(ŷ − y), so the Gauss–Newton diagonal J² = g²/(y − ŷ)².
    bayes('Bayesian multiscale (Gauss–Newton)', gaussNewtonCurvature),
  ];
}

/**
 * Runs the nonlinear drift test: tune each learner on a validation seed, then score it on
 * `seeds` fresh seeds. Deterministic for a given seed and backend.
 */
export function teacherDriftExperiment(options: TeacherDriftOptions = {}): {
  rows: TeacherDriftRow[];
  summary: TeacherDriftSummary[];
} {
  const where = 'teacherDriftExperiment';
  const quick = options.quick ?? false;
  const seed = integerAtLeast(where, 'seed', options.seed ?? 1, Number.MIN_SAFE_INTEGER);
  const seeds = integerAtLeast(where, 'seeds', options.seeds ?? (quick ? 2 : 5), 1);
  const steps = integerAtLeast(where, 'steps', options.steps ?? (quick ? 300 : 8000), 2);
  const s: Sizes = {
    steps,
    burnIn: integerAtLeast(where, 'burnIn', options.burnIn ?? Math.floor(steps / 4), 0),
    inputs: integerAtLeast(where, 'inputs', options.inputs ?? 4, 1),
    hidden: integerAtLeast(where, 'hidden', options.hidden ?? 8, 1),
    noise: positive(where, 'noise', options.noise ?? 0.2),
    drift: positive(where, 'drift', options.drift ?? 0.3),
  };
  if (s.burnIn >= s.steps) positive(where, 'steps − burnIn', s.steps - s.burnIn);
  const validation = teacherStream(subSeed(seed, 0), s);
  const evaluation = Array.from({ length: seeds }, (_, i) =>
    teacherStream(subSeed(seed, i + 1), s),
  );
  const rows: TeacherDriftRow[] = [];
  const summary: TeacherDriftSummary[] = [];
  for (const full of learners(s)) {
    // --quick keeps the middle three grid points.
    const learner = quick && full.grid.length > 3 ? { ...full, grid: full.grid.slice(1, 4) } : full;
    const grid = learner.grid.map((g) => ({
      setting: g.setting,
      mse: runStudent(g.make, validation, s),
    }));
    let best = 0;
    grid.forEach((g, i) => {
      if (g.mse < (grid[best] as { mse: number }).mse) best = i;
    });
    const chosen = learner.grid[best] as Learner['grid'][number];
    const scores = evaluation.map((stream) => runStudent(chosen.make, stream, s));
    scores.forEach((mse, i) => {
      rows.push({ learner: learner.name, setting: chosen.setting, seed: i + 1, mse });
    });
    summary.push({
      learner: learner.name,
      setting: chosen.setting,
      mean: mean(scores),
      std: std(scores),
      grid,
    });
  }
  return { rows, summary };
}
