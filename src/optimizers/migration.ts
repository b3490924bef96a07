import * as tf from '@tensorflow/tfjs-core';
import { type MomentumOptions, momentumConstants } from '../dynamics/momentum.js';
import { recipeOf } from './recipe.js';

/** Another optimizer's saved state for one weight, converted into this library's slot. */
export interface ForeignSlot {
  /** The weight's name. */
  weight: string;
  /** The slot, `[slotRows, ...shape]`; the caller owns it. */
  slot: tf.Tensor;
}

/**
 * Converts one entry of another tfjs optimizer's `getWeights()` into the slot of `optimizer`, so
 * that `setWeights` continues that optimizer's trajectory. Returns null for state this library
 * has no meaning for. Supported:
 *
 * - `${name}/momentum` of `tf.train.momentum(η, β, nesterov)`, loaded into `momentum({learningRate:
 *   η, momentum: β, nesterov})` in either form. tfjs's accumulation is the velocity v of the tfjs
 *   convention, v ← βv + g. The coupled form stores v itself (times 1 − β under `ema: true`, the
 *   EMA convention's velocity for the same gradients); the diagonal form stores the fast
 *   subweight ω_f = ηβ·v/(1 − β) (ηβ²·v/(1 − β) with Nesterov), and the slow one is w − ω_f.
 * - `tf.train.sgd` keeps no state besides the step count, which every optimizer here restores.
 *
 * `slotName` is the receiving optimizer's slot (`'state'` coupled, `'subweights'` diagonal).
 * @example
 * const opt = momentum({learningRate: 0.1, momentum: 0.9, form: 'coupled'});
 * convertForeignSlot(opt, 'state', 'dense/kernel/momentum', tf.ones([3])).weight // 'dense/kernel'
 */
export function convertForeignSlot(
  optimizer: object,
  slotName: string,
  name: string,
  tensor: tf.Tensor,
): ForeignSlot | null {
  const suffix = '/momentum';
  const recipe = recipeOf(optimizer);
  if (!name.endsWith(suffix) || recipe?.factory !== 'momentum') return null;
  const options = recipe.options as unknown as MomentumOptions;
  const { eta, beta, gain, nesterov } = momentumConstants('momentum', options, ['form']);
  let factor: number;
  if (slotName === 'state') factor = gain;
  else if (slotName === 'subweights')
    factor = (gain * eta * beta * (nesterov ? beta : 1)) / (1 - beta);
  else return null;
  return {
    weight: name.slice(0, -suffix.length),
    slot: tf.tidy(() => tf.expandDims(tf.mul(tensor, factor), 0)),
  };
}
