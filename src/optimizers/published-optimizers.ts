import { type AggmoOptions, aggmoSystem } from '../dynamics/aggmo.js';
import { type ComplexSynapseOptions, complexSynapseSystem } from '../dynamics/complex-synapse.js';
import { type QhmOptions, qhmSystem } from '../dynamics/qhm.js';
import { type CoupledForm, type DiagonalForm, type FormOption, run } from './factories.js';
import type { LinearDynamicsOptimizer } from './linear-dynamics-optimizer.js';
import type { MultiscaleOptimizer } from './multiscale-optimizer.js';
import { registerRecipe, withRecipe } from './recipe.js';

/**
 * Aggregated momentum (Lucas, Sun, Zemel & Grosse, ICLR 2019) as a `tf.Optimizer`, matching
 * AtheMathmo/AggMo (`src/aggmo.py`):
 *
 * $$ v_k \leftarrow \beta_k v_k + g, \qquad w \leftarrow w - \frac{\eta}{K}\sum_k v_k $$
 *
 * By default it runs as its multiscale equivalent (one slow subweight and one negative fast
 * subweight per β_k > 0); `form: 'coupled'` runs the K velocities themselves.
 * @example
 * aggmo({learningRate: 0.1, betas: [0, 0.9, 0.99]}).gamma // [1, 0.99, 0.9]
 */
export function aggmo(options: AggmoOptions & DiagonalForm): MultiscaleOptimizer;
export function aggmo(options: AggmoOptions & CoupledForm): LinearDynamicsOptimizer;
export function aggmo(
  options: AggmoOptions & FormOption,
): MultiscaleOptimizer | LinearDynamicsOptimizer;
export function aggmo(
  options: AggmoOptions & FormOption,
): MultiscaleOptimizer | LinearDynamicsOptimizer {
  const where = 'aggmo';
  const dynamics = aggmoSystem(where, options, ['form']);
  return withRecipe(run(where, dynamics, options.form), where, options);
}

/**
 * Quasi-hyperbolic momentum (Ma & Yarats, ICLR 2019) as a `tf.Optimizer`, matching
 * facebookresearch/qhoptim's `QHM` (`qhoptim/pyt/qhm.py`):
 *
 * $$ v \leftarrow \beta v + (1-\beta) g, \qquad w \leftarrow w - \eta\big[(1-\nu) g + \nu v\big] $$
 *
 * ν = 1 is `tf.train.momentum(η(1−β), β)`, ν = β its Nesterov form, β = 0 plain SGD.
 * @example
 * qhm({learningRate: 1, momentum: 0.9, nu: 0.7}).alpha.length // 2
 */
export function qhm(options: QhmOptions & DiagonalForm): MultiscaleOptimizer;
export function qhm(options: QhmOptions & CoupledForm): LinearDynamicsOptimizer;
export function qhm(
  options: QhmOptions & FormOption,
): MultiscaleOptimizer | LinearDynamicsOptimizer;
export function qhm(
  options: QhmOptions & FormOption,
): MultiscaleOptimizer | LinearDynamicsOptimizer {
  const where = 'qhm';
  const dynamics = qhmSystem(where, options, ['form']);
  return withRecipe(run(where, dynamics, options.form), where, options);
}

/**
 * The complex synapse of GMvandeVen/complex-synapses (`complex_synapses.py`, `ComplexSynapse`):
 * a Benna–Fusi chain with that code's constants, its beaker-by-beaker (Gauss–Seidel) update and
 * its `init: 'same'`, so a PyTorch run can be reproduced here. The original's `lr`, `n_beakers`,
 * `alpha` and `beta` are `learningRate`, `beakers`, `shortestTimescale` and `longestTimescale`
 * (α is a learning rate everywhere else in this library). See `complexSynapseDynamics`.
 * @example
 * complexSynapse({learningRate: 0.1, beakers: 4}).gamma.length // 4
 */
export function complexSynapse(options?: ComplexSynapseOptions & DiagonalForm): MultiscaleOptimizer;
export function complexSynapse(
  options: ComplexSynapseOptions & CoupledForm,
): LinearDynamicsOptimizer;
export function complexSynapse(
  options?: ComplexSynapseOptions & FormOption,
): MultiscaleOptimizer | LinearDynamicsOptimizer;
export function complexSynapse(
  options: ComplexSynapseOptions & FormOption = {},
): MultiscaleOptimizer | LinearDynamicsOptimizer {
  const where = 'complexSynapse';
  const dynamics = complexSynapseSystem(where, options, ['form']);
  return withRecipe(run(where, dynamics, options.form), where, options);
}

registerRecipe('aggmo', aggmo);
registerRecipe('qhm', qhm);
registerRecipe('complexSynapse', complexSynapse);
