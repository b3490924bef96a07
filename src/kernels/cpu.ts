import type * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import {
  type BayesianArrays,
  type BayesianStepArgs,
  bayesianStepLoop,
  denominatorOf,
  innovationSum,
  registerBayesianKernels,
} from './bayesian-step-kernel.js';
import { type MultiscaleStepArgs, registerMultiscaleStepKernel } from './multiscale-step-kernel.js';
import {
  registerTridiagonalStepKernel,
  type TridiagonalStepArgs,
  tridiagonalRows,
} from './tridiagonal-step-kernel.js';

/**
 * The `MultiscaleStep` kernel of the `cpu` backend: one pass over the typed arrays, reading w, g
 * and the k−1 slot rows once and writing the new weight and rows once (the generic path makes one
 * array per op instead, about seven passes).
 */
export function multiscaleStepCpu({ inputs, attrs, backend }: MultiscaleStepArgs): tf.TensorInfo[] {
  const w = backend.readSync(inputs.value.dataId) as Float32Array;
  const g = backend.readSync(inputs.gradient.dataId) as Float32Array;
  const n = w.length;
  const gp = attrs.pivotDecay;
  const total = attrs.totalRate;
  const nextW = new Float32Array(n);
  const out = (values: Float32Array, shape: number[]): tf.TensorInfo => ({
    dataId: backend.write(values, shape, 'float32'),
    shape,
    dtype: 'float32',
  });
  if (inputs.slot === undefined) {
    for (let i = 0; i < n; i++) nextW[i] = gp * (w[i] as number) - total * (g[i] as number);
    return [out(nextW, inputs.value.shape)];
  }
  const s = backend.readSync(inputs.slot.dataId) as Float32Array;
  const nextS = new Float32Array(s.length);
  const r = attrs.decays.length;
  if (r === 1) step1(w, g, s, nextW, nextS, attrs.decays, attrs.rates, attrs.cross, gp, total);
  else multiscaleStepLoop(w, g, s, nextW, nextS, attrs.decays, attrs.rates, attrs.cross, gp, total);
  return [out(nextW, inputs.value.shape), out(nextS, inputs.slot.shape)];
}

/** k = 2 (momentum, fast weights): one slot row, kept monomorphic for the JIT. */
function step1(
  w: Float32Array,
  g: Float32Array,
  s: Float32Array,
  nextW: Float32Array,
  nextS: Float32Array,
  decays: number[],
  rates: number[],
  cross: number[],
  gp: number,
  total: number,
): void {
  const d = decays[0] as number;
  const a = rates[0] as number;
  const c = cross[0] as number;
  const n = w.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i] as number;
    const si = s[i] as number;
    nextW[i] = gp * (w[i] as number) - total * gi + c * si;
    nextS[i] = d * si - a * gi;
  }
}

/** Entries per block: the block's weights and gradients stay in L1 while the rows stream past. */
const BLOCK = 2048;

/**
 * The cpu kernel's loop for any number of slot rows, into given output arrays, in blocks of
 * entries: within a block, one simple loop per row (the JIT keeps it tight), so every array is
 * still read or written once from memory. Exported for the benchmark, which times it apart from
 * the kernel's output allocation.
 */
export function multiscaleStepLoop(
  w: Float32Array,
  g: Float32Array,
  s: Float32Array,
  nextW: Float32Array,
  nextS: Float32Array,
  decays: number[],
  rates: number[],
  cross: number[],
  gp: number,
  total: number,
): void {
  const n = w.length;
  const r = decays.length;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (let i = i0; i < i1; i++) nextW[i] = gp * (w[i] as number) - total * (g[i] as number);
    for (let j = 0, base = 0; j < r; j++, base += n) {
      const d = decays[j] as number;
      const a = rates[j] as number;
      const c = cross[j] as number;
      for (let i = i0; i < i1; i++) {
        const x = s[base + i] as number;
        nextW[i] = (nextW[i] as number) + c * x;
        nextS[base + i] = d * x - a * (g[i] as number);
      }
    }
  }
}

/** Registers the `cpu` kernels (`MultiscaleStep`, `TridiagonalStep`, the Bayesian step). */
export function registerCpuKernels(): void {
  registerMultiscaleStepKernel('cpu', multiscaleStepCpu);
  registerTridiagonalStepKernel('cpu', tridiagonalStepCpu);
  registerBayesianKernels('cpu', bayesianStepCpu, bayesianInnovationCpu);
}

