import * as tf from '@tensorflow/tfjs-core';
import { fastWeights, multiscale } from '../optimizers/factories.js';
import { integerAtLeast } from '../validate.js';
import type { Hyperparameters } from './drift-learners.js';
import { powerLawMultiscale } from './power-law.js';
import { Random, subSeed } from './random.js';
import { mean, std } from './stats.js';

/** Options of `runTaskSwitching`. */
export interface TaskSwitchingOptions {
  /** Master seed. */
  seed: number;
  /** Steps per block. Default 300. */
  blockSteps?: number;
  /** Blocks, alternating A, B, A, B, … (≥ 3 so that A returns). Default 6. */
  blocks?: number;
  /** Independent students (and teacher pairs) trained side by side. Default 5. */
  replicas?: number;
  /** Steps at the start of a block whose task-A loss measures savings. Default blockSteps/10. */
  savingsSteps?: number;
  /** Smaller grids. Default false. */
  quick?: boolean;
  /** Called with (fraction done, label). */
  onProgress?: (fraction: number, label: string) => void;
}

/** A learner of the task-switching experiment: a grid and a tf.Optimizer factory. */
export interface SwitchingLearner {
  /** Name in the results table. */
  name: string;
  /** Grid points tried on the validation seed (smaller when `quick`). */
  grid(quick: boolean): Hyperparameters[];
  /** A fresh optimizer for one grid point (the block length sets the multiscale range). */
  make(hyper: Hyperparameters, blockSteps: number): tf.Optimizer;
}

const pick = (quick: boolean, full: number[], short: number[]) => (quick ? short : full);

/** SGD, momentum, fast weights and a power-law multiscale optimizer, each with its grid. */
export function switchingLearners(): SwitchingLearner[] {
  return [
    {
      name: 'tf.train.sgd',
      grid: (q) => pick(q, [0.03, 0.1, 0.3], [0.1, 0.3]).map((lr) => ({ lr })),
      make: (h) => tf.train.sgd(h.lr as number),
    },
    {
      name: 'tf.train.momentum',
      grid: (q) => pick(q, [0.01, 0.03, 0.1], [0.01, 0.03]).map((lr) => ({ lr, beta: 0.9 })),
      make: (h) => tf.train.momentum(h.lr as number, h.beta as number),
    },
    {
      name: 'fastWeights',
      grid: (q) =>
        pick(q, [0.02, 0.05], [0.05]).flatMap((slow) =>
          pick(q, [0.05, 0.15], [0.05, 0.15]).flatMap((fast) =>
            pick(q, [0.9, 0.99], [0.95]).map((decay) => ({ slow, fast, decay })),
          ),
        ),
      make: (h) =>
        fastWeights({
          slowLearningRate: h.slow as number,
          fastLearningRate: h.fast as number,
          fastRetention: h.decay as number,
        }),
    },
    {
      name: 'multiscale (power law)',
      grid: (q) =>
        pick(q, [0.05, 0.1, 0.2], [0.1, 0.2]).flatMap((lr) =>
          pick(q, [0.25, 0.5], [0.25]).map((exponent) => ({ lr, exponent })),
        ),
      make: (h, blockSteps) => {
        const { alpha, gamma } = powerLawMultiscale({
          exponent: h.exponent as number,
          count: 6,
          fastest: 1,
          slowest: 20 * blockSteps,
        });
        const total = alpha.reduce((a, b) => a + b, 0);
        return multiscale({ alpha: alpha.map((a) => (a * (h.lr as number)) / total), gamma });
      },
    },
  ];
}

/** One learner's row: the tuned grid point, savings and losses, mean ± std over replicas. */
export interface TaskSwitchingRow {
  /** Learner name. */
  learner: string;
  /** The grid point that won on the validation seed. */
  hyperparameters: Hyperparameters;
  /** 1 − (task-A loss in the first steps of returning A blocks)/(same in the first A block). */
  savingsMean: number;
  /** Standard deviation of the savings over replicas. */
  savingsStd: number;
  /**
   * The savings of each replica. Every learner trains the same students (same seeds, teachers and
   * batches), so replica r of two learners can be compared in pairs.
   */
  savings: number[];
  /** Task-A loss at the end of the B blocks relative to the end of the A block before: forgetting. */
  forgettingMean: number;
  /** Mean online training loss over the whole run (the tuning objective). */
  onlineLoss: number;
}

