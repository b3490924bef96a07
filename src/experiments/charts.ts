import type * as Plot from '@observablehq/plot';
import { barChart } from '../plots/bar-chart.js';
import { lineChart } from '../plots/line-chart.js';
import type { DriftResult } from './drift-benchmark.js';
import type { ForgettingRow } from './forgetting.js';
import type { LifetimeResult } from './lifetime.js';
import type { TaskSwitchingResult } from './task-switching.js';

/** Forgetting curves on log–log axes (Benna–Fusi for m = 2, 4, 8, 12: ten colors at most). */
export function forgettingChart(rows: readonly ForgettingRow[]): Plot.PlotOptions {
  const shown = rows.filter((r) => {
    const m = /m=(\d+)/.exec(r.series);
    return (m === null || [2, 4, 8, 12].includes(Number(m[1]))) && r.trace > 1e-9;
  });
  return lineChart(shown, {
    title: 'Forgetting curves',
    subtitle: 'Trace of one unit gradient, relative to its size right after the step',
    xLabel: 'steps since the gradient t',
    yLabel: 'trace −h(t)/−h(0)',
    x: 't',
    y: 'trace',
    logX: true,
    logY: true,
    height: 380,
  });
}

/** Memory lifetime against N: closed-form curves and simulated points, log–log. */
export function lifetimeChart(result: LifetimeResult): Plot.PlotOptions {
  const finite = result.rows.filter((r) => Number.isFinite(r.closedForm));
  return lineChart(
    finite.map((r) => ({ N: r.N, lifetime: r.closedForm, series: r.model })),
    {
      title: 'Memory lifetime against the number of synapses',
      subtitle: 'Lines: closed form √N·h(t)/‖h‖ = 1. Dots: simulation with the tf.Optimizers',
      xLabel: 'synapses N',
      yLabel: 'lifetime (steps with SNR ≥ 1)',
      x: 'N',
      y: 'lifetime',
      logX: true,
      logY: true,
      points: finite
        .filter((r) => Number.isFinite(r.simulated))
        .map((r) => ({ N: r.N, lifetime: r.simulated, series: r.model })),
    },
  );
}

/** MSE relative to the exact Kalman filter, one bar per learner. */
export function driftChart(result: DriftResult): Plot.PlotOptions {
  return barChart(
    result.rows.map((r) => ({ x: r.learner, y: r.ratioMean })),
    {
      title: 'Learning under 1/f drift',
      subtitle: `MSE / Kalman-filter MSE, mean over ${result.seeds} seeds (1 = Bayes optimal)`,
      xLabel: 'learner',
      yLabel: 'MSE / KF MSE',
      width: 760,
    },
  );
}

/** Task-A loss over the block schedule, one curve per learner (log y). */
export function taskSwitchingChart(result: TaskSwitchingResult): Plot.PlotOptions {
  return lineChart(result.curves, {
    title: 'Task switching: loss on task A',
    subtitle: `Blocks of ${result.blockSteps} steps alternating A, B, A, …; mean of ${result.replicas} students`,
    xLabel: 'step',
    yLabel: 'task-A loss (MSE)',
    x: 'step',
    y: 'lossA',
    stroke: 'learner',
    logY: true,
  });
}
