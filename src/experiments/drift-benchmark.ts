import { integerAtLeast } from '../validate.js';
import {
  type DriftData,
  type DriftProblem,
  type DriftProblemOptions,
  driftData,
  driftProblem,
} from './drift.js';
import { type DriftLearner, driftLearners, type Hyperparameters } from './drift-learners.js';
import { subSeed } from './random.js';
import { mean, std } from './stats.js';

/** Options of `runDrift`. */
export interface DriftOptions extends DriftProblemOptions {
  /** Master seed; the validation and test seeds derive from it. */
  seed: number;
  /** Evaluation seeds (replicas), ≥ 1. Default 5. */
  seeds?: number;
  /** Replicas of the validation run used by the grid search. Default 2. */
  validationReplicas?: number;
  /** Smaller grids. Default false. */
  quick?: boolean;
  /** Learners to compare. Default `driftLearners()`. */
  learners?: DriftLearner[];
  /** Called with (fraction done, label). */
  onProgress?: (fraction: number, label: string) => void;
}

/** One learner's result on the drift benchmark. */
export interface DriftRow {
  /** Learner name. */
  learner: string;
  /** The winning grid point (empty for learners without hyperparameters). */
  hyperparameters: Hyperparameters;
  /** Mean over evaluation seeds of MSE / Kalman-filter MSE (same seed). */
  ratioMean: number;
  /** Standard deviation of that ratio over the seeds. */
  ratioStd: number;
  /** Mean MSE over the seeds. */
  mse: number;
  /** Validation MSE of the winning grid point. */
  validationMse: number;
  /** Grid points tried. */
  gridSize: number;
}

/** The benchmark's output: the problem, one row per learner, and the seeds used. */
export interface DriftResult {
  /** The problem solved. */
  problem: DriftProblem;
  /** One row per learner, in learner order. */
  rows: DriftRow[];
  /** Seed of the validation data (grid search). */
  validationSeed: number;
  /** Seed of the evaluation data (`seeds` replicas). */
  testSeed: number;
  /** Number of evaluation replicas. */
  seeds: number;
}

/** Per-replica MSE of a learner over the steps after burn-in (NaN/∞ if it diverged). */
export function driftMse(
  learner: DriftLearner,
  problem: DriftProblem,
  data: DriftData,
  hyper: Hyperparameters,
): number[] {
  const R = data.replicas;
  const d = problem.dim;
  const model = learner.create(problem, hyper, R);
  const sums = new Float64Array(R);
  try {
    for (let t = 0; t < problem.steps; t++) {
      const x = data.x.subarray(t * R * d, (t + 1) * R * d);
      const y = data.y.subarray(t * R, (t + 1) * R);
      const prediction = model.step(x, y);
      if (t < problem.burnIn) continue;
      for (let r = 0; r < R; r++)
        sums[r] = (sums[r] as number) + ((prediction[r] as number) - (y[r] as number)) ** 2;
    }
  } finally {
    model.dispose();
  }
  const n = problem.steps - problem.burnIn;
  return Array.from(sums, (s) => (Number.isFinite(s) ? s / n : Number.POSITIVE_INFINITY));
}

/**
 * The 1/f-drift benchmark. Every learner but the reference is tuned by grid search on a
 * validation data set (its own seed), keeping the grid point with the lowest MSE; the winners and
 * the exact Kalman filter then run on `seeds` fresh replicas. Reports MSE / KF-MSE per seed,
 * mean ± std.
 */
export function runDrift(options: DriftOptions): DriftResult {
  const problem = driftProblem(options);
  const seeds = integerAtLeast('runDrift', 'seeds', options.seeds ?? 5, 1);
  const validationReplicas = integerAtLeast(
    'runDrift',
    'validationReplicas',
    options.validationReplicas ?? 2,
    1,
  );
  const quick = options.quick ?? false;
  const learners = options.learners ?? driftLearners();
  const validationSeed = subSeed(options.seed, 1);
  const testSeed = subSeed(options.seed, 2);
  const validation = driftData(problem, validationSeed, validationReplicas);
  const test = driftData(problem, testSeed, seeds);
  const grids = learners.map((l) => (l.reference ? [{}] : l.grid(problem, quick)));
  const total = grids.reduce((a, g) => a + (g.length > 1 ? g.length : 0) + 1, 0);
  let done = 0;
  const tick = (label: string) => {
    done++;
    options.onProgress?.(done / total, label);
  };
  const chosen = learners.map((learner, i) => {
    const grid = grids[i] as Hyperparameters[];
    if (grid.length === 1) return { hyper: grid[0] as Hyperparameters, validationMse: Number.NaN };
    let best = { hyper: grid[0] as Hyperparameters, validationMse: Number.POSITIVE_INFINITY };
    for (const hyper of grid) {
      const m = mean(driftMse(learner, problem, validation, hyper));
      tick(learner.name);
      if (m < best.validationMse) best = { hyper, validationMse: m };
    }
    return best;
  });
  const mses = learners.map((learner, i) => {
    const result = driftMse(learner, problem, test, chosen[i]?.hyper as Hyperparameters);
    tick(learner.name);
    return result;
  });
  const referenceIndex = Math.max(
    0,
    learners.findIndex((l) => l.reference),
  );
  const reference = mses[referenceIndex] as number[];
  const rows = learners.map((learner, i) => {
    const ratios = (mses[i] as number[]).map((m, r) => m / (reference[r] as number));
    return {
      learner: learner.name,
      hyperparameters: chosen[i]?.hyper ?? {},
      ratioMean: mean(ratios),
      ratioStd: std(ratios),
      mse: mean(mses[i] as number[]),
      validationMse: chosen[i]?.validationMse ?? Number.NaN,
      gridSize: (grids[i] as Hyperparameters[]).length,
    };
  });
  return { problem, rows, validationSeed, testSeed, seeds };
}
