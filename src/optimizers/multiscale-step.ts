import * as tf from '@tensorflow/tfjs-core';
import { registerBuiltinKernels } from '../kernels/index.js';
import {
  hasMultiscaleStepKernel,
  runMultiscaleStepKernel,
} from '../kernels/multiscale-step-kernel.js';

// The fused kernels register with the module that dispatches to them (package.json lists
// dist/optimizers/*.js as having side effects, so bundlers keep this call).
registerBuiltinKernels();

/**
 * Constants of one multiscale step in the k−1-slot layout: subweight p (the pivot) lives inside w,
 * the other k−1 are the slot rows. With ω_p = w − Σ_r S_r,
 *
 * $$ S_r \leftarrow \gamma_r S_r - \alpha_r g, \qquad
 *    w \leftarrow \gamma_p w + \sum_r (\gamma_r - \gamma_p) S_r - \Big(\sum_i \alpha_i\Big) g $$
 */
export interface MultiscaleStepConstants {
  /** γ_p, the decay of the subweight stored in w. */
  pivotDecay: number;
  /** Σ_i α_i over all k subweights. */
  totalRate: number;
  /** γ_r for each slot row. */
  decays: number[];
  /** α_r for each slot row. */
  rates: number[];
  /** γ_r − γ_p for each slot row, computed in float64. */
  cross: number[];
}

/** Small constant tensors for the generic step, made once per optimizer and kept. */
export interface MultiscaleStepTensors {
  decays: tf.Tensor2D;
  rates: tf.Tensor2D;
  cross: tf.Tensor2D;
}

/** Creates (and `tf.keep`s) the column/row tensors the generic step multiplies by. */
export function stepTensors(c: MultiscaleStepConstants): MultiscaleStepTensors {
  const r = c.decays.length;
  return tf.tidy(() => ({
    decays: tf.keep(tf.tensor2d(c.decays, [r, 1])),
    rates: tf.keep(tf.tensor2d(c.rates, [r, 1])),
    cross: tf.keep(tf.tensor2d(c.cross, [1, r])),
  }));
}

/**
 * One multiscale step for one weight: the active backend's fused `MultiscaleStep` kernel when it
 * has one (see `src/kernels/`), otherwise `multiscaleStepOps`. `slot` is `[k−1, ...shape]` or null
 * when k = 1. Returns the new weight and slot; call inside `tf.tidy`.
 */
export function multiscaleStep(
  value: tf.Tensor,
  gradient: tf.Tensor,
  slot: tf.Tensor | null,
  c: MultiscaleStepConstants,
  t: MultiscaleStepTensors | null,
): { value: tf.Tensor; slot: tf.Tensor | null } {
  if (hasMultiscaleStepKernel()) return runMultiscaleStepKernel(value, gradient, slot, c);
  return multiscaleStepOps(value, gradient, slot, c, t);
}

/**
 * One multiscale step for one weight with generic tfjs ops (the path every backend can run).
 * `t` must be `stepTensors(c)` when `slot` is not null. Call inside `tf.tidy`.
 */
export function multiscaleStepOps(
  value: tf.Tensor,
  gradient: tf.Tensor,
  slot: tf.Tensor | null,
  c: MultiscaleStepConstants,
  t: MultiscaleStepTensors | null,
): { value: tf.Tensor; slot: tf.Tensor | null } {
  const decayed = c.pivotDecay === 1 ? value : tf.mul(value, c.pivotDecay);
  const learned = tf.sub(decayed, tf.mul(gradient, c.totalRate));
  if (slot === null || t === null) return { value: learned, slot: null };
  const n = value.size;
  const rows = tf.reshape(slot, [c.decays.length, n]);
  const g = tf.reshape(gradient, [1, n]);
  const nextRows = tf.sub(tf.mul(t.decays, rows), tf.mul(t.rates, g));
  const flowed = tf.reshape(tf.matMul(t.cross, rows), value.shape);
  return {
    value: tf.add(learned, flowed),
    slot: tf.reshape(nextRows, slot.shape),
  };
}