/** The task-A loss curve of one learner (mean over replicas), every `every` steps. */
export interface TaskSwitchingCurve {
  /** Learner name. */
  learner: string;
  /** Step (1-based) at which the loss was measured, before that step's update. */
  step: number;
  /** Task-A loss on the held-out batch. */
  lossA: number;
  /** The task being trained at that step. */
  task: 'A' | 'B';
}

/** The experiment's result. */
export interface TaskSwitchingResult {
  /** One row per learner. */
  rows: TaskSwitchingRow[];
  /** Task-A loss curves for plotting. */
  curves: TaskSwitchingCurve[];
  /** The schedule and sizes the run used. */
  blockSteps: number;
  blocks: number;
  replicas: number;
  savingsSteps: number;
}

const INPUTS = 8;
const TEACHER_HIDDEN = 8;
const HIDDEN = 32;
const BATCH = 16;
const EVAL = 128;

function randomTensor(rng: Random, shape: number[], scale: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = rng.normals(n, new Float32Array(n));
  for (let i = 0; i < n; i++) values[i] = (values[i] as number) * scale;
  return tf.tensor(values, shape);
}

/** A batched two-layer tanh network: R independent nets as the leading dimension. */
function forward(params: readonly tf.Tensor[], x: tf.Tensor): tf.Tensor {
  const [W1, b1, W2, b2] = params as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  return tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x as tf.Tensor3D, W1), b1)), W2), b2);
}

interface RunLog {
  /** [steps] mean-over-replicas online loss. */
  online: Float64Array;
  /** [steps][replicas] task-A evaluation loss (NaN at steps where it was not measured). */
  lossA: Float64Array;
}

/** Whether the task-A loss is measured at step t: savings windows, block ends, and every `every`. */
function measured(t: number, blockSteps: number, savingsSteps: number, every: number): boolean {
  const inBlock = t % blockSteps;
  return inBlock < savingsSteps || inBlock === blockSteps - 1 || t % every === 0;
}

/** Trains R students through the block schedule with one optimizer; logs the losses. */
function trainSchedule(
  optimizer: tf.Optimizer,
  seed: number,
  replicas: number,
  blockSteps: number,
  blocks: number,
  savingsSteps: number,
  every: number,
): RunLog {
  const rng = new Random(seed);
  const R = replicas;
  const steps = blockSteps * blocks;
  const online = new Float64Array(steps);
  const lossA = new Float64Array(steps * R).fill(Number.NaN);
  const teachers = [0, 1].map(() =>
    tf.tidy(() => [
      randomTensor(rng, [R, INPUTS, TEACHER_HIDDEN], 1 / Math.sqrt(INPUTS)),
      randomTensor(rng, [R, 1, TEACHER_HIDDEN], 0.5),
      randomTensor(rng, [R, TEACHER_HIDDEN, 1], 2 / Math.sqrt(TEACHER_HIDDEN)),
      tf.zeros([R, 1, 1]),
    ]),
  );
  const initial = [
    randomTensor(rng, [R, INPUTS, HIDDEN], 1 / Math.sqrt(INPUTS)),
    tf.zeros([R, 1, HIDDEN]),
    randomTensor(rng, [R, HIDDEN, 1], 1 / Math.sqrt(HIDDEN)),
    tf.zeros([R, 1, 1]),
  ];
  const params = initial.map((t) => tf.variable(t, true));
  tf.dispose(initial);
  const evalX = tf.tidy(() => randomTensor(rng, [R, EVAL, INPUTS], 1));
  const evalY = tf.tidy(() => forward(teachers[0] as tf.Tensor[], evalX));
  try {
    for (let t = 0; t < steps; t++) {
      const task = Math.floor(t / blockSteps) % 2;
      const teacher = teachers[task] as tf.Tensor[];
      const x = randomTensor(rng, [R, BATCH, INPUTS], 1);
      const measure = measured(t, blockSteps, savingsSteps, every);
      const [a, l] = tf.tidy(() => {
        const y = forward(teacher, x);
        const a = measure
          ? tf.mean(tf.square(tf.sub(forward(params, evalX), evalY)), [1, 2])
          : tf.zeros([R]);
        const loss = optimizer.minimize(
          () => tf.sum(tf.mean(tf.square(tf.sub(forward(params, x), y)), [1, 2])) as tf.Scalar,
          true,
          params,
        ) as tf.Scalar;
        return [a, loss];
      });
      x.dispose();
      const av = a.dataSync();
      if (measure) for (let r = 0; r < R; r++) lossA[t * R + r] = av[r] as number;
      online[t] = (l.dataSync()[0] as number) / R;
      tf.dispose([a, l]);
    }
  } finally {
    tf.dispose([...teachers.flat(), ...params, evalX, evalY]);
    optimizer.dispose();
  }
  return { online, lossA };
}

