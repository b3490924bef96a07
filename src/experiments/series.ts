import * as tf from '@tensorflow/tfjs-core';
import { fail, integerAtLeast } from '../validate.js';
import type { RealSeries } from './data/series.js';
import type { Hyperparameters } from './drift-learners.js';
import { blockBootstrapRatio, type Interval } from './inference.js';
import { type GridSpec, type RealDataLearner, realDataLearners } from './real-learners.js';
import { mean, std } from './stats.js';

/**
 * Online one-step-ahead prediction of a real series: the design. Values are standardized with the
 * mean and standard deviation of the tuning segment only (nothing from later rows leaks in). At
 * step t the learner sees x_t = (1, z_t, z_{t−1}, …, z_{t−lags+1}[, sin 2πd/365.25, cos 2πd/365.25])
 * (d the day of the year of the row being predicted, when the series has dates), predicts
 * ẑ_{t+1} = w·x_t, is scored on (ẑ − z_{t+1})², and then takes one optimizer step on
 * L = ½(ẑ − z_{t+1})²: predict, then update, one pass.
 */
export interface SeriesDesign {
  /** Inputs, [steps, dim] row-major. */
  x: Float32Array;
  /** Standardized targets z_{t+1}, [steps]. */
  y: Float32Array;
  /** Persistence's standardized prediction z_t, [steps]. */
  persistence: Float32Array;
  /** Input width. */
  dim: number;
  /** Number of prediction steps. */
  steps: number;
  /** Steps (from the start) whose errors tune the hyperparameters; the rest are scored. */
  tuneSteps: number;
  /** The standardization, so errors can be reported in the series' own units². */
  scale: number;
  offset: number;
}

/** Options of `seriesDesign`. */
export interface SeriesDesignOptions {
  /** Lagged values in x. Default 3. */
  lags?: number;
  /** Add sin/cos of the day of the year (needs dates). Default: true when the series has dates. */
  calendar?: boolean;
  /** Fraction of the prediction steps used for tuning (the rest are scored). Default 0.25. */
  tuneFraction?: number;
}

/** Builds the online design (inputs, targets, persistence) of a series; see `SeriesDesign`. */
export function seriesDesign(series: RealSeries, options: SeriesDesignOptions = {}): SeriesDesign {
  const where = 'seriesDesign';
  const lags = integerAtLeast(where, 'lags', options.lags ?? 3, 1);
  const calendar = options.calendar ?? series.dates !== undefined;
  if (calendar && !series.dates) {
    fail(where, 'calendar', calendar, 'calendar features need a date column');
  }
  const tuneFraction = options.tuneFraction ?? 0.25;
  if (!(tuneFraction > 0 && tuneFraction < 1)) {
    fail(where, 'tuneFraction', tuneFraction, 'it must lie in (0, 1)');
  }
  const v = series.values;
  const steps = v.length - lags;
  if (steps < 8) fail(where, 'lags', lags, `the series has ${v.length} values; need lags + 8`);
  const tuneSteps = Math.max(2, Math.round(tuneFraction * steps));
  const tuneValues = v.subarray(0, tuneSteps + lags);
  const offset = mean(tuneValues);
  const scale = std(tuneValues) || 1;
  const z = (i: number) => ((v[i] as number) - offset) / scale;
  const dim = 1 + lags + (calendar ? 2 : 0);
  const x = new Float32Array(steps * dim);
  const y = new Float32Array(steps);
  const persistence = new Float32Array(steps);
  for (let s = 0; s < steps; s++) {
    const t = s + lags - 1; // the last value seen
    const row = s * dim;
    x[row] = 1;
    for (let l = 0; l < lags; l++) x[row + 1 + l] = z(t - l);
    if (calendar) {
      const date = series.dates?.[t + 1] as Date;
      const start = Date.UTC(date.getUTCFullYear(), 0, 1);
      const day = (date.getTime() - start) / 86_400_000;
      x[row + 1 + lags] = Math.sin((2 * Math.PI * day) / 365.25);
      x[row + 2 + lags] = Math.cos((2 * Math.PI * day) / 365.25);
    }
    y[s] = z(t + 1);
    persistence[s] = z(t);
  }
  return { x, y, persistence, dim, steps, tuneSteps, scale, offset };
}

/**
 * Runs one optimizer through the design, predict-then-update, for the first `steps` steps;
 * returns the squared error of every step (standardized units). The weight starts at 0; the
 * gradient (ẑ − z)·x of ½(ẑ − z)² is handed to `applyGradients`. A diverged run gives ∞ errors.
 */
