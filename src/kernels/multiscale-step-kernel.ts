import type * as tf from '@tensorflow/tfjs-core';
import { hasFusedKernel, registerFusedKernel, runFusedKernel } from './register.js';

/**
 * Constants of one multiscale step in the k−1-slot layout, and the attributes of the
 * `MultiscaleStep` kernel: subweight p (the pivot) lives inside w, the other k−1 are the slot rows.
 * With ω_p = w − Σ_r S_r,
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

/**
 * Name of the fused multiscale-step kernel. A backend that registers a kernel under this name (see
 * `registerMultiscaleStepKernel`) runs every `MultiscaleOptimizer` step through it; any other
 * backend runs the generic tfjs-ops path.
 *
 * The kernel's contract, for a weight w of n entries and r = k−1 slot rows S (see
 * `MultiscaleStepConstants` for the math):
 * - **inputs** (`MultiscaleStepInputs`): `value` (w, float32, any shape), `gradient` (g, same shape),
 *   and, when k > 1, `slot` (S, shape `[r, ...shape]`, row-major: row i is entries i·n … i·n+n−1).
 * - **attrs** (`MultiscaleStepConstants`): the step constants as plain numbers and arrays.
 * - **outputs**: `[newValue, newSlot]` with the shapes of `value` and `slot` (just `[newValue]`
 *   when there is no slot), as fresh float32 tensors; the inputs are not modified.
 *
 * Fused and generic paths must agree to float32 rounding.
 */
export const MULTISCALE_STEP = 'MultiscaleStep';

/** Inputs of the `MultiscaleStep` kernel; `slot` is absent when k = 1. */
export interface MultiscaleStepInputs {
  value: tf.TensorInfo;
  gradient: tf.TensorInfo;
  slot?: tf.TensorInfo;
}

/** What a backend's `MultiscaleStep` implementation receives (`tf.KernelFunc`'s argument, typed). */
export interface MultiscaleStepArgs {
  inputs: MultiscaleStepInputs;
  attrs: MultiscaleStepConstants;
  /** The backend the kernel is registered for (cast it to that backend's class). */
  backend: tf.KernelBackend;
}

/** A backend implementation of `MultiscaleStep`: returns `[newValue]` or `[newValue, newSlot]`. */
export type MultiscaleStepKernelFunc = (args: MultiscaleStepArgs) => tf.TensorInfo[];

/**
 * Registers `kernelFunc` as the `MultiscaleStep` kernel of `backendName`, replacing an earlier
 * one (so a module that registers can be loaded twice, e.g. by a bundler and a test).
 * @example
 * // A backend without a fused kernel of its own can reuse another backend's (here: cpu's).
 * const cpuStep = tf.getKernel('MultiscaleStep', 'cpu');
 * registerMultiscaleStepKernel('my-backend', (args) => cpuStep.kernelFunc(args) as tf.TensorInfo[]);
 * tf.getKernel('MultiscaleStep', 'my-backend') !== undefined // true
 */
export function registerMultiscaleStepKernel(
  backendName: string,
  kernelFunc: MultiscaleStepKernelFunc,
): void {
  registerFusedKernel(MULTISCALE_STEP, backendName, kernelFunc);
}

/** Whether `backendName` (default: the active backend) has a fused `MultiscaleStep` kernel. */
export function hasMultiscaleStepKernel(backendName?: string): boolean {
  return hasFusedKernel(MULTISCALE_STEP, backendName);
}

/**
 * Runs the registered `MultiscaleStep` kernel of the active backend through the engine (so the
 * outputs are tracked by `tf.tidy` like any op's). Throws when the backend has none.
 */
export function runMultiscaleStepKernel(
  value: tf.Tensor,
  gradient: tf.Tensor,
  slot: tf.Tensor | null,
  constants: MultiscaleStepConstants,
): { value: tf.Tensor; slot: tf.Tensor | null } {
  const out = runFusedKernel(
    MULTISCALE_STEP,
    { value, gradient, slot: slot ?? undefined },
    constants,
  );
  return { value: out[0] as tf.Tensor, slot: slot === null ? null : (out[1] as tf.Tensor) };
}
