import * as tf from '@tensorflow/tfjs-core';

/**
 * Registers `kernelFunc` as kernel `kernelName` of `backendName`, replacing an earlier one (so a
 * module that registers can be loaded twice, e.g. by a bundler and a test). The one registration
 * path of every fused kernel in this folder; `Args` is the kernel's typed argument.
 */
export function registerFusedKernel<Args>(
  kernelName: string,
  backendName: string,
  kernelFunc: (args: Args) => tf.TensorInfo[],
): void {
  if (tf.getKernel(kernelName, backendName) !== undefined) {
    tf.unregisterKernel(kernelName, backendName);
  }
  tf.registerKernel({
    kernelName,
    backendName,
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  });
}

/** Whether `backendName` (default: the active backend) has kernel `kernelName`. */
export function hasFusedKernel(kernelName: string, backendName: string = tf.getBackend()): boolean {
  return tf.getKernel(kernelName, backendName) !== undefined;
}

/**
 * Runs the active backend's kernel `kernelName` through the engine, so its outputs are tracked by
 * `tf.tidy` like any op's. `attrs` are plain numbers, strings and arrays.
 */
export function runFusedKernel(
  kernelName: string,
  inputs: Record<string, tf.Tensor | undefined>,
  attrs: object,
): tf.Tensor[] {
  const present: tf.NamedTensorMap = {};
  for (const [key, t] of Object.entries(inputs)) if (t !== undefined) present[key] = t;
  return tf.engine().runKernel<tf.Tensor[]>(kernelName, present, attrs as tf.NamedAttrMap);
}
