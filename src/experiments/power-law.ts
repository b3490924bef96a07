import { Matrix } from 'ml-matrix';
import { fail, integerAtLeast, positive } from '../validate.js';
import { nnls } from './nnls.js';
import { logSpace } from './stats.js';

/** Options of `powerLawMultiscale`. */
export interface PowerLawOptions {
  /** p > 0: the forgetting curve should fall as t^(−p). */
  exponent: number;
  /** Number of subweights k ≥ 2 (about two per decade of [fastest, slowest] fits well). */
  count: number;
  /** Start of the power-law range, in steps (≥ 1). */
  fastest: number;
  /** End of the power-law range, in steps (> fastest). */
  slowest: number;
  /** |h(t)| ≈ amplitude·t^(−p) over the range. Default 1. */
  amplitude?: number;
}

/**
 * A multiscale preset whose forgetting curve is a power law: k subweights with log-spaced
 * timescales τ_i (from fastest/2 to 2·slowest, so the ends of the range are not edges of the
 * basis), γ_i = exp(−1/τ_i), and learning rates α_i ≥ 0 fitted by non-negative least squares so
 * that the impulse response Σ_i α_i γ_i^t matches amplitude·t^(−p) in relative error at
 * log-spaced t between `fastest` and `slowest`.
 *
 * Why it works: t^(−p) = Γ(p)⁻¹ ∫₀^∞ s^(p−1) e^(−st) ds is a continuous mixture of
 * exponentials; log-spaced rates discretize that integral with α_i ∝ τ_i^(−p). The fit corrects
 * the ends of the range, where the discretization is truncated. `alpha` and `gamma` are ordered
 * slowest first.
 * @example
 * const {alpha, gamma} = powerLawMultiscale({exponent: 0.5, count: 10, fastest: 1, slowest: 1e4});
 * multiscale({alpha, gamma}) // a tf.Optimizer that forgets as t^(−1/2)
 */
export function powerLawMultiscale(options: PowerLawOptions): { alpha: number[]; gamma: number[] } {
  const where = 'powerLawMultiscale';
  const p = positive(where, 'exponent', options?.exponent);
  const k = integerAtLeast(where, 'count', options.count, 2);
  const fastest = positive(where, 'fastest', options.fastest);
  if (fastest < 1) fail(where, 'fastest', fastest, 'it must be ≥ 1 step');
  const slowest = positive(where, 'slowest', options.slowest);
  if (!(slowest > fastest)) fail(where, 'slowest', slowest, `it must exceed fastest = ${fastest}`);
  const amplitude = positive(where, 'amplitude', options.amplitude ?? 1);
  const taus = logSpace(fastest / 2, slowest * 2, k);
  const gamma = taus.map((tau) => Math.exp(-1 / tau));
  const samples = logSpace(fastest, slowest, Math.max(40, 12 * k));
  const A = new Matrix(samples.map((t) => gamma.map((g) => g ** t / t ** -p)));
  const alpha = nnls(
    A,
    samples.map(() => 1),
  ).map((a) => a * amplitude);
  // Slowest first, the library's order for every per-timescale array.
  return { alpha: alpha.reverse(), gamma: gamma.reverse() };
}
