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
 * `split-step.ts`: one dispatch when the slot fits one storage binding, else windows of
 * coordinates and entries bound as byte ranges (any k at any N the device can hold).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { TridiagonalStepArgs } from '../tridiagonal-step-kernel.js';
import { lanes } from './direct-pass.js';
import { largestGroups, type RowGroup, runSplitStep, type SplitStepSpec } from './split-step.js';

/** A group of coordinates [from, to) of the state; w is coordinate `pivot`, the others slot rows. */
interface CoordinateGroup extends RowGroup {
  coordinates: readonly [number, number];
}

/**
 * The slot rows of the non-pivot coordinates in [from, to) (clamped to 0 … k): slot row of
 * coordinate j is j below the pivot and j − 1 above it, so they are consecutive.
 */
function slotRowsOf(from: number, to: number, k: number, pivot: number): [number, number] {
  const row = (j: number) => (j < pivot ? j : j - 1);
  const a = Math.max(0, from);
  const b = Math.min(k, to);
  const first = a === pivot ? a + 1 : a;
  const last = b - 1 === pivot ? b - 2 : b - 1;
  return first > last ? [0, 0] : [row(first), row(last) + 1];
}

/**
 * The step as a `SplitStepSpec`, with rows (l_j, d_j, u_j, b_j) per coordinate. Coordinates are
 * grouped so a group's reads (its coordinates and one neighbour on each side) and writes fit the
 * slot bindings of one dispatch: the largest group size that fits.
 */
export function tridiagonalSpec(
  attrs: TridiagonalStepArgs['attrs'],
): SplitStepSpec<CoordinateGroup> {
  const k = attrs.diag.length;
  const { pivot } = attrs;
  const groupsOf = (size: number) => {
    const groups: CoordinateGroup[] = [];
    for (let j = 0; j < k; j += size) {
      const to = Math.min(k, j + size);
      groups.push({
        coordinates: [j, to],
        read: slotRowsOf(j - 1, to + 1, k, pivot),
        write: slotRowsOf(j, to, k, pivot),
      });
    }
    return groups;
  };
  return {
    kernel: 'TridiagonalStep',
    key: `TridiagonalStep_k${k}_p${pivot}`,
    k,
    scalars: [],
    rows: attrs.diag.map((d, j) => [
      j > 0 ? (attrs.lower[j] as number) : 0,
      d,
      j < k - 1 ? (attrs.upper[j] as number) : 0,
      attrs.input[j] as number,
    ]),
    groups: (split) => largestGroups(k, split, groupsOf),
    groupKey: (group) => `c${group.coordinates.join('-')}`,
    body(group, read, write) {
      const [from, to] = group.coordinates;
      const x = (j: number) => (j === pivot ? 'value[i]' : read(j < pivot ? j : j - 1));
      const lines: string[] = [];
      for (let j = Math.max(0, from - 1); j < Math.min(k, to + 1); j++) {
        lines.push(`    let x${j} = ${x(j)};`);
      }
      for (let j = from; j < to; j++) {
        const terms = [`c.y * x${j}`, 'c.w * gi'];
        if (j > 0) terms.unshift(`c.x * x${j - 1}`);
        if (j < k - 1) terms.push(`c.z * x${j + 1}`);
        const target = j === pivot ? 'newValue[i]' : write(j < pivot ? j : j - 1);
        lines.push(
          `    {\n      let c = p.rows[${j}];\n      ${target} = ${terms.join(' + ')};\n    }`,
        );
      }
      return lines.join('\n');
    },
  };
}

/** The `TridiagonalStep` kernel function for the `webgpu` backend. */
export function tridiagonalStepWebGPU({
  inputs,
  attrs,
  backend,
}: TridiagonalStepArgs): tf.TensorInfo[] {
  const { value, gradient, slot } = inputs;
  const n = value.shape.reduce((a, b) => a * b, 1);
  return runSplitStep(backend, tridiagonalSpec(attrs), { value, gradient, slot }, lanes(n));
}
