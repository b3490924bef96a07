import { checkKeys, fail, finiteVector } from '../validate.js';
import type { LinearDynamics } from './linear-dynamics.js';

/** Per-timescale constants of a multiscale optimizer, ordered slowest first. */
export interface MultiscaleOptions {
  /**
   * Learning rate α_i of each subweight. One may be negative (momentum's fast part is), but an
   * optimizer needs the effective learning rate η = Σα_i > 0.
   */
  alpha: readonly number[];
  /**
   * Retention γ_i of each subweight per step, with |γ_i| ≤ 1: the subweight decays by 1 − γ_i.
   * γ = 1 never forgets. In float32 (every tfjs backend) γ must be 1 or at most 1 − 2⁻²⁵, i.e.
   * timescales τ = −1/ln γ up to about 3.4·10⁷ steps; see `FLOAT32_RETENTION_LIMIT`.
   */
  gamma: readonly number[];
}

/**
 * Half the spacing of float32 numbers just below 1 (2⁻²⁵ ≈ 2.98·10⁻⁸): a retention γ < 1 with
 * 1 − γ below this rounds to γ = 1 in float32, and the subweight silently stops decaying.
 * The longest timescale a float32 optimizer can run is therefore τ = −1/ln γ ≈ 2²⁵ ≈ 3.4·10⁷
 * steps, and timescales above ~10⁶ steps already carry a visible rounding error in 1 − γ
 * (2⁻²⁴/(1 − γ) relative at worst).
 * @example
 * Math.fround(1 - FLOAT32_RETENTION_LIMIT / 2) // 1
 */
export const FLOAT32_RETENTION_LIMIT = 2 ** -25;

/**
 * Refuses a retention that float32 would round to 1 (a subweight meant to forget that would
 * never decay), naming its timescale. `name` labels the value in the error.
 * @example
 * checkFloat32Retention('myOptimizer', 'gamma', 0.999) // undefined: τ ≈ 1000 steps is fine
 */
export function checkFloat32Retention(where: string, name: string, gamma: number): void {
  if (gamma !== 1 && Math.fround(gamma) === 1) {
    fail(
      where,
      name,
      gamma,
      `its timescale τ = −1/ln γ ≈ ${(-1 / Math.log(gamma)).toPrecision(3)} steps is beyond ` +
        `float32's resolution: 1 − γ = ${(1 - gamma).toPrecision(3)} < 2⁻²⁵ ≈ 2.98e-8 rounds γ ` +
        'to 1 and the subweight would never decay. Use γ = 1 (never forget) or a timescale ' +
        'below ~3.4e7 steps',
    );
  }
}

/**
 * Validates `alpha`/`gamma`: same non-zero length, finite, |γ| ≤ 1. With `purpose: 'optimizer'`
 * (the default) also what a float32 `tf.Optimizer` needs: an effective learning rate Σα_i > 0
 * (Σα ≤ 0 makes the first step climb the gradient; refused rather than warned, as nothing a user
 * means by "optimizer" does that) and no γ that float32 rounds to 1. `'dynamics'` is float64 math,
 * where both are allowed.
 */
export function checkMultiscale(
  where: string,
  options: MultiscaleOptions,
  purpose: 'optimizer' | 'dynamics' = 'optimizer',
): void {
  if (Array.isArray(options)) {
    fail(where, 'options', options, 'pass one object {alpha: [...], gamma: [...]}');
  }
  if (options === null || typeof options !== 'object') {
    fail(where, 'options', options, 'pass {alpha, gamma}');
  }
  const gamma = finiteVector(where, 'gamma', options.gamma);
  const alpha = finiteVector(where, 'alpha', options.alpha, gamma.length);
  gamma.forEach((g, i) => {
    if (Math.abs(g) > 1) fail(where, `gamma[${i}]`, g, 'each retention must satisfy |gamma| ≤ 1');
  });
  if (purpose === 'dynamics') return;
  const eta = alpha.reduce((a, b) => a + b, 0);
  if (!(eta > 0)) {
    fail(
      where,
      'sum(alpha)',
      eta,
      'the effective learning rate η = Σα_i must be > 0; with Σα ≤ 0 the first step climbs ' +
        'the gradient (gradient ascent)',
    );
  }
  gamma.forEach((g, i) => {
    checkFloat32Retention(where, `gamma[${i}]`, g);
  });
}

/**
 * The multiscale optimizer (Jones, Mozer et al.): each weight is a sum of k subweights that learn
 * and forget at their own rates.
 *
 * $$ \omega_i \leftarrow \gamma_i\,\omega_i - \alpha_i\,g, \qquad w = \sum_i \omega_i $$
 *
 * As `LinearDynamics`: T = diag(γ), b = −α, c = (1, …, 1).
 * @example
 * multiscaleDynamics({alpha: [0.01, 0.5], gamma: [1, 0.9]})
 */
export function multiscaleDynamics(options: MultiscaleOptions): LinearDynamics {
  const where = 'multiscaleDynamics';
  checkKeys(where, options, ['alpha', 'gamma']);
  checkMultiscale(where, options, 'dynamics');
  const { alpha, gamma } = options;
  return {
    transition: gamma.map((g, i) => gamma.map((_, j) => (i === j ? g : 0))),
    input: alpha.map((a) => -a),
    readout: gamma.map(() => 1),
  };
}
