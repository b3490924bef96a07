import * as tf from '@tensorflow/tfjs-core';
import { integerAtLeast } from '../validate.js';
import {
  type DigitSet,
  type DigitTask,
  digitTasks,
  type StreamKind,
  taskDigits,
  trainTestSplit,
} from './data/digits.js';
import type { Hyperparameters } from './drift-learners.js';
import {
  type Interval,
  meanInterval,
  type PairedComparison,
  pairedComparison,
} from './inference.js';
import { Random, subSeed } from './random.js';
import { type GridSpec, type RealDataLearner, realDataLearners } from './real-learners.js';
import { mean } from './stats.js';

/** The schedule and sizes of one continual-digits run. */
export interface ContinualSchedule {
  /** Stream kind. Default `'permuted'`. */
  stream?: StreamKind;
  /** Number of distinct tasks T (A, B, …). Default 2. */
  tasks?: number;
  /** How often the sequence of T tasks repeats (A, B, A, B, … for T = 2). Default 3. */
  cycles?: number;
  /** Optimizer steps per block. Default 200. */
  blockSteps?: number;
  /** Training examples per step. Default 16. */
  batch?: number;
  /** Hidden units of the MLP (inputs → hidden ReLU → classes). Default 64. */
  hidden?: number;
  /** Held-out test images per task. Default 300. */
  evalPerTask?: number;
  /** Steps at the start of a block whose online accuracy measures savings. Default blockSteps/5. */
  savingsSteps?: number;
}

/** Per-replica metrics of one learner on one schedule (each array has one entry per seed). */
export interface ContinualMetrics {
  /** Mean accuracy on each training batch, measured before the step that learns from it. */
  onlineAccuracy: number[];
  /** At the end, held-out accuracy averaged over every task seen. */
  averageAccuracy: number[];
  /** Per task (all but the last block's), best held-out accuracy at a block end minus the final one; averaged. */
  forgetting: number[];
  /**
   * Per return of a task, online accuracy in the first `savingsSteps` steps of the return minus
   * that in the first `savingsSteps` steps of the task's first block; averaged over returns.
   */
  savings: number[];
}

/** Held-out accuracy on one task over the run (mean over replicas), for plots. */
export interface ContinualCurvePoint {
  learner: string;
  /** Steps taken so far. */
  step: number;
  /** Task name. */
  task: string;
  accuracy: number;
}

/** One trained schedule: metrics and curves. */
export interface ContinualRun {
  metrics: ContinualMetrics;
  curves: ContinualCurvePoint[];
}

/** The digits a run trains and tests on (pooled to 14×14), split once. */
export interface DigitPools {
  train: DigitSet;
  test: DigitSet;
}

/**
 * Splits a digit set into training and test pools (300 test images per class by default).
 * @example
 * const pools = digitPools(poolDigits(loadMnist(), 2), 1);
 * pools.test.count // 3000
 */
export function digitPools(set: DigitSet, seed = 1, testPerClass = 300): DigitPools {
  return trainTestSplit(set, seed, testPerClass);
}

interface Prepared {
  tasks: DigitTask[][];
  trainSets: DigitSet[];
  classes: number;
  evalX: Float32Array;
  evalY: Int32Array;
  evalPerTask: number;
}

/** Per-task training pools (shared by replicas) and per-replica test inputs. */
function prepare(
  pools: DigitPools,
  stream: StreamKind,
  T: number,
  seeds: readonly number[],
  evalPerTask: number,
): Prepared {
  const tasks = seeds.map((s) => digitTasks(stream, T, s, pools.train.side));
  const first = tasks[0] as DigitTask[];
  // Permutations differ per replica and are applied when a batch is gathered; rotations and
  // digit pairs are the same for every replica, so their pools are built once.
  const shared = (t: DigitTask): DigitTask => ({ ...t, permutation: undefined as never });
  const trainSets = first.map((t) => taskDigits(pools.train, shared(t)));
  const testSets = first.map((t) => taskDigits(pools.test, shared(t)));
  const E = Math.min(evalPerTask, ...testSets.map((s) => s.count));
  const d = pools.train.side ** 2;
  const R = seeds.length;
  const evalX = new Float32Array(R * T * E * d);
  const evalY = new Int32Array(R * T * E);
  for (let r = 0; r < R; r++) {
    for (let k = 0; k < T; k++) {
      const set = testSets[k] as DigitSet;
      const p = (tasks[r] as DigitTask[])[k]?.permutation;
      for (let e = 0; e < E; e++) {
        const row = (r * T + k) * E + e;
        evalY[row] = set.labels[e] as number;
        for (let i = 0; i < d; i++) {
          evalX[row * d + i] = set.images[e * d + (p ? (p[i] as number) : i)] as number;
        }
      }
    }
  }
  return { tasks, trainSets, classes: first[0]?.classes ?? 10, evalX, evalY, evalPerTask: E };
}

