import * as tf from '@tensorflow/tfjs-core';
import { hasFusedKernel, registerFusedKernel, runFusedKernel } from './register.js';

/**
 * Name of the fused tridiagonal linear-step kernel, used by `LinearDynamicsOptimizer` when the
 * transition T is tridiagonal and w reads one state coordinate (Benna–Fusi chains, momentum). The
 * full state x has k coordinates: coordinate `pivot` is the weight w, the others are the slot rows
 * in order. One step is
 *
 * $$ x_j \leftarrow l_j\,x_{j-1} + d_j\,x_j + u_j\,x_{j+1} + b_j\,g $$
 *
 * - **inputs**: `value` (w), `gradient` (g, same shape), `slot` (`[k−1, ...shape]`);
 * - **attrs** (`TridiagonalStepAttrs`);
 * - **outputs**: `[newValue, newSlot]`, fresh float32 tensors.
 */
export const TRIDIAGONAL_STEP = 'TridiagonalStep';

/** Attributes of `TridiagonalStep`: the bands of T (in w's units), b, and w's coordinate. */
export interface TridiagonalStepAttrs {
  /** Which state coordinate w is. */
  pivot: number;
  /** l_j = T[j][j−1] (l_0 = 0). */
  lower: number[];
  /** d_j = T[j][j]. */
  diag: number[];
  /** u_j = T[j][j+1] (u_{k−1} = 0). */
  upper: number[];
  /** b_j. */
  input: number[];
}

/** What a backend's `TridiagonalStep` receives. */
export interface TridiagonalStepArgs {
  inputs: { value: tf.TensorInfo; gradient: tf.TensorInfo; slot: tf.TensorInfo };
  attrs: TridiagonalStepAttrs;
  backend: tf.KernelBackend;
}

/** Registers a backend's `TridiagonalStep` implementation (replacing an earlier one). */
export function registerTridiagonalStepKernel(
  backendName: string,
  kernelFunc: (args: TridiagonalStepArgs) => tf.TensorInfo[],
): void {
  registerFusedKernel(TRIDIAGONAL_STEP, backendName, kernelFunc);
}

/** Whether `backendName` (default: the active backend) has a `TridiagonalStep` kernel. */
export function hasTridiagonalStepKernel(backendName?: string): boolean {
  return hasFusedKernel(TRIDIAGONAL_STEP, backendName);
}

/** Runs the active backend's `TridiagonalStep` through the engine. Call inside `tf.tidy`. */
export function runTridiagonalStepKernel(
  value: tf.Tensor,
  gradient: tf.Tensor,
  slot: tf.Tensor,
  attrs: TridiagonalStepAttrs,
): { value: tf.Tensor; slot: tf.Tensor } {
  const out = runFusedKernel(TRIDIAGONAL_STEP, { value, gradient, slot }, attrs);
  return { value: out[0] as tf.Tensor, slot: out[1] as tf.Tensor };
}

/**
 * The band and row of one coordinate j: where x_{j−1}, x_j, x_{j+1} live (array index 0 = w,
 * 1 = slot; offset in entries), with the ends pointing at x_j itself (their coefficient is 0).
 */
export function tridiagonalRows(
  k: number,
  pivot: number,
  n: number,
): { array: number; offset: number }[] {
  return Array.from({ length: k }, (_, j) =>
    j === pivot ? { array: 0, offset: 0 } : { array: 1, offset: (j < pivot ? j : j - 1) * n },
  );
}

/**
 * The tridiagonal step with generic tfjs ops (for backends without the kernel): a few
 * elementwise ops per coordinate, no k×k product. Call inside `tf.tidy`.
 */
export function tridiagonalStepOps(
  value: tf.Tensor,
  gradient: tf.Tensor,
  slot: tf.Tensor,
  attrs: TridiagonalStepAttrs,
): { value: tf.Tensor; slot: tf.Tensor } {
  const k = attrs.diag.length;
  const x = tf.unstack(slot);
  x.splice(attrs.pivot, 0, value);
  const term = (t: tf.Tensor, c: number) => (c === 1 ? t : tf.mul(t, c));
  const next = x.map((xj, j) => {
    let acc = term(xj, attrs.diag[j] as number);
    const l = j > 0 ? (attrs.lower[j] as number) : 0;
    const u = j < k - 1 ? (attrs.upper[j] as number) : 0;
    const b = attrs.input[j] as number;
    if (l !== 0) acc = tf.add(acc, term(x[j - 1] as tf.Tensor, l));
    if (u !== 0) acc = tf.add(acc, term(x[j + 1] as tf.Tensor, u));
    if (b !== 0) acc = tf.add(acc, term(gradient, b));
    return acc;
  });
  const newValue = next[attrs.pivot] as tf.Tensor;
  next.splice(attrs.pivot, 1);
  return { value: newValue, slot: tf.stack(next) };
}

/** One tridiagonal step: the active backend's kernel when it has one, else `tridiagonalStepOps`. */
export function tridiagonalStep(
  value: tf.Tensor,
  gradient: tf.Tensor,
  slot: tf.Tensor,
  attrs: TridiagonalStepAttrs,
): { value: tf.Tensor; slot: tf.Tensor } {
  return hasTridiagonalStepKernel()
    ? runTridiagonalStepKernel(value, gradient, slot, attrs)
    : tridiagonalStepOps(value, gradient, slot, attrs);
}
