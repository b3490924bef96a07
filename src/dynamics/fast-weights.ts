import { checkKeys, finite, inRange } from '../validate.js';
import type { LinearDynamics } from './linear-dynamics.js';
import { multiscaleDynamics } from './multiscale.js';

/** Constants of a fast-weight learner. */
export interface FastWeightOptions {
  /** Learning rate of the slow part, which never decays. */
  slowLearningRate: number;
  /** Learning rate of the fast part. */
  fastLearningRate: number;
  /** Retention γ_f of the fast part per step, in [0, 1]: it decays by 1 − γ_f; 0 forgets at once. */
  fastRetention: number;
}

/** The option names of `FastWeightOptions`. */
export const FAST_WEIGHT_KEYS = ['slowLearningRate', 'fastLearningRate', 'fastRetention'] as const;

/**
 * Validates the options (unknown keys throw, labelled `where`; `extraKeys` are the caller's own
 * options) and returns them as multiscale constants (slow first).
 */
export function fastWeightConstants(
  where: string,
  options: FastWeightOptions,
  extraKeys: readonly string[] = [],
): { alpha: number[]; gamma: number[] } {
  checkKeys(where, options, [...FAST_WEIGHT_KEYS, ...extraKeys]);
  const slow = finite(where, 'slowLearningRate', options.slowLearningRate);
  const fast = finite(where, 'fastLearningRate', options.fastLearningRate);
  const retention = inRange(where, 'fastRetention', options.fastRetention, 0, 1);
  return { alpha: [slow, fast], gamma: [1, retention] };
}

/**
 * Fast weights (Hinton & Plaut 1987; Ba et al. 2016): the two-part multiscale optimizer whose
 * slow part never decays and whose fast part learns quickly and forgets.
 *
 * $$ \omega_s \leftarrow \omega_s - \alpha_s g, \quad
 *    \omega_f \leftarrow \gamma_f\,\omega_f - \alpha_f g, \quad w = \omega_s + \omega_f $$
 * @example
 * fastWeightDynamics({slowLearningRate: 0.01, fastLearningRate: 0.5, fastRetention: 0.9})
 */
export function fastWeightDynamics(options: FastWeightOptions): LinearDynamics {
  return multiscaleDynamics(fastWeightConstants('fastWeightDynamics', options));
}