function randomNormal(rng: Random, shape: number[], scale: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = rng.normals(n, new Float32Array(n));
  for (let i = 0; i < n; i++) v[i] = (v[i] as number) * scale;
  return tf.tensor(v, shape);
}

/** Batched MLP: R independent networks, inputs [R, n, d] → logits [R, n, classes]. */
function logits(params: readonly tf.Variable[], x: tf.Tensor3D): tf.Tensor3D {
  const [W1, b1, W2, b2] = params as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const h = tf.relu(tf.add(tf.matMul(x, W1 as tf.Tensor3D), b1));
  return tf.add(tf.matMul(h as tf.Tensor3D, W2 as tf.Tensor3D), b2) as tf.Tensor3D;
}

/** Accuracy per replica of logits [R, n, C] against labels [R, n]. */
function accuracy(z: tf.Tensor3D, labels: tf.Tensor2D): tf.Tensor1D {
  return tf.mean(tf.cast(tf.equal(tf.argMax(z, 2), labels), 'float32'), 1) as tf.Tensor1D;
}

/**
 * R networks trained side by side (one per seed) through a continual schedule with one optimizer,
 * one step at a time (the site's live figure calls `step` between animation frames;
 * `trainContinual` runs it to the end). Replica r draws its task permutations, initial weights
 * and batches from `seeds[r]`; the blocks follow tasks 0…T−1, `cycles` times. Held-out accuracy
 * on every task is measured at the start, every blockSteps/5 steps and at each block end.
 */
export class ContinualTrainer {
  /** Total steps of the schedule. */
  readonly steps: number;
  /** Steps per block, tasks T, and steps of the savings window. */
  readonly blockSteps: number;
  readonly tasks: number;
  readonly savingsSteps: number;
  /** Task names, in task order. */
  readonly taskNames: string[];
  /** Held-out accuracy per task (mean over replicas) at every measurement so far. */
  readonly curves: ContinualCurvePoint[] = [];
  /** Steps taken so far. */
  t = 0;
  private readonly optimizer: tf.Optimizer;
  private readonly prep: Prepared;
  private readonly params: tf.Variable[];
  private readonly evalX: tf.Tensor3D;
  private readonly evalY: tf.Tensor2D;
  private readonly online: Float64Array;
  private readonly blockEnd: number[][][] = [];
  private readonly rngs: Random[];
  private readonly x: Float32Array;
  private readonly y: Int32Array;
  private readonly R: number;
  private readonly B: number;
  private readonly d: number;
  private readonly every: number;
  private readonly learnerName: string;

