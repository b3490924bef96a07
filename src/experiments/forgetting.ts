import { bennaFusiDynamics } from '../dynamics/benna-fusi.js';
import { fastWeightDynamics } from '../dynamics/fast-weights.js';
import { impulseResponse } from '../dynamics/impulse-response.js';
import type { LinearDynamics } from '../dynamics/linear-dynamics.js';
import { momentumDynamics } from '../dynamics/momentum.js';
import { multiscaleDynamics } from '../dynamics/multiscale.js';
import { integerAtLeast } from '../validate.js';
import { powerLawMultiscale } from './power-law.js';
import { logLogSlope } from './stats.js';

/** Options of `forgettingCurves`. */
export interface ForgettingOptions {
  /** How many steps of each impulse response to compute. Default 10⁵. */
  horizon?: number;
  /** Largest Benna–Fusi chain (m = 2 … maxVariables). Default 12. */
  maxVariables?: number;
  /** Points per curve kept for plotting, log-spaced. Default 120. */
  points?: number;
}

/** One point of a forgetting curve: the memory trace `t` steps after a unit gradient. */
export interface ForgettingRow {
  /** Curve name, e.g. `'Benna–Fusi m=6'`. */
  series: string;
  /** Steps since the gradient (1 = right after the step that applied it). */
  t: number;
  /** −h(t−1)/−h(0): the trace relative to its size right after the step. */
  trace: number;
}

/** Summary of one forgetting curve. */
export interface ForgettingSummary {
  series: string;
  /** Least-squares log–log slope of the trace over t ∈ [10, 1000]. */
  slope10to1000: number;
  /**
   * Where the power law ends: the first t ≥ 10 at which the local log–log slope (over a factor
   * 1.5 in t) falls below −1.5, i.e. the trace has turned exponential. `Infinity` within the horizon.
   */
  powerLawEnd: number;
}

/** The optimizers whose forgetting curves the experiment compares, as linear dynamics. */
export function forgettingModels(
  maxVariables = 12,
): Array<{ name: string; dynamics: LinearDynamics }> {
  integerAtLeast('forgettingModels', 'maxVariables', maxVariables, 2);
  const models = [
    {
      name: 'SGD + weight decay (γ=0.99)',
      dynamics: multiscaleDynamics({ alpha: [1], gamma: [0.99] }),
    },
    { name: 'momentum (β=0.9)', dynamics: momentumDynamics({ learningRate: 1, momentum: 0.9 }) },
    {
      name: 'fast weights',
      dynamics: fastWeightDynamics({
        slowLearningRate: 0.05,
        fastLearningRate: 0.95,
        fastRetention: 0.9,
      }),
    },
    {
      name: 'multiscale power law t^-1/2',
      dynamics: multiscaleDynamics(
        powerLawMultiscale({ exponent: 0.5, count: 12, fastest: 1, slowest: 1e4 }),
      ),
    },
    {
      name: 'multiscale power law t^-1',
      dynamics: multiscaleDynamics(
        powerLawMultiscale({ exponent: 1, count: 12, fastest: 1, slowest: 1e4 }),
      ),
    },
  ];
  for (let m = 2; m <= maxVariables; m++) {
    models.push({
      name: `Benna–Fusi m=${m}`,
      dynamics: bennaFusiDynamics({ learningRate: 1, beakers: m }),
    });
  }
  return models;
}

/**
 * Forgetting curves of SGD with weight decay, momentum, fast weights, power-law multiscale presets
 * and Benna–Fusi chains with m = 2…12, each from the core `impulseResponse` (float64), as
 * log-spaced rows for plotting plus a per-curve summary (log–log slope, where the power law ends).
 * Benna–Fusi's t^(−1/2) range should grow about 4× per added variable.
 * @example
 * const {rows, summary} = forgettingCurves({horizon: 1e4, maxVariables: 6});
 */
export function forgettingCurves(options: ForgettingOptions = {}): {
  rows: ForgettingRow[];
  summary: ForgettingSummary[];
} {
  const horizon = integerAtLeast('forgettingCurves', 'horizon', options.horizon ?? 1e5, 1000);
  const points = integerAtLeast('forgettingCurves', 'points', options.points ?? 120, 2);
  const rows: ForgettingRow[] = [];
  const summary: ForgettingSummary[] = [];
  const kept = new Set<number>();
  for (let j = 0; j < points; j++) kept.add(Math.round(horizon ** (j / (points - 1))));
  for (const { name, dynamics } of forgettingModels(options.maxVariables ?? 12)) {
    const h = impulseResponse(dynamics, horizon);
    const h0 = -(h[0] as number);
    const trace = (t: number) => -(h[t - 1] as number) / h0;
    for (const t of kept) rows.push({ series: name, t, trace: trace(t) });
    const window = [];
    for (let t = 10; t <= 1000; t = Math.ceil(t * 1.2)) window.push(t);
    let powerLawEnd = Number.POSITIVE_INFINITY;
    for (let t = 10; Math.ceil(t * 1.5) <= horizon; t = Math.ceil(t * 1.1)) {
      const t1 = Math.ceil(t * 1.5);
      const local = Math.log(trace(t1) / trace(t)) / Math.log(t1 / t);
      if (local < -1.5 || !(trace(t1) > 0)) {
        powerLawEnd = t;
        break;
      }
    }
    summary.push({
      series: name,
      slope10to1000: logLogSlope(window, window.map(trace)),
      powerLawEnd,
    });
  }
  return { rows, summary };
}
