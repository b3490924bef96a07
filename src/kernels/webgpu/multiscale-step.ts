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
 * has two outputs and runs through `split-step.ts`: one dispatch when the slot fits one storage
 * binding, else windows of rows and entries bound as byte ranges, so any k runs at any N whose slot
 * the device can hold (`maxBufferSize`). (At k = 1 nothing needs splitting: w and g are tensors
 * that tfjs's own ops have already bound whole.)
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { MultiscaleStepArgs } from '../multiscale-step-kernel.js';
import { lanes, WORKGROUP_SIZE, workgroupsFor } from './direct-pass.js';
import { largestGroups, type RowGroup, runSplitStep, type SplitStepSpec } from './split-step.js';

/** A group of slot rows; the first group also starts w′ from w and g. */
interface MultiscaleGroup extends RowGroup {
  first: boolean;
}

/**
 * The fused step as a `SplitStepSpec`: scalars (γ_p, Σα), one row (γ_r, α_r, γ_r − γ_p, 0) per
 * slot row. Rows are grouped by what one dispatch can bind (each row is read and written). The
 * first group computes
 * w′ = γ_p w − (Σα) g + Σ_group (γ_r − γ_p) S_r, later groups add their rows' terms to w′.
 * The row loop is unrolled, so a thread keeps its weight and gradient in registers.
 */
export function multiscaleSpec(attrs: MultiscaleStepArgs['attrs']): SplitStepSpec<MultiscaleGroup> {
  const rows = attrs.decays.length;
  return {
    kernel: 'MultiscaleStep',
    key: `MultiscaleStep_k${rows + 1}`,
    k: rows + 1,
    scalars: [attrs.pivotDecay, attrs.totalRate],
    rows: attrs.decays.map((d, r) => [d, attrs.rates[r] as number, attrs.cross[r] as number, 0]),
    groups: (split) =>
      largestGroups(rows, split, (size) => {
        const groups: MultiscaleGroup[] = [];
        for (let r = 0; r < rows; r += size) {
          const span = [r, Math.min(rows, r + size)] as const;
          groups.push({ read: span, write: span, first: r === 0 });
        }
        return groups;
      }),
    groupKey: (group) => (group.first ? 'first' : 'add'),
    body(group, read, write) {
      const start = group.first ? 'p.c.x * value[i] - p.c.y * gi' : 'newValue[i]';
      let code = `    var acc = ${start};`;
      for (let r = group.read[0]; r < group.read[1]; r++) {
        code += `
    {
      let c = p.rows[${r}];
      let s = ${read(r)};
      acc = acc + c.z * s;
      ${write(r)} = c.x * s - c.y * gi;
    }`;
      }
      return `${code}
    newValue[i] = acc;`;
    },
  };
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
  return runSplitStep(backend, multiscaleSpec(attrs), { value, gradient, slot }, lanes(n));
}