  constructor(
    pools: DigitPools,
    optimizer: tf.Optimizer,
    seeds: readonly number[],
    schedule: ContinualSchedule = {},
    learnerName = 'learner',
  ) {
    const where = 'trainContinual';
    const stream = schedule.stream ?? 'permuted';
    const T = integerAtLeast(where, 'tasks', schedule.tasks ?? 2, 1);
    const cycles = integerAtLeast(where, 'cycles', schedule.cycles ?? 3, 1);
    const blockSteps = integerAtLeast(where, 'blockSteps', schedule.blockSteps ?? 200, 2);
    const B = integerAtLeast(where, 'batch', schedule.batch ?? 16, 1);
    const H = integerAtLeast(where, 'hidden', schedule.hidden ?? 64, 1);
    this.savingsSteps = integerAtLeast(
      where,
      'savingsSteps',
      schedule.savingsSteps ?? Math.max(1, Math.round(blockSteps / 5)),
      1,
    );
    const R = integerAtLeast(where, 'seeds.length', seeds.length, 1);
    this.optimizer = optimizer;
    this.learnerName = learnerName;
    this.prep = prepare(pools, stream, T, seeds, schedule.evalPerTask ?? 300);
    this.taskNames = (this.prep.tasks[0] as DigitTask[]).map((t) => t.name);
    const d = pools.train.side ** 2;
    const C = this.prep.classes;
    const E = this.prep.evalPerTask;
    this.tasks = T;
    this.blockSteps = blockSteps;
    this.steps = T * cycles * blockSteps;
    this.R = R;
    this.B = B;
    this.d = d;
    this.every = Math.max(1, Math.round(blockSteps / 5));
    this.rngs = seeds.map((seed) => new Random(subSeed(seed, 303)));
    const init = tf.tidy(() => {
      const parts = this.rngs.map((rng) => [
        randomNormal(rng, [1, d, H], Math.sqrt(2 / d)),
        tf.zeros([1, 1, H]),
        randomNormal(rng, [1, H, C], Math.sqrt(1 / H)),
        tf.zeros([1, 1, C]),
      ]);
      return [0, 1, 2, 3].map((j) =>
        tf.concat(
          parts.map((p) => p[j] as tf.Tensor),
          0,
        ),
      );
    });
    this.params = init.map((t) => tf.variable(t, true));
    tf.dispose(init);
    this.evalX = tf.tensor3d(this.prep.evalX, [R, T * E, d]);
    this.evalY = tf.tensor2d(this.prep.evalY, [R, T * E], 'int32');
    this.online = new Float64Array(this.steps * R);
    this.x = new Float32Array(R * B * d);
    this.y = new Int32Array(R * B);
    this.record(0, this.evaluate());
  }

  /** Held-out accuracy [replica][task] now. */
  evaluate(): number[][] {
    const { R, tasks: T } = this;
    const E = this.prep.evalPerTask;
    const acc = tf.tidy(() => {
      const z = logits(this.params, this.evalX);
      const hit = tf.cast(tf.equal(tf.argMax(z, 2), this.evalY), 'float32');
      return tf.mean(tf.reshape(hit, [R, T, E]), 2);
    });
    const v = acc.dataSync();
    acc.dispose();
    return Array.from({ length: R }, (_, r) =>
      Array.from({ length: T }, (_, k) => v[r * T + k] as number),
    );
  }

  private record(step: number, acc: number[][]): void {
    for (let k = 0; k < this.tasks; k++) {
      this.curves.push({
        learner: this.learnerName,
        step,
        task: this.taskNames[k] ?? String(k),
        accuracy: mean(acc.map((a) => a[k] as number)),
      });
    }
  }

  /** The task trained at step t (0-based). */
  taskAt(t: number): number {
    return Math.floor(t / this.blockSteps) % this.tasks;
  }

