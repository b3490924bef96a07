import * as tf from '@tensorflow/tfjs-core';
import { registerBuiltinKernels } from '../kernels/index.js';
import {
  hasMultiscaleStepKernel,
  type MultiscaleStepConstants,
  runMultiscaleStepKernel,
} from '../kernels/multiscale-step-kernel.js';

export type { MultiscaleStepConstants };

// The fused kernels register with the module that dispatches to them (package.json lists
// dist/optimizers/*.js as having side effects, so bundlers keep this call).
registerBuiltinKernels();

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
 * when k = 1. `tensors` is called only on the generic path, so the fused kernels never make the
 * constant tensors they do not use. Returns the new weight and slot; call inside `tf.tidy`.
 */
export function multiscaleStep(
  value: tf.Tensor,
  gradient: tf.Tensor,
  slot: tf.Tensor | null,
  c: MultiscaleStepConstants,
  tensors: () => MultiscaleStepTensors,
): { value: tf.Tensor; slot: tf.Tensor | null } {
  if (hasMultiscaleStepKernel()) return runMultiscaleStepKernel(value, gradient, slot, c);
  return multiscaleStepOps(value, gradient, slot, c, slot === null ? null : tensors());
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
