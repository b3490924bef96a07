import type * as Plot from '@observablehq/plot';
import { driftChart, forgettingChart, lifetimeChart, taskSwitchingChart } from './charts.js';
import type { StreamKind } from './data/digits.js';
import type { RealSeries } from './data/series.js';
import { runDrift } from './drift-benchmark.js';
import { type DriftLearner, driftLearners } from './drift-learners.js';
import { forgettingCurves } from './forgetting.js';
import { fmt } from './format.js';
import { meanInterval, pairedComparison } from './inference.js';
import { runLifetime } from './lifetime.js';
import { experimentNames } from './names.js';
import { runTaskSwitching, type TaskSwitchingRow } from './task-switching.js';

/** A results table, already formatted for printing. */
export interface Table {
  /** Column headings. */
  columns: string[];
  /** Rows of formatted cells. */
  rows: string[][];
}

/** What one experiment run produces: a table, raw data (for JSON), a chart and findings. */
export interface ExperimentReport {
  /** CLI name, e.g. `'drift'`. */
  name: string;
  /** Heading. */
  title: string;
  /** Results table. */
  table: Table;
  /** The experiment's raw result (written to JSON). */
  data: unknown;
  /** Observable Plot options of its figure. */
  chart: Plot.PlotOptions;
  /** One-sentence findings computed from the numbers (markdown). */
  findings: string[];
}

/** Settings shared by every experiment. */
export interface ExperimentSettings {
  /** Master seed. */
  seed: number;
  /** Quick sizes (each experiment under about 30 s). */
  quick: boolean;
  /** Lifetime experiment: simulated sizes N. */
  sizes?: number[];
  /** Drift benchmark: extra learners (e.g. from plugins). */
  extraLearners?: DriftLearner[];
  /** Series experiment: the series to predict. Default Seattle weather, temp_max. */
  series?: RealSeries;
  /** Digits experiment: the continual stream. Default `'permuted'`. */
  stream?: StreamKind;
  /** Called with (fraction done, label). */
  onProgress?: (fraction: number, label: string) => void;
}

/** A named, runnable experiment; `backend` is the tfjs backend it runs fastest on. */
export interface Experiment {
  /** CLI name. */
  name: string;
  /** Heading. */
  title: string;
  /** Backend it runs fastest on (cpu for many tiny ops, wasm for big elementwise updates). */
  backend: 'cpu' | 'wasm';
  /** Runs it. */
  run(settings: ExperimentSettings): Promise<ExperimentReport>;
}

export { fmt };

const hyper = (h: Readonly<Record<string, number>>) =>
  Object.entries(h)
    .map(([k, v]) => `${k}=${fmt(v)}`)
    .join(' ');

const forgetting: Experiment = {
  name: 'forgetting',
  title: 'Forgetting curves',
  backend: 'cpu',
  async run({ quick, onProgress }) {
    const { rows, summary } = forgettingCurves({ horizon: quick ? 1e5 : 1e6 });
    onProgress?.(1, 'impulse responses');
    const bf = summary.filter(
      (s) => s.series.startsWith('Benna–Fusi') && Number.isFinite(s.powerLawEnd),
    );
    const growth = bf.slice(1).map((s, i) => s.powerLawEnd / (bf[i]?.powerLawEnd as number));
    const pl = summary.filter((s) => s.series.startsWith('multiscale power law'));
    return {
      name: 'forgetting',
      title: 'Forgetting curves',
      table: {
        columns: ['curve', 'log–log slope, t ∈ [10, 1000]', 'power law ends at t'],
        rows: summary.map((s) => [s.series, fmt(s.slope10to1000), fmt(s.powerLawEnd)]),
      },
      data: { rows, summary },
      chart: forgettingChart(rows),
      findings: [
        `Benna–Fusi chains (m ≥ 4) forget as t^${fmt(summary.find((s) => s.series === 'Benna–Fusi m=6')?.slope10to1000 ?? Number.NaN)} on t ∈ [10, 1000]; the power-law range grows by ×${growth.map((g) => fmt(g, 2)).join(', ×')} per added variable (expected ≈ 4).`,
        `powerLawMultiscale presets: ${pl.map((s) => `${s.series} has slope ${fmt(s.slope10to1000)}`).join('; ')}.`,
      ],
    };
  },
};

