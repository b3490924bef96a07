import * as tf from '@tensorflow/tfjs-core';

/** The parts of `@tensorflow/tfjs-backend-webgl`'s `GPGPUProgram` used here (one output each). */
export interface Program {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  packedInputs?: boolean;
  packedOutput?: boolean;
}

/** The parts of `MathBackendWebGL` used here. */
export interface WebGLBackendLike extends tf.KernelBackend {
  runWebGLProgram(program: Program, inputs: tf.TensorInfo[], dtype: 'float32'): tf.TensorInfo;
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void;
}

/** A float32 constant as a GLSL literal (exact: nine significant digits round-trip a float32). */
export function lit(x: number): string {
  return `(${Math.fround(x).toExponential(9)})`;
}

/** Runs another registered webgl kernel (Reshape, Slice, Sum …) on TensorInfos. */
export function call(
  name: string,
  backend: tf.KernelBackend,
  inputs: Record<string, tf.TensorInfo>,
  attrs: Record<string, unknown>,
): tf.TensorInfo {
  const kernel = tf.getKernel(name, 'webgl');
  if (kernel === undefined) throw new Error(`webgl: no ${name} kernel is registered`);
  return kernel.kernelFunc({
    inputs,
    backend,
    attrs: attrs as tf.NamedAttrMap,
  }) as tf.TensorInfo;
}