/**
 * Catastrophic forgetting and savings with a small tfjs MLP (8→32→1, tanh). Two tasks, A and B,
 * are two random teacher networks; the student sees fresh batches of 16 from A and B in
 * alternating blocks (A, B, A, …). Each learner is tuned by grid search on a validation seed
 * (objective: mean online training loss over the run), then run on `replicas` fresh
 * student/teacher pairs in parallel (batched matMul). Measures the task-A loss on a fixed held-out
 * batch at every step, the savings when A returns, and the forgetting over each B block.
 */
export function runTaskSwitching(options: TaskSwitchingOptions): TaskSwitchingResult {
  const where = 'runTaskSwitching';
  const blockSteps = integerAtLeast(where, 'blockSteps', options.blockSteps ?? 300, 10);
  const blocks = integerAtLeast(where, 'blocks', options.blocks ?? 6, 3);
  const replicas = integerAtLeast(where, 'replicas', options.replicas ?? 5, 1);
  const s = integerAtLeast(
    where,
    'savingsSteps',
    options.savingsSteps ?? Math.max(1, Math.round(blockSteps / 10)),
    1,
  );
  const quick = options.quick ?? false;
  const every = Math.max(1, Math.round(blockSteps / 30));
  const learners = switchingLearners();
  const total = learners.reduce((a, l) => a + l.grid(quick).length + 1, 0);
  let done = 0;
  const rows: TaskSwitchingRow[] = [];
  const curves: TaskSwitchingCurve[] = [];
  for (const learner of learners) {
    let best = { hyper: {} as Hyperparameters, loss: Number.POSITIVE_INFINITY };
    for (const hyper of learner.grid(quick)) {
      const log = trainSchedule(
        learner.make(hyper, blockSteps),
        subSeed(options.seed, 1),
        2,
        blockSteps,
        blocks,
        s,
        every,
      );
      const loss = mean(log.online);
      // A diverged run (NaN) counts as +∞; the first grid point wins ties.
      if (loss < best.loss || Object.keys(best.hyper).length === 0) {
        best = { hyper, loss: Number.isNaN(loss) ? Number.POSITIVE_INFINITY : loss };
      }
      options.onProgress?.(++done / total, learner.name);
    }
    const log = trainSchedule(
      learner.make(best.hyper, blockSteps),
      subSeed(options.seed, 2),
      replicas,
      blockSteps,
      blocks,
      s,
      every,
    );
    options.onProgress?.(++done / total, learner.name);
    const R = replicas;
    const at = (t: number, r: number) => log.lossA[t * R + r] as number;
    const windowMean = (start: number, r: number) => {
      let acc = 0;
      for (let t = start; t < start + s; t++) acc += at(t, r);
      return acc / s;
    };
    const savings: number[] = [];
    const forgetting: number[] = [];
    for (let r = 0; r < R; r++) {
      const first = windowMean(0, r);
      const returns = [];
      for (let b = 2; b < blocks; b += 2) returns.push(windowMean(b * blockSteps, r));
      savings.push(1 - mean(returns) / first);
      const ratios = [];
      for (let b = 1; b < blocks; b += 2) {
        const before = at(b * blockSteps - 1, r);
        const after = at(Math.min((b + 1) * blockSteps, blockSteps * blocks) - 1, r);
        ratios.push(after / before);
      }
      forgetting.push(mean(ratios));
    }
    rows.push({
      learner: learner.name,
      hyperparameters: best.hyper,
      savingsMean: mean(savings),
      savingsStd: std(savings),
      savings,
      forgettingMean: mean(forgetting),
      onlineLoss: mean(log.online),
    });
    for (let t = 0; t < blockSteps * blocks; t += every) {
      if (!measured(t, blockSteps, s, every)) continue;
      let acc = 0;
      for (let r = 0; r < R; r++) acc += at(t, r);
      curves.push({
        learner: learner.name,
        step: t + 1,
        lossA: acc / R,
        task: Math.floor(t / blockSteps) % 2 === 0 ? 'A' : 'B',
      });
    }
  }
  return { rows, curves, blockSteps, blocks, replicas, savingsSteps: s };
}
