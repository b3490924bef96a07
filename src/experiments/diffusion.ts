import { bennaFusiDynamics } from '../dynamics/benna-fusi.js';
import { diagonalize } from '../dynamics/diagonalize.js';
import type { LinearDynamics } from '../dynamics/linear-dynamics.js';
import { fail, integerAtLeast, positive } from '../validate.js';
import { logLogSlope, logSpace } from './stats.js';

/** Options of `ratioChainDynamics`. */
export interface RatioChainOptions {
  /** m ≥ 2, the number of beakers. */
  beakers: number;
  /** q_C = C_(ℓ+1)/C_ℓ > 1: each beaker is q_C times wider than the one before. */
  capacityRatio: number;
  /** q_G = G_(ℓ+1)/G_ℓ > 0 with q_C/q_G > 1: each tube conducts q_G times the one before. */
  tubeRatio: number;
  /** α > 0, how strongly the gradient enters beaker 1. Default 1. */
  learningRate?: number;
}

/** Largest outflow (G_(ℓ−1) + G_ℓ)/C_ℓ of any beaker: ≤ ½ keeps every γ in [0, 1). */
const MAX_OUTFLOW = 0.5;

/**
 * Capacities C_ℓ = q_C^(ℓ−1) and conductances G_ℓ = G_1·q_G^(ℓ−1) of a ratio chain, with G_1 the
 * largest value for which no beaker drains more than half its content per step,
 * max_ℓ (G_(ℓ−1) + G_ℓ)/C_ℓ = ½. By Gershgorin's theorem every eigenvalue of T = I − C⁻¹L then
 * lies in [0, 1): the chain relaxes without oscillating.
 * @example
 * ratioChainConstants({beakers: 3, capacityRatio: 2, tubeRatio: 0.5}).couplings // [0.5, 0.25, 0.125]
 */
export function ratioChainConstants(options: RatioChainOptions): {
  capacities: number[];
  couplings: number[];
} {
  const where = 'ratioChainDynamics';
  const m = integerAtLeast(where, 'beakers', options?.beakers, 2);
  const qC = positive(where, 'capacityRatio', options.capacityRatio);
  const qG = positive(where, 'tubeRatio', options.tubeRatio);
  if (qC <= 1) fail(where, 'capacityRatio', qC, 'it must be > 1 (deeper beakers are wider)');
  if (qC / qG <= 1) {
    fail(
      where,
      'capacityRatio / tubeRatio',
      qC / qG,
      'it must be > 1 so each beaker is slower than the one before',
    );
  }
  const capacities = Array.from({ length: m }, (_, l) => qC ** l);
  const unit = Array.from({ length: m }, (_, l) => qG ** l);
  let worst = 0;
  for (let l = 0; l < m; l++) {
    const out = ((l > 0 ? (unit[l - 1] as number) : 0) + (unit[l] as number)) / qC ** l;
    worst = Math.max(worst, out);
  }
  const first = MAX_OUTFLOW / worst;
  return { capacities, couplings: unit.map((u) => first * u) };
}

/**
 * A Benna–Fusi chain whose beakers and tubes grow geometrically: C_ℓ = q_C^(ℓ−1) and
 * G_ℓ = G_1·q_G^(ℓ−1) (see `ratioChainConstants` for G_1). Beaker ℓ relaxes on a timescale
 * τ_ℓ ∝ C_ℓ/G_ℓ = (q_C/q_G)^(ℓ−1), and a unit of water put into beaker 1 spreads like diffusion
 * in the capacity coordinate χ = Σ C, so the level of beaker 1 falls as a power law
 *
 * $$ h(t) \propto t^{-\theta}, \qquad \theta = \frac{\ln q_C}{\ln (q_C/q_G)} $$
 *
 * between the fastest and the slowest timescale (Benna & Fusi 2016: q_C = 2, q_G = ½, θ = ½).
 * @example
 * ratioChainDynamics({beakers: 4, capacityRatio: 2, tubeRatio: 0.5}).input // [-1, 0, 0, 0]
 */
export function ratioChainDynamics(options: RatioChainOptions): LinearDynamics {
  const { capacities, couplings } = ratioChainConstants(options);
  const learningRate = positive('ratioChainDynamics', 'learningRate', options.learningRate ?? 1);
  return bennaFusiDynamics({ learningRate, beakers: capacities.length, capacities, couplings });
}

/**
 * The forgetting exponent θ of a ratio chain, h(t) ∝ t^(−θ):
 *
 * $$ \theta = \frac{\ln q_C}{\ln(q_C/q_G)} $$
 *
 * Water that has spread over a capacity χ(t) leaves beaker 1 at level 1/χ. After n beakers
 * χ ∝ q_C^n and the time it took is t ∝ (q_C/q_G)^n, so χ ∝ t^θ.
 * @example
 * predictedExponent(2, 0.5) // 0.5
 */
