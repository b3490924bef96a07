import { fail, finiteVector } from '../validate.js';
import type { LinearDynamics } from './linear-dynamics.js';

/** Per-timescale constants of a multiscale optimizer. */
export interface MultiscaleOptions {
  /** Learning rate α_i of each subweight. May be negative (momentum's fast part is). */
  alpha: readonly number[];
  /** Decay γ_i of each subweight per step, with |γ_i| ≤ 1. γ = 1 never forgets. */
  gamma: readonly number[];
}

/** Validates `alpha`/`gamma`: same non-zero length, finite, |γ| ≤ 1. */
export function checkMultiscale(where: string, options: MultiscaleOptions): void {
  if (options === null || typeof options !== 'object') {
    fail(where, 'options', options, 'pass {alpha, gamma}');
  }
  const gamma = finiteVector(where, 'gamma', options.gamma);
  finiteVector(where, 'alpha', options.alpha, gamma.length);
  gamma.forEach((g, i) => {
    if (Math.abs(g) > 1) fail(where, `gamma[${i}]`, g, 'each decay must satisfy |gamma| ≤ 1');
  });
}

/**
 * The multiscale optimizer (Jones, Mozer et al.): each weight is a sum of k subweights that learn
 * and forget at their own rates.
 *
 * $$ \omega_i \leftarrow \gamma_i\,\omega_i - \alpha_i\,\frac{\partial L}{\partial w}, \qquad
 *    w = \sum_i \omega_i $$
 *
 * As `LinearDynamics`: T = diag(γ), b = −α, c = (1, …, 1).
 * @example
 * multiscaleDynamics({alpha: [0.01, 0.5], gamma: [1, 0.9]})
 */
export function multiscaleDynamics(options: MultiscaleOptions): LinearDynamics {
  checkMultiscale('multiscaleDynamics', options);
  const { alpha, gamma } = options;
  return {
    transition: gamma.map((g, i) => gamma.map((_, j) => (i === j ? g : 0))),
    input: alpha.map((a) => -a),
    readout: gamma.map(() => 1),
  };
}