export function onlineSquaredErrors(
  design: SeriesDesign,
  optimizer: tf.Optimizer,
  steps = design.steps,
  current?: { x: tf.Tensor | null },
): Float64Array {
  const errors = new Float64Array(steps);
  const zeros = tf.zeros([design.dim]);
  const weight = tf.variable(zeros, true);
  zeros.dispose();
  try {
    for (let s = 0; s < steps; s++) {
      const target = design.y[s] as number;
      const prediction = tf.tidy(() => {
        const xs = tf.tensor1d(design.x.subarray(s * design.dim, (s + 1) * design.dim));
        if (current) current.x = xs;
        const pred = tf.sum(tf.mul(weight, xs));
        optimizer.applyGradients({ [weight.name]: tf.mul(tf.sub(pred, target), xs) });
        return pred;
      });
      const p = prediction.dataSync()[0] as number;
      prediction.dispose();
      const e = (p - target) ** 2;
      errors[s] = Number.isFinite(e) ? e : Number.POSITIVE_INFINITY;
      if (!Number.isFinite(e)) {
        errors.fill(Number.POSITIVE_INFINITY, s);
        break;
      }
    }
  } finally {
    weight.dispose();
    optimizer.dispose();
    if (current) current.x = null;
  }
  return errors;
}

/** The grids of the series experiment (standardized series, so one scale fits most CSVs). */
export const seriesGrids: Record<string, GridSpec> = {
  sgd: { lr: { full: [0.001, 0.003, 0.01, 0.03, 0.1], quick: [0.003, 0.03] } },
  momentum: {
    lr: { full: [0.001, 0.003, 0.01, 0.03], quick: [0.003] },
    beta: { full: [0.5, 0.9], quick: [0.5, 0.9] },
  },
  adam: { lr: { full: [0.003, 0.01, 0.03, 0.1], quick: [0.01, 0.1] } },
  fastWeights: {
    slow: { full: [0.003, 0.01, 0.03], quick: [0.01] },
    fast: { full: [0.03, 0.1, 0.3], quick: [0.1] },
    retention: { full: [0.5, 0.9], quick: [0.5, 0.9] },
  },
  bennaFusi: {
    lr: { full: [0.01, 0.03, 0.1, 0.3], quick: [0.03, 0.3] },
    m: { full: [4, 8], quick: [6] },
  },
  multiscale: {
    lr: { full: [0.003, 0.01, 0.03, 0.1], quick: [0.01, 0.1] },
    exponent: { full: [0.25, 0.5], quick: [0.5] },
  },
  bayesian: {
    p: { full: [0.01, 0.1, 1], quick: [0.1] },
    noise: { full: [0.1, 0.3, 1], quick: [0.3, 1] },
  },
};

/** Options of `runSeries`. */
export interface SeriesOptions extends SeriesDesignOptions {
  /** Smaller grids. Default false. */
  quick?: boolean;
  /** Only the first `limit` prediction steps (tests). Default: all. */
  limit?: number;
  /** Longest timescale of the multiscale and Bayesian learners, in steps. Default 1000. */
  horizon?: number;
  /** Bootstrap seed. Default 1. */
  seed?: number;
  /** Bootstrap block length in steps. Default 30. */
  block?: number;
  /** Learners. Default `realDataLearners(seriesGrids, quick)`. */
  learners?: RealDataLearner[];
  /** Called with (fraction done, label). */
  onProgress?: (fraction: number, label: string) => void;
}

/** One predictor's scores on the scored segment (after the tuning segment). */
export interface SeriesRow {
  /** Learner name (`'persistence'` for the baseline). */
  learner: string;
  /** Winning grid point (empty for persistence). */
  hyperparameters: Hyperparameters;
  /** True for SGD, momentum and Adam. */
  singleTimescale: boolean;
  /** MSE in the series' units² over the scored steps. */
  mse: number;
  /** MSE / persistence MSE, with a 95% moving-block bootstrap interval. */
  vsPersistence: Interval;
  /** MSE / MSE of the best single-timescale learner (best on the scored steps), with its interval. */
  vsBestSingle: Interval;
  /** Tuning-segment MSE of the winning grid point (standardized units). */
  tuneMse: number;
  /** Grid points tried. */
  gridSize: number;
}

/** The series experiment's result. */
export interface SeriesResult {
  /** Source and column. */
  source: string;
  column: string;
  /** Design sizes. */
  steps: number;
  tuneSteps: number;
  lags: number;
  calendar: boolean;
  /** The best single-timescale learner (the `vsBestSingle` denominator). */
  bestSingle: string;
  /** One row per predictor, persistence first. */
  rows: SeriesRow[];
  /** Running 30-step MSE of persistence, the best single-timescale and the best other learner, for plots. */
  curves: { step: number; mse: number; series: string }[];
}

/**
 * Online one-step-ahead prediction of a real series (see `SeriesDesign`). Every learner is tuned
 * on the first `tuneFraction` of the steps (lowest MSE there), then run once, predict-then-update,
 * over the whole series and scored on the rest; persistence (ẑ_{t+1} = z_t) is the baseline.
 * Ratios of MSEs carry a 95% moving-block bootstrap interval over the scored days.
 */
