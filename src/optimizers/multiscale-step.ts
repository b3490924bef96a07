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
}

/** Creates (and `tf.keep`s) the column/row tensors the generic step multiplies by. */
export function stepTensors(c: MultiscaleStepConstants): MultiscaleStepTensors {
  const r = c.decays.length;
  return tf.tidy(() => ({
    decays: tf.keep(tf.tensor2d(c.decays, [r, 1])),
    rates: tf.keep(tf.tensor2d(c.rates, [r, 1])),
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
  const r = c.decays.length;
  const rows = tf.reshape(slot, [r, n]);
  const g = tf.reshape(gradient, [1, n]);
  const nextRows = tf.sub(tf.mul(t.decays, rows), tf.mul(t.rates, g));
  // Σ_r (γ_r − γ_p) S_r as elementwise ops over row slices, not a [1, r]·[r, n] matMul: tfjs's
  // webgpu matMul cannot fold its dispatch, so it exceeds the device limits at n ≥ 10⁷.
  let next = learned;
  for (let j = 0; j < r; j++) {
    const row = tf.reshape(tf.slice(rows, [j, 0], [1, n]), value.shape);
    next = tf.add(next, tf.mul(row, c.cross[j] as number));
  }
  return { value: next, slot: tf.reshape(nextRows, slot.shape) };
}
