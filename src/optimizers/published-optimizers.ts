import { type AggmoOptions, aggmoDynamics } from '../dynamics/aggmo.js';
import { type ComplexSynapseOptions, complexSynapseDynamics } from '../dynamics/complex-synapse.js';
import { diagonalize } from '../dynamics/diagonalize.js';
import type { LinearDynamics } from '../dynamics/linear-dynamics.js';
import { type QhmOptions, qhmDynamics } from '../dynamics/qhm.js';
import { fail } from '../validate.js';
import { LinearDynamicsOptimizer } from './linear-dynamics-optimizer.js';
import { MultiscaleOptimizer } from './multiscale-optimizer.js';

/** `'diagonal'` (default): the equivalent multiscale optimizer; `'coupled'`: the original state. */
type PublishedForm = { form?: 'diagonal' | 'coupled' };

function build(where: string, dynamics: LinearDynamics, form: unknown) {
  if (form === undefined || form === 'diagonal') {
    const { alpha, gamma, initialShare } = diagonalize(dynamics);
    return new MultiscaleOptimizer({ alpha, gamma, initialShare });
  }
  if (form === 'coupled') return new LinearDynamicsOptimizer(dynamics);
  return fail(where, 'form', form, "it must be 'diagonal' or 'coupled'");
}

/**
 * Aggregated momentum (Lucas et al., ICLR 2019) as a `tf.Optimizer`, matching AtheMathmo/AggMo:
 *
 * $$ v_k \leftarrow \beta_k v_k + g, \qquad w \leftarrow w - \frac{\eta}{K}\sum_k v_k $$
 *
 * By default it runs as its multiscale equivalent (one slow subweight and one negative fast
 * subweight per β_k > 0); `form: 'coupled'` runs the K velocities themselves.
 * @example
 * aggmo({learningRate: 0.1, betas: [0, 0.9, 0.99]}).gamma // [1, 0.99, 0.9]
 */
export function aggmo(options: AggmoOptions & { form: 'coupled' }): LinearDynamicsOptimizer;
export function aggmo(options: AggmoOptions & { form?: 'diagonal' }): MultiscaleOptimizer;
export function aggmo(
  options: AggmoOptions & PublishedForm,
): MultiscaleOptimizer | LinearDynamicsOptimizer {
  return build('aggmo', aggmoDynamics(options, 'aggmo'), options?.form);
}

/**
 * Quasi-hyperbolic momentum (Ma & Yarats, ICLR 2019) as a `tf.Optimizer`, matching
 * facebookresearch/qhoptim's `QHM`:
 *
 * $$ v \leftarrow \beta v + (1-\beta) g, \qquad w \leftarrow w - \eta\big[(1-\nu) g + \nu v\big] $$
 *
 * ν = 1 is `tf.train.momentum(η(1−β), β)`, ν = β its Nesterov form.
 * @example
 * qhm({learningRate: 1, momentum: 0.9, nu: 0.7}).alpha.length // 2
 */
export function qhm(options: QhmOptions & { form: 'coupled' }): LinearDynamicsOptimizer;
export function qhm(options: QhmOptions & { form?: 'diagonal' }): MultiscaleOptimizer;
export function qhm(
  options: QhmOptions & PublishedForm,
): MultiscaleOptimizer | LinearDynamicsOptimizer {
  return build('qhm', qhmDynamics(options, 'qhm'), options?.form);
}

/**
 * The complex synapse of GMvandeVen/complex-synapses (`ComplexSynapse`): a Benna–Fusi chain with
 * that code's constants, its beaker-by-beaker (Gauss–Seidel) update and its `init: 'same'`, so a
 * PyTorch run can be reproduced here. See `complexSynapseDynamics` for the equations.
 * @example
 * complexSynapse({learningRate: 0.1, beakers: 4}).gamma.length // 4
 */
export function complexSynapse(
  options: ComplexSynapseOptions & { form: 'coupled' },
): LinearDynamicsOptimizer;
export function complexSynapse(
  options?: ComplexSynapseOptions & { form?: 'diagonal' },
): MultiscaleOptimizer;
export function complexSynapse(
  options: ComplexSynapseOptions & PublishedForm = {},
): MultiscaleOptimizer | LinearDynamicsOptimizer {
  return build('complexSynapse', complexSynapseDynamics(options, 'complexSynapse'), options.form);
}
