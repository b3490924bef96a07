import { type BennaFusiOptions, bennaFusiDynamics } from '../dynamics/benna-fusi.js';
import { diagonalize } from '../dynamics/diagonalize.js';
import { type FastWeightOptions, fastWeightConstants } from '../dynamics/fast-weights.js';
import type { LinearDynamics } from '../dynamics/linear-dynamics.js';
import { type MomentumOptions, momentumDynamics } from '../dynamics/momentum.js';
import { fail } from '../validate.js';
import { LinearDynamicsOptimizer } from './linear-dynamics-optimizer.js';
import { type MultiscaleConfig, MultiscaleOptimizer } from './multiscale-optimizer.js';

/**
 * Which coordinates an optimizer runs in. `'diagonal'` (default) runs the eigenvector
 * reparameterization on the fast multiscale path; `'coupled'` runs the original coupled state.
 * Both produce the same weights up to float32 rounding.
 */
export type Form = 'diagonal' | 'coupled';

/** Options shared by optimizers that can run in either form. */
export interface FormOption {
  /** `'diagonal'` (default) or `'coupled'`. */
  form?: Form;
}

function run(where: string, dynamics: LinearDynamics, form: unknown) {
  if (form === undefined || form === 'diagonal') {
    const { alpha, gamma, initialShare } = diagonalize(dynamics);
    return new MultiscaleOptimizer({ alpha, gamma, initialShare });
  }
  if (form === 'coupled') return new LinearDynamicsOptimizer(dynamics);
  return fail(where, 'form', form, "it must be 'diagonal' or 'coupled'");
}

/**
 * The multiscale optimizer as a `tf.Optimizer`.
 * @example
 * model.compile({optimizer: multiscale({alpha: [0.01, 0.1], gamma: [1, 0.9]}), loss: 'meanSquaredError'})
 */
export function multiscale(config: MultiscaleConfig): MultiscaleOptimizer {
  return new MultiscaleOptimizer(config);
}

/**
 * Fast weights: a slow part that never decays plus a fast part that decays by `fastRetention`.
 * @example
 * fastWeights({slowLearningRate: 0.01, fastLearningRate: 0.3, fastRetention: 0.95})
 */
export function fastWeights(options: FastWeightOptions): MultiscaleOptimizer {
  return new MultiscaleOptimizer(fastWeightConstants('fastWeights', options));
}

/**
 * Momentum, by default as the negative fast weight it is (γ = (1, β), α_fast < 0); with
 * `form: 'coupled'` as the familiar velocity update. Matches `tf.train.momentum(η, β, nesterov)`.
 * @example
 * momentum({learningRate: 0.1, momentum: 0.9})
 */
export function momentum(
  options: MomentumOptions & FormOption,
): MultiscaleOptimizer | LinearDynamicsOptimizer {
  return run('momentum', momentumDynamics(options), options.form);
}

/**
 * The Benna–Fusi synapse, by default as its decoupled eigenmodes; `form: 'coupled'` runs the
 * chain of beakers itself.
 * @example
 * bennaFusi({learningRate: 0.5, beakers: 6})
 */
export function bennaFusi(
  options: BennaFusiOptions & FormOption,
): MultiscaleOptimizer | LinearDynamicsOptimizer {
  return run('bennaFusi', bennaFusiDynamics(options), options.form);
}

/**
 * Any linear optimizer, run in its coupled coordinates.
 * @example
 * linearDynamicsOptimizer(momentumDynamics({learningRate: 0.1, momentum: 0.9}))
 */
export function linearDynamicsOptimizer(dynamics: LinearDynamics): LinearDynamicsOptimizer {
  return new LinearDynamicsOptimizer(dynamics);
}