  /** One optimizer step on a fresh batch of the current task (no-op once the schedule is done). */
  step(): void {
    if (this.t >= this.steps) return;
    const { R, B, d, x, y } = this;
    const k = this.taskAt(this.t);
    const set = this.prep.trainSets[k] as DigitSet;
    for (let r = 0; r < R; r++) {
      const rng = this.rngs[r] as Random;
      const p = (this.prep.tasks[r] as DigitTask[])[k]?.permutation;
      for (let b = 0; b < B; b++) {
        const n = Math.floor(rng.uniform() * set.count);
        const row = (r * B + b) * d;
        y[r * B + b] = set.labels[n] as number;
        const image = set.images.subarray(n * d, (n + 1) * d);
        if (p) for (let i = 0; i < d; i++) x[row + i] = image[p[i] as number] as number;
        else x.set(image, row);
      }
    }
    const C = this.prep.classes;
    let hits: tf.Tensor | undefined;
    tf.tidy(() => {
      const xs = tf.tensor3d(x, [R, B, d]);
      const ys = tf.tensor2d(y, [R, B], 'int32');
      const target = tf.reshape(tf.oneHot(tf.reshape(ys, [R * B]), C), [R, B, C]);
      this.optimizer.minimize(
        () => {
          const z = logits(this.params, xs);
          // The batch's accuracy before the step, from the same forward pass as the loss.
          hits = tf.keep(accuracy(z, ys));
          return tf.div(tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(z)))), B) as tf.Scalar;
        },
        false,
        this.params,
      );
    });
    const h = (hits as unknown as tf.Tensor).dataSync();
    (hits as unknown as tf.Tensor).dispose();
    for (let r = 0; r < R; r++) this.online[this.t * R + r] = h[r] as number;
    this.t++;
    if (this.t % this.blockSteps === 0) {
      const acc = this.evaluate();
      this.blockEnd.push(acc);
      this.record(this.t, acc);
    } else if (this.t % this.every === 0) this.record(this.t, this.evaluate());
  }

  /** The metrics over the complete blocks so far (NaN savings before a task returns). */
  metrics(): ContinualMetrics {
    const blocks = this.blockEnd.length;
    return continualMetrics(
      this.online.subarray(0, blocks * this.blockSteps * this.R),
      this.blockEnd,
      {
        tasks: this.tasks,
        blockSteps: this.blockSteps,
        savingsSteps: this.savingsSteps,
      },
    );
  }

  /** Frees the networks, the test tensors and the optimizer. */
  dispose(): void {
    tf.dispose([...this.params, this.evalX, this.evalY]);
    this.optimizer.dispose();
  }
}

/**
 * Trains R networks side by side through a continual schedule with one optimizer (see
 * `ContinualTrainer`) and returns the metrics of `ContinualMetrics` per replica and the curves.
 */
export function trainContinual(
  pools: DigitPools,
  optimizer: tf.Optimizer,
  seeds: readonly number[],
  schedule: ContinualSchedule = {},
  learnerName = 'learner',
): ContinualRun {
  const trainer = new ContinualTrainer(pools, optimizer, seeds, schedule, learnerName);
  try {
    while (trainer.t < trainer.steps) trainer.step();
    return { metrics: trainer.metrics(), curves: trainer.curves };
  } finally {
    trainer.dispose();
  }
}

/**
 * The metrics of `ContinualMetrics` from the raw log of a run with R replicas:
 * `online[t·R + r]` is replica r's batch accuracy at step t (before the step), and
 * `blockEnd[b][r][k]` its held-out accuracy on task k at the end of block b. Blocks cycle through
 * tasks 0…T−1.
 */
export function continualMetrics(
  online: ArrayLike<number>,
  blockEnd: readonly (readonly (readonly number[])[])[],
  sizes: { tasks: number; blockSteps: number; savingsSteps: number },
): ContinualMetrics {
  const { tasks: T, blockSteps, savingsSteps: s } = sizes;
  const blocks = blockEnd.length;
  const R = (blockEnd[0] ?? []).length;
  const steps = blocks * blockSteps;
  const metrics: ContinualMetrics = {
    onlineAccuracy: [],
    averageAccuracy: [],
    forgetting: [],
    savings: [],
  };
  const seen = Math.min(T, blocks);
  const lastTask = (blocks - 1) % T;
  for (let r = 0; r < R; r++) {
    let sum = 0;
    for (let t = 0; t < steps; t++) sum += online[t * R + r] as number;
    metrics.onlineAccuracy.push(sum / steps);
    const final = (blockEnd[blocks - 1] as number[][])[r] as number[];
    metrics.averageAccuracy.push(mean(final.slice(0, seen)));
    const drops: number[] = [];
    for (let k = 0; k < seen; k++) {
      if (k === lastTask) continue;
      let best = Number.NEGATIVE_INFINITY;
      for (let b = k; b < blocks; b++) {
        best = Math.max(best, ((blockEnd[b] as number[][])[r] as number[])[k] as number);
      }
      drops.push(best - (final[k] as number));
    }
    metrics.forgetting.push(drops.length ? mean(drops) : 0);
    const startAccuracy = (b: number) => {
      let a = 0;
      for (let t = b * blockSteps; t < b * blockSteps + s; t++) a += online[t * R + r] as number;
      return a / s;
    };
    const gains: number[] = [];
    for (let b = T; b < blocks; b++) gains.push(startAccuracy(b) - startAccuracy(b % T));
    metrics.savings.push(gains.length ? mean(gains) : Number.NaN);
  }
  return metrics;
}

