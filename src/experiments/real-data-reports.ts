import type * as Plot from '@observablehq/plot';
import { lineChart } from '../plots/line-chart.js';
import type { ContinualMetrics, DigitsResult, DigitsRow } from './digits.js';
import { scheduleName } from './digits.js';
import type { Hyperparameters } from './drift-learners.js';
import { fmt } from './format.js';
import { type Interval, type PairedComparison, pairedComparison } from './inference.js';
import type { SeriesResult } from './series.js';

/** What the registry needs from a real-data experiment: a table, findings and a chart. */
export interface RealDataReport {
  table: { columns: string[]; rows: string[][] };
  findings: string[];
  chart: Plot.PlotOptions;
}

/**
 * `0.912 [0.905, 0.919]`: an estimate and its 95% interval.
 * @example
 * formatInterval({mean: 0.9123, lo: 0.9051, hi: 0.9194}) // '0.912 [0.905, 0.919]'
 */
export function formatInterval(i: Interval, digits = 3): string {
  return `${fmt(i.mean, digits)} [${fmt(i.lo, digits)}, ${fmt(i.hi, digits)}]`;
}

/** `+0.012 [0.004, 0.02], p = 0.01`, with "n.s." when the interval contains 0. */
export function formatDifference(c: PairedComparison): string {
  const sign = c.mean > 0 ? '+' : '';
  return `${sign}${fmt(c.mean, 2)} [${fmt(c.lo, 2)}, ${fmt(c.hi, 2)}], p = ${fmt(c.p, 2)}${c.significant ? '' : ' (n.s.)'}`;
}

const hyper = (h: Hyperparameters) =>
  Object.entries(h)
    .map(([k, v]) => `${k}=${fmt(v)}`)
    .join(' ');

/**
 * Whether a paired difference supports a claim that predicts its sign (`+1`: the learner's value
 * is larger, `−1`: smaller): "supported" when the 95% interval lies on the predicted side,
 * "contradicted" when it lies on the other side, "not significant" otherwise.
 * @example
 * verdict(pairedComparison([2, 3, 5], [1, 1, 2]), 1) // 'not significant'
 */
export function verdict(c: PairedComparison, predicted: 1 | -1): string {
  if (!c.significant) return 'not significant';
  return Math.sign(c.mean) === predicted
    ? 'supported'
    : 'contradicted (significant, opposite sign)';
}

/** The digits experiment as a table (one row per schedule and learner), findings and chart. */
export function digitsReport(result: DigitsResult): RealDataReport {
  const columns = [
    'schedule',
    'learner',
    'online accuracy',
    'average accuracy (end)',
    'forgetting',
    'savings',
    'Δ avg. accuracy vs SGD',
    'Δ forgetting vs SGD',
    'Δ savings vs SGD',
    'tuned hyperparameters',
  ];
  const rows = result.rows.map((r) => [
    String(r.schedule + 1),
    r.learner,
    formatInterval(r.onlineAccuracy),
    formatInterval(r.averageAccuracy),
    formatInterval(r.forgetting),
    formatInterval(r.savings),
    r.learner === 'tf.train.sgd' ? '–' : formatDifference(r.vsSgd.averageAccuracy),
    r.learner === 'tf.train.sgd' ? '–' : formatDifference(r.vsSgd.forgetting),
    r.learner === 'tf.train.sgd' ? '–' : formatDifference(r.vsSgd.savings),
    hyper(r.hyperparameters),
  ]);
  const findings = [
    `Schedules: ${result.schedules.map((s, i) => `(${i + 1}) ${scheduleName(s)}`).join('; ')}; 14×14 digits, MLP ${'196'}→${result.schedules[0]?.hidden}→10 (ReLU), batch ${result.schedules[0]?.batch}; ${result.seeds} evaluation seeds (intervals: 95% Student t over seeds; Δ: paired t-test against SGD on the same seeds; n.s. = not significant).`,
  ];
  result.schedules.forEach((_, si) => {
    const rowsHere = result.rows.filter((r) => r.schedule === si);
    const by = (name: string) => rowsHere.find((r) => r.learner === name);
    const singles = rowsHere.filter((r) =>
      ['tf.train.sgd', 'tf.train.momentum', 'tf.train.adam'].includes(r.learner),
    );
    const bestSingle = singles.reduce<DigitsRow | undefined>(
      (a, b) => (a === undefined || b.averageAccuracy.mean > a.averageAccuracy.mean ? b : a),
      undefined,
    );
    const vs = (r: DigitsRow, base: DigitsRow, key: keyof ContinualMetrics) =>
      pairedComparison(r.perSeed[key], base.perSeed[key]);
    const parts: string[] = [];
    for (const name of ['multiscale (power law)', 'bayesianMultiscale']) {
      const r = by(name);
      if (r && bestSingle) {
        const c = vs(r, bestSingle, 'averageAccuracy');
        parts.push(
          `${name} − ${bestSingle.learner} (the best single-timescale learner) in average accuracy: ${formatDifference(c)}: **${verdict(c, 1)}**`,
        );
      }
    }
    if (parts.length) {
      findings.push(
        `Schedule ${si + 1}, claim "multiscale beats single-timescale learners": ${parts.join('; ')}.`,
      );
    }
    const fw = by('fastWeights');
    const sgd = by('tf.train.sgd');
    if (fw && sgd) {
      const c = fw.vsSgd.savings;
      findings.push(
        `Schedule ${si + 1}, claim "fast weights give savings": savings ${formatInterval(fw.savings)} against SGD's ${formatInterval(sgd.savings)}; fastWeights − SGD ${formatDifference(c)}: **${verdict(c, 1)}**.`,
      );
    }
    const bf = by('bennaFusi');
    if (bf && sgd) {
      const c = bf.vsSgd.forgetting;
      findings.push(
        `Schedule ${si + 1}, claim "Benna–Fusi forgets less": forgetting ${formatInterval(bf.forgetting)} against SGD's ${formatInterval(sgd.forgetting)}; bennaFusi − SGD ${formatDifference(c)}: **${verdict(c, -1)}** (its online accuracy: ${formatDifference(bf.vsSgd.onlineAccuracy)} against SGD).`,
      );
    }
  });
  const tests = (result.schedules.length || 1) * 4;
  findings.push(
    `Multiple comparisons: ${tests} claim tests are reported above (4 per schedule), so about ${fmt(0.05 * tests, 2)} of them would reach p < 0.05 by chance alone; a verdict with p above the Bonferroni threshold 0.05/${tests} = ${fmt(0.05 / tests, 2)} is weak evidence.`,
  );
  const first = result.curves.filter((c) => c.schedule === 0 && c.task === result.curves[0]?.task);
  const chart = lineChart(first, {
    title: 'Continual digits: accuracy on the first task',
    subtitle: `${scheduleName(result.schedules[0] ?? {})}; held-out accuracy, mean of ${result.seeds} seeds`,
    xLabel: 'step',
    yLabel: 'accuracy on task A',
    x: 'step',
    y: 'accuracy',
    stroke: 'learner',
  });
  return { table: { columns, rows }, findings, chart };
}