/** The typed arrays of a Bayesian kernel's inputs (and, when given, its outputs). */
function bayesianArrays(
  { inputs, backend }: BayesianStepArgs,
  outW: Float32Array,
  outS: Float32Array,
): BayesianArrays {
  const read = (t: tf.TensorInfo | undefined) =>
    t === undefined ? null : (backend.readSync(t.dataId) as Float32Array);
  const empty = new Float32Array(0);
  return {
    w: read(inputs.value) ?? empty,
    wAt: 0,
    g: read(inputs.gradient) ?? empty,
    gAt: 0,
    s: read(inputs.slot) ?? empty,
    sAt: 0,
    h: read(inputs.curvature),
    hAt: 0,
    outW,
    outWAt: 0,
    outS,
    outSAt: 0,
  };
}

/** The `BayesianMultiscaleStep` kernel of the `cpu` backend: one pass over the typed arrays. */
export function bayesianStepCpu(args: BayesianStepArgs): tf.TensorInfo[] {
  const { inputs, attrs, backend } = args;
  const n = size(inputs.value.shape);
  const outW = new Float32Array(n);
  const outS = new Float32Array((2 * attrs.gamma.length - 1) * n);
  const a = bayesianArrays(args, outW, outS);
  const shared =
    inputs.sum === undefined
      ? Number.NaN
      : denominatorOf(
          (backend.readSync(inputs.sum.dataId) as Float32Array)[0] as number,
          attrs.curvature,
        );
  bayesianStepLoop(a, n, attrs, shared);
  return [
    {
      dataId: backend.write(outW, inputs.value.shape, 'float32'),
      shape: inputs.value.shape,
      dtype: 'float32',
    },
    {
      dataId: backend.write(outS, inputs.slot.shape, 'float32'),
      shape: inputs.slot.shape,
      dtype: 'float32',
    },
  ];
}

/** The `BayesianMultiscaleInnovation` kernel of the `cpu` backend. */
export function bayesianInnovationCpu(args: BayesianStepArgs): tf.TensorInfo[] {
  const n = size(args.inputs.gradient.shape);
  const sum = innovationSum(
    bayesianArrays(args, new Float32Array(0), new Float32Array(0)),
    n,
    0,
    n,
    args.attrs,
  );
  return [
    {
      dataId: args.backend.write(Float32Array.of(sum), [], 'float32'),
      shape: [],
      dtype: 'float32',
    },
  ];
}

const size = util.sizeFromShape;

/**
 * The `TridiagonalStep` kernel of the `cpu` backend: in blocks of entries, one loop per state
 * coordinate over its two neighbours, so every array is read or written once from memory.
 */
export function tridiagonalStepCpu({
  inputs,
  attrs,
  backend,
}: TridiagonalStepArgs): tf.TensorInfo[] {
  const w = backend.readSync(inputs.value.dataId) as Float32Array;
  const g = backend.readSync(inputs.gradient.dataId) as Float32Array;
  const s = backend.readSync(inputs.slot.dataId) as Float32Array;
  const n = w.length;
  const k = attrs.diag.length;
  const nextW = new Float32Array(n);
  const nextS = new Float32Array(s.length);
  const rows = tridiagonalRows(k, attrs.pivot, n);
  const src = [w, s];
  const dst = [nextW, nextS];
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (let j = 0; j < k; j++) {
      const me = rows[j] as { array: number; offset: number };
      const lo = rows[Math.max(j - 1, 0)] as { array: number; offset: number };
      const hi = rows[Math.min(j + 1, k - 1)] as { array: number; offset: number };
      const l = j > 0 ? (attrs.lower[j] as number) : 0;
      const u = j < k - 1 ? (attrs.upper[j] as number) : 0;
      const d = attrs.diag[j] as number;
      const b = attrs.input[j] as number;
      const x = src[me.array] as Float32Array;
      const xl = src[lo.array] as Float32Array;
      const xh = src[hi.array] as Float32Array;
      const out = dst[me.array] as Float32Array;
      const [om, ol, oh] = [me.offset, lo.offset, hi.offset];
      for (let i = i0; i < i1; i++) {
        out[om + i] =
          l * (xl[ol + i] as number) +
          d * (x[om + i] as number) +
          u * (xh[oh + i] as number) +
          b * (g[i] as number);
      }
    }
  }
  const info = (values: Float32Array, shape: number[]): tf.TensorInfo => ({
    dataId: backend.write(values, shape, 'float32'),
    shape,
    dtype: 'float32',
  });
  return [info(nextW, inputs.value.shape), info(nextS, inputs.slot.shape)];
}
