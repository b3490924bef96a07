/**
 * The fused `MultiscaleStep` kernel of the `webgpu` backend: one WGSL pass per weight for any k.
 *
 * With r = k−1 slot rows S_r (row-major in one buffer, row r at offset r·n) and the pivot subweight
 * inside w, each thread handles entries i, i + T, i + 2T, … (T = threads in the dispatch, a
 * grid-stride loop over 256-thread workgroups) and for each one reads w, g and the r slot values
 * once and writes the new weight and the r new slot values once:
 *
 * $$ S_r' = \gamma_r S_r - \alpha_r g, \qquad
 *    w' = \gamma_p w - \Big(\sum_i \alpha_i\Big) g + \sum_r (\gamma_r - \gamma_p) S_r $$
 *
 * That is (2k+1)·4 bytes per weight, the least any implementation can move. When n is a multiple
 * of 4 the kernel works on `vec4<f32>` (16-byte loads and stores).
 *
 * k = 1 has one output and runs through tfjs's own program interface (`runWebGPUProgram`); k ≥ 2
 * has two outputs and runs through `direct-pass.ts`.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { MultiscaleStepArgs } from '../multiscale-step-kernel.js';
import {
  lanes,
  runDirectPass,
  stepParams,
  stepShader,
  WORKGROUP_SIZE,
  workgroupsFor,
} from './direct-pass.js';

/**
 * WGSL of the fused step for `rows` = k−1 ≥ 1 slot rows, on `width` floats per work item. The
 * row loop is unrolled, so a thread keeps its weight and gradient in registers.
 */
export function multiscaleStepWgsl(rows: number, width: 1 | 4): string {
  const body = Array.from(
    { length: rows },
    (_, r) => `
    {
      let c = p.rows[${r}];
      let j = ${r}u * n + i;
      let s = slot[j];
      acc = acc + c.z * s;
      newSlot[j] = c.x * s - c.y * gi;
    }`,
  ).join('');
  return stepShader(
    width,
    `  pivotDecay : f32,
  totalRate : f32,
  rows : array<vec4<f32>, ${rows}>,`,
    `    var acc = p.pivotDecay * value[i] - p.totalRate * gi;${body}
    newValue[i] = acc;`,
  );
}

/** The uniform block of `multiscaleStepWgsl`: sizes, then (γ_r, α_r, γ_r − γ_p, 0) per row. */
function multiscaleParams(
  items: number,
  attrs: MultiscaleStepArgs['attrs'],
  backend: tf.KernelBackend,
): ArrayBuffer {
  const rows = attrs.decays.length;
  const { buffer, f } = stepParams(items, rows, backend);
  f[2] = attrs.pivotDecay;
  f[3] = attrs.totalRate;
  for (let r = 0; r < rows; r++) {
    f[4 + 4 * r] = attrs.decays[r] as number;
    f[5 + 4 * r] = attrs.rates[r] as number;
    f[6 + 4 * r] = attrs.cross[r] as number;
  }
  return buffer;
}

/** The k = 1 step (w' = γ w − α g) as a tfjs `WebGPUProgram`: one input pair, one output. */
function sgdProgram(shape: number[], n: number, backend: tf.KernelBackend) {
  const width = lanes(n);
  const items = n / width;
  return {
    items,
    program: {
      variableNames: ['w', 'g'],
      outputShape: shape,
      // A flat layout; the shader indexes the buffers directly, not through tfjs's coordinates.
      dispatchLayout: { x: shape.map((_, i) => i) },
      dispatch: [workgroupsFor(items, backend), 1, 1] as [number, number, number],
      workgroupSize: [WORKGROUP_SIZE, 1, 1] as [number, number, number],
      outputComponent: width,
      variableComponents: [width, width],
      uniforms: 'items : u32, threads : u32, decay : f32, rate : f32,',
      shaderKey: `multiscaleStep1_${width}`,
      getUserCode: () => `
fn main(index : i32) {
  for (var i = u32(index); i < uniforms.items; i = i + uniforms.threads) {
    result[i] = uniforms.decay * w[i] - uniforms.rate * g[i];
  }
}
`,
    },
  };
}

interface ProgramBackend {
  runWebGPUProgram(
    program: object,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms?: Array<{ type: string; data: number[] }>,
  ): tf.TensorInfo;
}

/** The `MultiscaleStep` kernel function for the `webgpu` backend. */
export function multiscaleStepWebGPU({
  inputs,
  attrs,
  backend,
}: MultiscaleStepArgs): tf.TensorInfo[] {
  const { value, gradient, slot } = inputs;
  const n = value.shape.reduce((a, b) => a * b, 1);
  if (slot === undefined) {
    const { items, program } = sgdProgram(value.shape, n, backend);
    const out = (backend as unknown as ProgramBackend).runWebGPUProgram(
      program,
      [value, gradient],
      'float32',
      [
        { type: 'uint32', data: [items] },
        { type: 'uint32', data: [workgroupsFor(items, backend) * WORKGROUP_SIZE] },
        { type: 'float32', data: [attrs.pivotDecay] },
        { type: 'float32', data: [attrs.totalRate] },
      ],
    );
    return [out];
  }
  const rows = attrs.decays.length;
  const width = lanes(n);
  const items = n / width;
  if (rows * n >= 2 ** 32) {
    throw new Error(`MultiscaleStep (webgpu): ${rows}·${n} slot entries exceed 32-bit indexing`);
  }
  return runDirectPass(backend, {
    key: `multiscaleStep_r${rows}_v${width}`,
    code: multiscaleStepWgsl(rows, width),
    inputs: [value, gradient, slot],
    outputShapes: [value.shape, slot.shape],
    params: multiscaleParams(items, attrs, backend),
    items,
  });
}