export function predictedExponent(capacityRatio: number, tubeRatio: number): number {
  const qC = positive('predictedExponent', 'capacityRatio', capacityRatio);
  const qG = positive('predictedExponent', 'tubeRatio', tubeRatio);
  if (qC <= 1) fail('predictedExponent', 'capacityRatio', qC, 'it must be > 1');
  if (qC / qG <= 1) {
    fail('predictedExponent', 'capacityRatio / tubeRatio', qC / qG, 'it must be > 1');
  }
  return Math.log(qC) / Math.log(qC / qG);
}

/**
 * The impulse response h(t) = cᵀTᵗb at any (large) times t, from the diagonal form:
 *
 * $$ h(t) = -\sum_i \alpha_i \gamma_i^{\,t} $$
 *
 * exact up to rounding and O(k) per time, where iterating T would cost O(k²·t).
 * @example
 * impulseResponseAt(multiscaleDynamics({alpha: [1], gamma: [0.5]}), [0, 2]) // [-1, -0.25]
 */
export function impulseResponseAt(d: LinearDynamics, times: readonly number[]): number[] {
  const { alpha, gamma } = diagonalize(d);
  return times.map((t, j) => {
    if (!(t >= 0) || !Number.isFinite(t)) {
      fail('impulseResponseAt', `times[${j}]`, t, 'each must be a finite number ≥ 0');
    }
    let h = 0;
    for (let i = 0; i < alpha.length; i++) h -= (alpha[i] as number) * (gamma[i] as number) ** t;
    return h;
  });
}

/** A power-law fit of |h(t)| over a window. */
export interface MeasuredSlope {
  /** Least-squares slope of ln|h| against ln t (−θ for h ∝ t^(−θ)). */
  slope: number;
  /** The log-spaced times used. */
  times: number[];
  /** |h(t)| at those times. */
  response: number[];
}

/**
 * The log–log slope of |h(t)| by least squares over `points` log-spaced times from `from` to `to`
 * (default 40 points). For a ratio chain, choose the window well inside its timescales (see
 * `powerLawWindow`); the slope is then −`predictedExponent`.
 * @example
 * measuredSlope(multiscaleDynamics({alpha: [1], gamma: [1]}), {from: 1, to: 100}).slope // 0
 */
export function measuredSlope(
  d: LinearDynamics,
  window: { from: number; to: number; points?: number },
): MeasuredSlope {
  const from = positive('measuredSlope', 'from', window?.from);
  const to = positive('measuredSlope', 'to', window.to);
  if (to <= from) fail('measuredSlope', 'to', to, `it must be > from (${from})`);
  const points = integerAtLeast('measuredSlope', 'points', window.points ?? 40, 2);
  const times = logSpace(from, to, points);
  const response = impulseResponseAt(d, times).map(Math.abs);
  return { slope: logLogSlope(times, response), times, response };
}

/**
 * Where the ratio chain's power law holds: from 10× its fastest to a tenth of its slowest
 * timescale τ_i = −1/ln γ_i (a range that grows as (q_C/q_G)^m). Null when that range is empty
 * (too few beakers).
 * @example
 * powerLawWindow(ratioChainDynamics({beakers: 2, capacityRatio: 2, tubeRatio: 0.5})) // null
 */
export function powerLawWindow(d: LinearDynamics): { from: number; to: number } | null {
  const { gamma } = diagonalize(d);
  const tau = gamma.map((g) => (g > 0 ? -1 / Math.log(g) : 0));
  const from = Math.max(1, 10 * Math.max(1, tau[tau.length - 1] as number));
  const to = (tau[0] as number) / 10;
  return to > 2 * from ? { from, to } : null;
}

/**
 * The levels of every beaker t steps after one unit gradient (the state's impulse response
 * s(t) = Tᵗb), from the diagonal form s(t) = Σ_i v_i·(−α_i)·γ_iᵗ, so t may be large. Entry 0 is
 * h(t).
 * @example
 * stateResponseAt(multiscaleDynamics({alpha: [1, 2], gamma: [0.5, 0.25]}), 1) // [-0.5, -0.5]
 */
export function stateResponseAt(d: LinearDynamics, t: number): number[] {
  if (!(t >= 0) || !Number.isFinite(t))
    fail('stateResponseAt', 't', t, 'it must be finite and ≥ 0');
  const { alpha, gamma, basis } = diagonalize(d);
  return basis.map((row) =>
    row.reduce((acc, v, i) => acc - v * (alpha[i] as number) * (gamma[i] as number) ** t, 0),
  );
}