export function runSeries(series: RealSeries, options: SeriesOptions = {}): SeriesResult {
  const lags = options.lags ?? 3;
  const calendar = options.calendar ?? series.dates !== undefined;
  const full = seriesDesign(series, { ...options, lags, calendar });
  const limit = Math.min(full.steps, options.limit ?? full.steps);
  const design: SeriesDesign = {
    ...full,
    steps: limit,
    tuneSteps: Math.min(full.tuneSteps, Math.max(2, Math.round(limit / 4))),
  };
  const quick = options.quick ?? false;
  const horizon = options.horizon ?? 1000;
  const learners = options.learners ?? realDataLearners(seriesGrids, quick);
  const current: { x: tf.Tensor | null } = { x: null };
  // Exact curvature of ½(y − w·x)² for the Bayesian optimizer: h = x², from the current input.
  const curvature = () => tf.square(current.x as tf.Tensor);
  const context = { horizon, curvature, innovation: 'shared' as const };
  const total = learners.reduce((a, l) => a + l.grid.length + 1, 0);
  let done = 0;
  const scored = (e: Float64Array) => e.subarray(design.tuneSteps);
  const persistenceErrors = new Float64Array(design.steps);
  for (let s = 0; s < design.steps; s++) {
    persistenceErrors[s] = ((design.persistence[s] as number) - (design.y[s] as number)) ** 2;
  }
  const runs = learners.map((learner) => {
    let best = { hyper: learner.grid[0] as Hyperparameters, mse: Number.POSITIVE_INFINITY };
    for (const hyper of learner.grid) {
      const e = onlineSquaredErrors(
        design,
        learner.make(hyper, context),
        design.tuneSteps,
        current,
      );
      const m = mean(e);
      if (m < best.mse) best = { hyper, mse: m };
      options.onProgress?.(++done / total, learner.name);
    }
    const errors = onlineSquaredErrors(
      design,
      learner.make(best.hyper, context),
      design.steps,
      current,
    );
    options.onProgress?.(++done / total, learner.name);
    return { learner, best, errors };
  });
  const singles = runs.filter((r) => r.learner.singleTimescale);
  const bestSingleRun = singles.reduce(
    (a, b) => (mean(scored(b.errors)) < mean(scored(a.errors)) ? b : a),
    singles[0] ?? runs[0],
  );
  const bestErrors = scored(bestSingleRun?.errors ?? persistenceErrors);
  const boot = { block: options.block ?? 30, seed: options.seed ?? 1 };
  const units = design.scale ** 2;
  const row = (
    learner: string,
    hyper: Hyperparameters,
    single: boolean,
    errors: Float64Array,
    tuneMse: number,
    gridSize: number,
  ): SeriesRow => ({
    learner,
    hyperparameters: hyper,
    singleTimescale: single,
    mse: mean(scored(errors)) * units,
    vsPersistence: blockBootstrapRatio(scored(errors), scored(persistenceErrors), boot),
    vsBestSingle: blockBootstrapRatio(scored(errors), bestErrors, boot),
    tuneMse,
    gridSize,
  });
  const rows = [
    row(
      'persistence',
      {},
      false,
      persistenceErrors,
      mean(persistenceErrors.subarray(0, design.tuneSteps)),
      1,
    ),
    ...runs.map((r) =>
      row(
        r.learner.name,
        r.best.hyper,
        r.learner.singleTimescale,
        r.errors,
        r.best.mse,
        r.learner.grid.length,
      ),
    ),
  ];
  const others = runs.filter((r) => !r.learner.singleTimescale);
  const bestOther = others.reduce(
    (a, b) => (mean(scored(b.errors)) < mean(scored(a.errors)) ? b : a),
    others[0] ?? runs[0],
  );
  const curves: SeriesResult['curves'] = [];
  const window = 30;
  const plotted: [string, Float64Array][] = [['persistence', persistenceErrors]];
  if (bestSingleRun) plotted.push([bestSingleRun.learner.name, bestSingleRun.errors]);
  if (bestOther && bestOther !== bestSingleRun)
    plotted.push([bestOther.learner.name, bestOther.errors]);
  for (const [name, e] of plotted) {
    for (let s = window; s <= design.steps; s += 5) {
      curves.push({ step: s, mse: mean(e.subarray(s - window, s)) * units, series: name });
    }
  }
  return {
    source: series.source,
    column: series.column,
    steps: design.steps,
    tuneSteps: design.tuneSteps,
    lags,
    calendar,
    bestSingle: bestSingleRun?.learner.name ?? 'persistence',
    rows,
    curves,
  };
}