/** The series experiment as a table, findings and chart. */
export function seriesReport(result: SeriesResult): RealDataReport {
  const columns = [
    'predictor',
    'MSE (units²)',
    'MSE / persistence [95% CI]',
    `MSE / ${result.bestSingle} [95% CI]`,
    'tuned hyperparameters',
    'grid',
  ];
  const rows = result.rows.map((r) => [
    r.learner,
    fmt(r.mse, 4),
    formatInterval(r.vsPersistence),
    formatInterval(r.vsBestSingle),
    hyper(r.hyperparameters),
    String(r.gridSize),
  ]);
  const below = (i: Interval) => i.hi < 1;
  const above = (i: Interval) => i.lo > 1;
  const say = (i: Interval) =>
    below(i) ? 'better' : above(i) ? 'worse' : 'not significantly different';
  const multi = result.rows.filter((r) => !r.singleTimescale && r.learner !== 'persistence');
  const winners = multi.filter((r) => below(r.vsBestSingle));
  const best = result.rows.reduce((a, b) => (b.mse < a.mse ? b : a));
  const findings = [
    `Series: ${result.source}, column ${result.column}; ${result.steps} one-step-ahead predictions from ${result.lags} lagged values${result.calendar ? ' and the day of the year (sin, cos)' : ''}; hyperparameters tuned on the first ${result.tuneSteps} steps, scores on the remaining ${result.steps - result.tuneSteps}. Intervals: 95% moving-block bootstrap (30-step blocks) of the MSE ratio over the scored steps.`,
    `Best single-timescale learner: ${result.bestSingle}; best predictor overall: ${best.learner} (MSE ${fmt(best.mse, 4)}).`,
    ...multi.map(
      (r) =>
        `${r.learner}: ${formatInterval(r.vsBestSingle)}× the MSE of ${result.bestSingle} (${say(r.vsBestSingle)}), ${formatInterval(r.vsPersistence)}× persistence (${say(r.vsPersistence)}).`,
    ),
    winners.length
      ? `Claim "multiscale beats single-timescale learners": **supported** for ${winners.map((r) => r.learner).join(', ')} (interval below 1), not for the others.`
      : 'Claim "multiscale beats single-timescale learners": **not supported** on this series; no multiscale or Bayesian learner has an MSE interval below the best single-timescale learner.',
  ];
  const chart = lineChart(result.curves, {
    title: `Online prediction of ${result.column}`,
    subtitle: 'Squared one-step-ahead error, 30-step moving average',
    xLabel: 'step',
    yLabel: 'MSE (units²)',
    x: 'step',
    y: 'mse',
    stroke: 'series',
  });
  return { table: { columns, rows }, findings, chart };
}
