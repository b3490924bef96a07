/**
 * The fused `TridiagonalStep` kernel of the `webgpu` backend: the coupled step of a chain (Benna–
 * Fusi beakers, momentum) in one WGSL pass, with no k×k product. For each entry a thread loads the
 * k state coordinates into registers (x_pivot = w, the others from the k−1 slot rows), computes
 *
 * $$ x_j' = l_j\,x_{j-1} + d_j\,x_j + u_j\,x_{j+1} + b_j\,g $$
 *
 * (three multiply-adds and one for the gradient per coordinate), and writes the new weight and slot
 * rows once: (2k+1)·4 bytes per weight, as for the multiscale step. Grid-stride loop over
 * 256-thread workgroups; `vec4<f32>` when n is a multiple of 4. Two outputs, so it runs through
 * `direct-pass.ts`.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { TridiagonalStepArgs } from '../tridiagonal-step-kernel.js';
import { lanes, runDirectPass, stepParams, stepShader } from './direct-pass.js';

/** WGSL of the step for k coordinates with w at `pivot`, on `width` floats per work item. */
export function tridiagonalStepWgsl(k: number, pivot: number, width: 1 | 4): string {
  const row = (j: number) => (j < pivot ? j : j - 1);
  const load = Array.from({ length: k }, (_, j) =>
    j === pivot ? `    let x${j} = value[i];` : `    let x${j} = slot[${row(j)}u * n + i];`,
  ).join('\n');
  const step = Array.from({ length: k }, (_, j) => {
    const terms = [`c.y * x${j}`, 'c.w * gi'];
    if (j > 0) terms.unshift(`c.x * x${j - 1}`);
    if (j < k - 1) terms.push(`c.z * x${j + 1}`);
    const target = j === pivot ? 'newValue[i]' : `newSlot[${row(j)}u * n + i]`;
    return `    {\n      let c = p.bands[${j}];\n      ${target} = ${terms.join(' + ')};\n    }`;
  }).join('\n');
  return stepShader(
    width,
    `  pad0 : u32,
  pad1 : u32,
  bands : array<vec4<f32>, ${k}>,`,
    `${load}\n${step}`,
  );
}

/** The uniform block: sizes, then (l_j, d_j, u_j, b_j) per coordinate. */
function bandParams(
  items: number,
  attrs: TridiagonalStepArgs['attrs'],
  backend: tf.KernelBackend,
): ArrayBuffer {
  const k = attrs.diag.length;
  const { buffer, f } = stepParams(items, k, backend);
  for (let j = 0; j < k; j++) {
    f[4 + 4 * j] = j > 0 ? (attrs.lower[j] as number) : 0;
    f[5 + 4 * j] = attrs.diag[j] as number;
    f[6 + 4 * j] = j < k - 1 ? (attrs.upper[j] as number) : 0;
    f[7 + 4 * j] = attrs.input[j] as number;
  }
  return buffer;
}

/** The `TridiagonalStep` kernel function for the `webgpu` backend. */
export function tridiagonalStepWebGPU({
  inputs,
  attrs,
  backend,
}: TridiagonalStepArgs): tf.TensorInfo[] {
  const { value, gradient, slot } = inputs;
  const k = attrs.diag.length;
  const n = value.shape.reduce((a, b) => a * b, 1);
  if ((k - 1) * n >= 2 ** 32) {
    throw new Error(`TridiagonalStep (webgpu): ${k - 1}·${n} slot entries exceed 32-bit indexing`);
  }
  const width = lanes(n);
  const items = n / width;
  return runDirectPass(backend, {
    key: `tridiagonalStep_k${k}_p${attrs.pivot}_v${width}`,
    code: tridiagonalStepWgsl(k, attrs.pivot, width),
    inputs: [value, gradient, slot],
    outputShapes: [value.shape, slot.shape],
    params: bandParams(items, attrs, backend),
    items,
  });
}
