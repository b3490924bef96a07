import { fail, finite, integerAtLeast, positive } from '../validate.js';

/**
 * A drift prior: the weight θ is a sum of independent AR(1) components, one per timescale,
 *
 * $$ \theta = \sum_i \theta_i, \qquad \theta_i(t+1) = \gamma_i\,\theta_i(t) + \varepsilon_i(t),
 *    \qquad \varepsilon_i \sim \mathcal N(0, q_i), $$
 *
 * with stationary variance p_i = q_i / (1 − γ_i²) per component.
 */
export interface DriftPrior {
  /** τ_i in steps, slowest first (the library's order for every per-timescale array). */
  timescales: number[];
  /** γ_i = e^{−1/τ_i}, the per-step retention of each component. */
  gamma: number[];
  /** p_i, the stationary variance of each component. */
  priorVariance: number[];
  /** q_i = p_i (1 − γ_i²), the variance each component gains per step. */
  processNoise: number[];
}

/** Options of `powerLaw`. */
export interface PowerLawOptions {
  /**
   * `[shortest, longest]`: the band of timescales, in steps, over which the spectrum is a power
   * law (a range; the returned arrays are ordered slowest first).
   */
  band: readonly [number, number];
  /** How many log-spaced timescales span the band (one per decade is enough for a smooth 1/f). */
  count: number;
  /** β in S(f) ∝ f^−β, between 0 and 2. Default 1 (1/f, equal variance per component). */
  exponent?: number;
  /** Total stationary variance of θ, Σ p_i. Default 1. */
  variance?: number;
}

/**
 * The retention γ = e^{−1/τ} of an AR(1) process with timescale τ steps (τ = ∞ gives γ = 1).
 * Throws for τ ≤ 0 or NaN. (Renamed from `timescaleDecay`: γ is a retention; see the notation page.)
 * @example
 * timescaleRetention(10) // 0.9048374180359595
 */
export function timescaleRetention(
  timescale: number,
  where = 'timescaleRetention',
  name = 'timescale',
) {
  if (typeof timescale !== 'number' || Number.isNaN(timescale) || !(timescale > 0)) {
    fail(where, name, timescale, 'a timescale must be a number of steps > 0 (Infinity allowed)');
  }
  return Math.exp(-1 / timescale);
}

/**
 * A prior whose spectrum is a power law f^−β over a band of timescales: `count` log-spaced
 * timescales τ_i spanning the band, with stationary variances p_i ∝ τ_i^{β−1}. Every array is
 * ordered slowest first (τ_1 the longest), like `diagonalize` and every optimizer.
 *
 * Why it works: an AR(1) component with timescale τ and variance p has a Lorentzian spectrum
 * S_τ(f) ≈ 2pτ / (1 + (2πfτ)²). Summing Lorentzians spaced evenly in log τ with weight
 * p(τ) ∝ τ^{β−1} approximates ∫ τ^β / (1 + (2πfτ)²) d log τ ∝ f^{−β} for 1/(2π τ_max) ≪ f ≪
 * 1/(2π τ_min). With β = 1 every component carries the same variance (Jones et al., ICLR 2023).
 * @example
 * const prior = powerLaw({band: [1, 1e4], count: 5, variance: 5}); // γ, p_i = 1 each, q_i
 * prior.timescales // [10000, 1000, 100, 10, 1]
 */
export function powerLaw(options: PowerLawOptions): DriftPrior {
  const where = 'powerLaw';
  if (options === null || typeof options !== 'object') {
    fail(where, 'options', options, 'pass {band: [fastest, slowest], count}');
  }
  const { band } = options;
  if (!Array.isArray(band) || band.length !== 2) {
    fail(where, 'band', band, 'pass [fastest, slowest] timescales in steps');
  }
  const fastest = positive(where, 'band[0]', band[0]);
  const slowest = positive(where, 'band[1]', band[1]);
  if (slowest < fastest) fail(where, 'band', band, 'the slowest timescale must be ≥ the fastest');
  const count = integerAtLeast(where, 'count', options.count, 1);
  const exponent = finite(where, 'exponent', options.exponent ?? 1);
  if (!(exponent > 0 && exponent < 2)) {
    fail(where, 'exponent', exponent, 'a sum of AR(1) processes makes f^−β only for 0 < β < 2');
  }
  const variance = positive(where, 'variance', options.variance ?? 1);
  const timescales = Array.from({ length: count }, (_, i) =>
    count === 1 ? Math.sqrt(fastest * slowest) : slowest * (fastest / slowest) ** (i / (count - 1)),
  );
  const raw = timescales.map((tau) => tau ** (exponent - 1));
  const total = raw.reduce((a, b) => a + b, 0);
  const priorVariance = raw.map((r) => (variance * r) / total);
  const gamma = timescales.map((tau) => timescaleRetention(tau, where));
  const processNoise = priorVariance.map((p, i) => p * (1 - (gamma[i] as number) ** 2));
  return { timescales, gamma, priorVariance, processNoise };
}

/**
 * The power spectral density of θ = Σ θ_i at frequencies f (cycles per step, 0 < f ≤ ½):
 * S(f) = Σ_i q_i / |1 − γ_i e^{−2πif}|², with q_i = p_i (1 − γ_i²).
 */
export function driftSpectrum(
  prior: Pick<DriftPrior, 'gamma' | 'priorVariance'>,
  frequencies: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(frequencies.length);
  for (let n = 0; n < frequencies.length; n++) {
    const c = Math.cos(2 * Math.PI * (frequencies[n] as number));
    let s = 0;
    prior.gamma.forEach((g, i) => {
      const q = (prior.priorVariance[i] as number) * (1 - g * g);
      s += q / (1 - 2 * g * c + g * g);
    });
    out[n] = s;
  }
  return out;
}