/** The grids of the digits experiment. */
export const digitsGrids: Record<string, GridSpec> = {
  sgd: { lr: { full: [0.1, 0.3], quick: [0.3] } },
  momentum: {
    lr: { full: [0.01, 0.03], quick: [0.03] },
    beta: { full: [0.9], quick: [0.9] },
  },
  adam: { lr: { full: [0.001, 0.003], quick: [0.001] } },
  fastWeights: {
    slow: { full: [0.3], quick: [0.3] },
    fast: { full: [0.1, 0.3], quick: [0.1] },
    retention: { full: [0.9], quick: [0.9] },
  },
  bennaFusi: {
    lr: { full: [0.3, 1], quick: [1] },
    m: { full: [4], quick: [4] },
  },
  multiscale: {
    lr: { full: [0.3, 1], quick: [0.3] },
    exponent: { full: [0.25], quick: [0.25] },
  },
  bayesian: {
    p: { full: [0.1, 1], quick: [1] },
    noise: { full: [0.03], quick: [0.03] },
  },
};

/** Options of `runDigits`. */
export interface DigitsOptions {
  /** Master seed: validation and evaluation seeds derive from it. */
  seed: number;
  /** The digits (pooled 14×14), split by `digitPools`. */
  pools: DigitPools;
  /** Schedules to evaluate on; the first one also tunes. Default: A,B×3 and A,B,C,D×2 (permuted). */
  schedules?: ContinualSchedule[];
  /** Evaluation seeds (≥ 2 for intervals). Default 5. */
  seeds?: number;
  /** Validation seeds for the grid search. Default 2. */
  validationSeeds?: number;
  /** Smaller grids. Default false. */
  quick?: boolean;
  /** Learners. Default `realDataLearners(digitsGrids, quick)`. */
  learners?: RealDataLearner[];
  /** Called with (fraction done, label). */
  onProgress?: (fraction: number, label: string) => void;
}

/** One learner on one schedule: metric intervals and paired differences against SGD. */
export interface DigitsRow {
  learner: string;
  /** Index into `schedules`. */
  schedule: number;
  hyperparameters: Hyperparameters;
  /** Mean and 95% t-interval over seeds, per metric. */
  onlineAccuracy: Interval;
  averageAccuracy: Interval;
  forgetting: Interval;
  savings: Interval;
  /** Paired (same seeds) learner − SGD, per metric. */
  vsSgd: Record<keyof ContinualMetrics, PairedComparison>;
  /** Raw per-seed metrics. */
  perSeed: ContinualMetrics;
}

/** The digits experiment's result. */
export interface DigitsResult {
  schedules: Required<Omit<ContinualSchedule, 'savingsSteps'>>[];
  seeds: number;
  rows: DigitsRow[];
  curves: (ContinualCurvePoint & { schedule: number })[];
}

/**
 * A readable name of a schedule.
 * @example
 * scheduleName({tasks: 2, cycles: 3, blockSteps: 100}) // 'permuted: A,B ×3, 100 steps/block'
 */
export function scheduleName(s: ContinualSchedule): string {
  const letters = Array.from({ length: s.tasks ?? 2 }, (_, i) => String.fromCharCode(65 + i)).join(
    ',',
  );
  return `${s.stream ?? 'permuted'}: ${letters} ×${s.cycles ?? 3}, ${s.blockSteps ?? 200} steps/block`;
}

/**
 * Continual learning on real handwritten digits. Every learner is tuned by grid search on
 * `validationSeeds` seeds of the first schedule (objective: final average accuracy over the tasks
 * seen), then trained with its winning grid point on `seeds` fresh seeds of every schedule. Each
 * metric is reported as a mean with a 95% t-interval over seeds, and compared with SGD by a paired
 * t-test on the same seeds (same data, permutations and initial weights).
 */
