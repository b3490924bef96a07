import { checkKeys, fail, finiteVector, positive } from '../validate.js';
import { timescaleRetention } from './power-law-prior.js';

/**
 * A multiscale optimizer described by one learning rate and its timescales, instead of α and γ.
 */
export interface LearningRateSpread {
  /**
   * The effective learning rate η = Σα_i: the step the first gradient takes, as in
   * `tf.train.sgd(η)`. It is split over the timescales by `shares`.
   */
  learningRate: number;
  /**
   * τ_i in steps, slowest first; `Infinity` for a subweight that never forgets (γ = 1). Each
   * γ_i = e^{−1/τ_i}. In float32 a finite τ must stay below about 3.4·10⁷ steps.
   */
  timescales: readonly number[];
  /** How η is split: α_i ∝ shares_i (normalized to sum 1). Default equal, α_i = η/k. */
  shares?: readonly number[];
}

/** The option names of `LearningRateSpread`. */
export const SPREAD_KEYS = ['learningRate', 'timescales', 'shares'] as const;

/**
 * α and γ from one effective learning rate spread over timescales:
 *
 * $$ \gamma_i = e^{-1/\tau_i}, \qquad \alpha_i = \eta\,\frac{s_i}{\sum_j s_j},
 *    \qquad \sum_i \alpha_i = \eta $$
 *
 * with equal shares s_i by default. The first step is SGD's step with rate η; afterwards each
 * subweight keeps what it learned for about τ_i steps, so the weight moves at η/k per step once the
 * faster parts have levelled off (with equal shares and one τ = ∞). To train as fast as a
 * `tf.train.momentum(η_m, β)` you trust, whose long-run rate is η_m/(1−β), give the slowest
 * subweight that rate: with equal shares, η = k·η_m/(1−β).
 * @example
 * spreadLearningRate('multiscale', {learningRate: 0.2, timescales: [Infinity, 10]}).alpha // [0.1, 0.1]
 */
export function spreadLearningRate(
  where: string,
  options: LearningRateSpread,
  extraKeys: readonly string[] = [],
): { alpha: number[]; gamma: number[] } {
  checkKeys(where, options, [...SPREAD_KEYS, ...extraKeys]);
  const eta = positive(where, 'learningRate', options.learningRate);
  if (!Array.isArray(options.timescales) || options.timescales.length === 0) {
    fail(where, 'timescales', options.timescales, 'pass a non-empty array of steps, slowest first');
  }
  const taus = options.timescales.map((tau, i) => {
    if (!(typeof tau === 'number' && tau > 0)) {
      fail(where, `timescales[${i}]`, tau, 'each must be a number of steps > 0 (Infinity allowed)');
    }
    return tau;
  });
  taus.forEach((tau, i) => {
    if (i > 0 && tau > (taus[i - 1] as number)) {
      fail(where, 'timescales', taus, 'order them slowest first (non-increasing)');
    }
  });
  const shares =
    options.shares === undefined
      ? taus.map(() => 1)
      : finiteVector(where, 'shares', options.shares, taus.length);
  shares.forEach((s, i) => {
    if (!(s >= 0)) fail(where, `shares[${i}]`, s, 'each must be ≥ 0');
  });
  const total = shares.reduce((a, b) => a + b, 0);
  if (!(total > 0)) fail(where, 'shares', shares, 'at least one share must be > 0');
  return {
    alpha: shares.map((s) => (eta * s) / total),
    gamma: taus.map((tau, i) => timescaleRetention(tau, where, `timescales[${i}]`)),
  };
}