const lifetime: Experiment = {
  name: 'lifetime',
  title: 'Memory lifetime (Benna & Fusi)',
  backend: 'wasm',
  async run({ seed, quick, sizes, onProgress }) {
    const result = await runLifetime({
      seed,
      quick,
      ...(sizes ? { sizes } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
    const simulated = result.rows.filter((r) => Number.isFinite(r.simulated));
    const bf = result.rows.filter((r) => r.model.startsWith('Benna–Fusi'));
    const [lastButOne, last] = bf.slice(-2);
    const tailSlope =
      lastButOne && last
        ? Math.log(last.closedForm / lastButOne.closedForm) / Math.log(last.N / lastButOne.N)
        : Number.NaN;
    const worst = Math.max(...simulated.map((r) => Math.abs(r.relativeError)));
    return {
      name: 'lifetime',
      title: 'Memory lifetime (Benna & Fusi)',
      table: {
        columns: [
          'synapse',
          'N',
          'lifetime, closed form',
          'lifetime, simulated',
          'sim/closed − 1',
          'noise sim/closed',
        ],
        rows: result.rows
          .filter((r) => Number.isFinite(r.simulated) || !quick)
          .map((r) => [
            r.model,
            fmt(r.N),
            fmt(r.closedForm),
            fmt(r.simulated),
            fmt(r.relativeError, 2),
            fmt(r.noiseRatio),
          ]),
      },
      data: result,
      chart: lifetimeChart(result),
      findings: [
        `Closed form and tfjs simulation agree to within ${fmt(100 * worst, 2)}% on every simulated lifetime (N = ${[...new Set(simulated.map((r) => r.N))].join(', ')}).`,
        ...result.slopes.map(
          (s) =>
            `${s.model}: log–log slope of lifetime against N is ${fmt(s.closedFormSlope)} (closed form) and ${fmt(s.simulatedSlope)} (simulated); ${fmt(s.stepsPerDecade)} steps per decade of N; slowest timescale ${fmt(result.slowestTimescales[s.model] ?? Number.NaN)} steps.`,
        ),
        `Beyond Benna–Fusi's slowest timescale the growth slows: between N = ${fmt(lastButOne?.N ?? Number.NaN)} and ${fmt(last?.N ?? Number.NaN)} (lifetimes ${fmt(lastButOne?.closedForm ?? Number.NaN)} → ${fmt(last?.closedForm ?? Number.NaN)} steps) the closed-form slope is ${fmt(tailSlope)}.`,
      ],
    };
  },
};

const drift: Experiment = {
  name: 'drift',
  title: 'Learning under 1/f drift',
  backend: 'cpu',
  async run({ seed, quick, extraLearners, onProgress }) {
    const result = runDrift({
      seed,
      quick,
      steps: quick ? 2000 : 20_000,
      learners: [...driftLearners(), ...(extraLearners ?? [])],
      ...(onProgress ? { onProgress } : {}),
    });
    const by = (name: string) => result.rows.find((r) => r.learner === name);
    const single = ['tf.train.sgd', 'tf.train.momentum', 'tf.train.adam']
      .map(by)
      .filter((r) => r !== undefined);
    const bestSingle = single.reduce((a, b) => (b.ratioMean < a.ratioMean ? b : a));
    const ms = by('multiscale (derived)');
    const others = result.rows.filter((r) => r.learner !== 'Kalman filter (exact)');
    const best = others.reduce((a, b) => (b.ratioMean < a.ratioMean ? b : a));
    const p = result.problem;
    return {
      name: 'drift',
      title: 'Learning under 1/f drift',
      table: {
        columns: ['learner', 'MSE / KF MSE (mean ± std)', 'MSE', 'tuned hyperparameters', 'grid'],
        rows: result.rows.map((r) => [
          r.learner,
          `${fmt(r.ratioMean, 4)} ± ${fmt(r.ratioStd, 2)}`,
          fmt(r.mse, 4),
          hyper(r.hyperparameters),
          String(r.gridSize),
        ]),
      },
      data: result,
      chart: driftChart(result),
      findings: [
        `Problem: d = ${p.dim}, K = ${p.timescales.length} AR(1) components with τ = ${p.timescales.map((t) => fmt(t)).join(', ')}, noise σ = ${p.noise}, ${p.steps} steps (first ${p.burnIn} not scored), ${result.seeds} evaluation seeds.`,
        ms
          ? `Derived multiscale: ${fmt(ms.ratioMean, 4)}× the Kalman filter; best single-timescale learner (${bestSingle.learner}): ${fmt(bestSingle.ratioMean, 4)}×. Multiscale ${ms.ratioMean < bestSingle.ratioMean ? 'beats' : 'does not beat'} every single-timescale learner.`
          : 'No multiscale learner ran.',
        `Best learner overall: ${best.learner} at ${fmt(best.ratioMean, 4)}× the Kalman filter.`,
      ],
    };
  },
};

const switching: Experiment = {
  name: 'task-switching',
  title: 'Task switching (catastrophic forgetting and savings)',
  backend: 'cpu',
  async run({ seed, quick, onProgress }) {
    const result = runTaskSwitching({
      seed,
      quick,
      blockSteps: quick ? 100 : 200,
      blocks: quick ? 4 : 6,
      replicas: quick ? 3 : 5,
      ...(onProgress ? { onProgress } : {}),
    });
    const best = result.rows.reduce((a, b) => (b.savingsMean > a.savingsMean ? b : a));
    const lowest = result.rows.reduce((a, b) => (b.onlineLoss < a.onlineLoss ? b : a));
    const sgd = result.rows.find((r) => r.learner === 'tf.train.sgd') ?? result.rows[0];
    const interval = (r: TaskSwitchingRow) => meanInterval(r.savings);
    const vsSgd = result.rows
      .filter((r) => r !== sgd)
      .map((r) => ({ learner: r.learner, d: pairedComparison(r.savings, sgd?.savings ?? []) }));
    const leastForgetting = result.rows.reduce((a, b) =>
      b.forgettingMean < a.forgettingMean ? b : a,
    );
    const mostForgetting = result.rows.reduce((a, b) =>
      b.forgettingMean > a.forgettingMean ? b : a,
    );
    return {
      name: 'task-switching',
      title: 'Task switching (catastrophic forgetting and savings)',
      table: {
        columns: [
          'learner',
          'savings (mean, 95% interval)',
          'task-A loss after B / before B',
          'online loss',
          'tuned hyperparameters',
        ],
        rows: result.rows.map((r) => [
          r.learner,
          `${fmt(r.savingsMean, 3)} [${fmt(interval(r).lo, 2)}, ${fmt(interval(r).hi, 2)}]`,
          fmt(r.forgettingMean),
          fmt(r.onlineLoss),
          hyper(r.hyperparameters),
        ]),
      },
      data: result,
      chart: taskSwitchingChart(result),
      findings: [
        `${result.blocks} blocks of ${result.blockSteps} steps, ${result.replicas} students; savings = 1 − (task-A loss in the first ${result.savingsSteps} steps of returning A blocks)/(the same in the first A block).`,
        `Largest savings: ${best.learner} (${fmt(best.savingsMean)}); lowest online loss: ${lowest.learner} (${fmt(lowest.onlineLoss)}).`,
        `Savings against ${sgd?.learner} (paired over the same ${result.replicas} students, 95% t-interval of the difference): ${vsSgd
          .map(
            ({ learner, d }) =>
              `${learner} ${d.mean >= 0 ? '+' : ''}${fmt(d.mean, 2)} [${fmt(d.lo, 2)}, ${fmt(d.hi, 2)}], ${d.significant ? `significant (p = ${fmt(d.p, 2)})` : 'not significant'}`,
          )
          .join('; ')}.`,
        vsSgd.some(({ d }) => d.significant)
          ? 'Some savings differ significantly from SGD (no correction for the multiple comparisons).'
          : "No learner's savings differ significantly from SGD's at this scale.",
        `Least forgetting over a B block: ${leastForgetting.learner} (task-A loss ×${fmt(leastForgetting.forgettingMean)}, against ×${fmt(mostForgetting.forgettingMean)} for ${mostForgetting.learner}), with online loss ${fmt(leastForgetting.onlineLoss)}.`,
      ],
    };
  },
};

const digits: Experiment = {
  name: 'digits',
  title: 'Continual learning on handwritten digits (real data)',
  backend: 'wasm',
  async run({ seed, quick, stream, onProgress }) {
    const { runDigits, digitPools, quickDigitSchedules, fullDigitSchedules } = await import(
      './digits.js'
    );
    const { loadMnist } = await import('./data/mnist.js');
    const { poolDigits } = await import('./data/digits.js');
    const pools = digitPools(poolDigits(loadMnist(), 2), seed);
    const schedules = (quick ? quickDigitSchedules : fullDigitSchedules).map((s) => ({
      ...s,
      stream: stream ?? 'permuted',
      ...(stream === 'split' ? { tasks: Math.min(s.tasks, 5) } : {}),
    }));
    const result = runDigits({
      seed,
      pools,
      quick,
      schedules,
      ...(onProgress ? { onProgress } : {}),
    });
    const { digitsReport } = await import('./real-data-reports.js');
    return { name: 'digits', title: this.title, data: result, ...digitsReport(result) };
  },
};

const series: Experiment = {
  name: 'series',
  title: 'Online prediction of a real time series',
  backend: 'cpu',
  async run({ seed, quick, series, onProgress }) {
    const { runSeries } = await import('./series.js');
    const { seattleWeather } = await import('./data/series.js');
    const result = runSeries(series ?? seattleWeather('temp_max'), {
      quick,
      seed,
      ...(onProgress ? { onProgress } : {}),
    });
    const { seriesReport } = await import('./real-data-reports.js');
    return { name: 'series', title: this.title, data: result, ...seriesReport(result) };
  },
};

/** Every experiment the CLI, notebooks and site can run, in `all` order (see `experimentNames`). */
export const experiments: readonly Experiment[] = [
  forgetting,
  lifetime,
  drift,
  switching,
  digits,
  series,
];
if (experiments.some((e, i) => e.name !== experimentNames[i])) {
  throw new Error('registry: experiments and experimentNames disagree');
}

/** Markdown for a set of reports: a title per experiment, its table, and its findings. */
export function reportMarkdown(reports: readonly ExperimentReport[], command: string): string {
  const lines = [
    '# Experiment results',
    '',
    `Generated by \`${command}\`; do not edit by hand.`,
    '',
  ];
  for (const r of reports) lines.push(...sectionLines(r));
  return lines.join('\n');
}

function sectionLines(r: ExperimentReport, command?: string): string[] {
  const lines = [`## ${r.title}`, ''];
  if (command) lines.push(`Section generated by \`${command}\`.`, '');
  lines.push(
    `| ${r.table.columns.join(' | ')} |`,
    `| ${r.table.columns.map(() => '---').join(' | ')} |`,
  );
  for (const row of r.table.rows) lines.push(`| ${row.join(' | ')} |`);
  lines.push('', ...r.findings.map((f) => `- ${f}`), '');
  return lines;
}

/**
 * Rewrites only the sections of `existing` (a file `reportMarkdown` wrote) whose titles match the
 * reports, and appends the others; each rewritten section names the command that made it. Lets
 * one experiment refresh its part of RESULTS.md without rerunning the rest.
 */
export function mergeReportMarkdown(
  existing: string,
  reports: readonly ExperimentReport[],
  command: string,
): string {
  const parts = existing.split(/^(?=## )/m);
  const head = parts[0] ?? '';
  const sections = parts.slice(1);
  for (const r of reports) {
    const text = sectionLines(r, command).join('\n');
    const i = sections.findIndex((s) => s.startsWith(`## ${r.title}\n`));
    if (i >= 0) sections[i] = `${text}\n`;
    else sections.push(`${text}\n`);
  }
  return `${head}${sections.join('')}`.replace(/\n+$/, '\n');
}