export function runDigits(options: DigitsOptions): DigitsResult {
  const where = 'runDigits';
  const quick = options.quick ?? false;
  const seeds = integerAtLeast(where, 'seeds', options.seeds ?? 5, 2);
  const validationSeeds = integerAtLeast(where, 'validationSeeds', options.validationSeeds ?? 2, 1);
  const schedules = (
    options.schedules ?? [
      { tasks: 2, cycles: 3 },
      { tasks: 4, cycles: 2 },
    ]
  ).map((s) => ({
    stream: s.stream ?? 'permuted',
    tasks: s.tasks ?? 2,
    cycles: s.cycles ?? 3,
    blockSteps: s.blockSteps ?? 200,
    batch: s.batch ?? 16,
    hidden: s.hidden ?? 64,
    evalPerTask: s.evalPerTask ?? 300,
    ...(s.savingsSteps !== undefined ? { savingsSteps: s.savingsSteps } : {}),
  }));
  const learners = options.learners ?? realDataLearners(digitsGrids, quick);
  const context = {
    horizon: 10 * (schedules[0]?.blockSteps ?? 200),
    innovation: 'perRow' as const,
  };
  const validation = Array.from({ length: validationSeeds }, (_, i) => subSeed(options.seed, 1, i));
  const test = Array.from({ length: seeds }, (_, i) => subSeed(options.seed, 2, i));
  const total = learners.reduce(
    (a, l) => a + (l.grid.length > 1 ? l.grid.length : 0) + schedules.length,
    0,
  );
  let done = 0;
  const tick = (label: string) => options.onProgress?.(++done / total, label);
  const runs = learners.map((learner) => {
    let hyper = learner.grid[0] as Hyperparameters;
    if (learner.grid.length > 1) {
      let best = Number.NEGATIVE_INFINITY;
      for (const h of learner.grid) {
        const run = trainContinual(
          options.pools,
          learner.make(h, context),
          validation,
          schedules[0],
        );
        const score = mean(run.metrics.averageAccuracy);
        if (score > best || Number.isNaN(best)) {
          best = Number.isNaN(score) ? Number.NEGATIVE_INFINITY : score;
          hyper = h;
        }
        tick(`${learner.name} (tuning)`);
      }
    }
    const perSchedule = schedules.map((schedule) => {
      const run = trainContinual(
        options.pools,
        learner.make(hyper, context),
        test,
        schedule,
        learner.name,
      );
      tick(learner.name);
      return run;
    });
    return { learner, hyper, perSchedule };
  });
  const sgd = runs.find((r) => r.learner.name === 'tf.train.sgd') ?? runs[0];
  if (!sgd) throw new Error(`${where}: no learners`);
  const rows: DigitsRow[] = [];
  const curves: DigitsResult['curves'] = [];
  const keys: (keyof ContinualMetrics)[] = [
    'onlineAccuracy',
    'averageAccuracy',
    'forgetting',
    'savings',
  ];
  schedules.forEach((_, si) => {
    for (const r of runs) {
      const m = (r.perSchedule[si] as ContinualRun).metrics;
      const base = (sgd.perSchedule[si] as ContinualRun).metrics;
      const vsSgd = Object.fromEntries(
        keys.map((k) => [k, pairedComparison(m[k], base[k])]),
      ) as Record<keyof ContinualMetrics, PairedComparison>;
      rows.push({
        learner: r.learner.name,
        schedule: si,
        hyperparameters: r.hyper,
        onlineAccuracy: meanInterval(m.onlineAccuracy),
        averageAccuracy: meanInterval(m.averageAccuracy),
        forgetting: meanInterval(m.forgetting),
        savings: meanInterval(m.savings),
        vsSgd,
        perSeed: m,
      });
      for (const c of (r.perSchedule[si] as ContinualRun).curves)
        curves.push({ ...c, schedule: si });
    }
  });
  return { schedules, seeds, rows, curves };
}

/** The schedules of the full run: A,B ×3 and A,B,C,D ×2, 100 steps per block. */
export const fullDigitSchedules = [
  { tasks: 2, cycles: 3, blockSteps: 100, evalPerTask: 200 },
  { tasks: 4, cycles: 2, blockSteps: 100, evalPerTask: 200 },
];

/** The schedule of `--quick`: A,B ×2, 40 steps per block. */
export const quickDigitSchedules = [{ tasks: 2, cycles: 2, blockSteps: 40, evalPerTask: 200 }];
