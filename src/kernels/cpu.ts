import type * as tf from '@tensorflow/tfjs-core';
import { type MultiscaleStepArgs, registerMultiscaleStepKernel } from './multiscale-step-kernel.js';

/**
 * The `MultiscaleStep` kernel of the `cpu` backend: one pass over the typed arrays, reading w, g
 * and the k−1 slot rows once and writing the new weight and rows once, all k subweights per entry
 * in registers (the generic path makes one array per op instead).
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
  else stepR(w, g, s, nextW, nextS, attrs.decays, attrs.rates, attrs.cross, gp, total);
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

/** Any number of slot rows: per entry, walk the rows (stride n) with the weight in a register. */
function stepR(
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
  const d = Float64Array.from(decays);
  const a = Float64Array.from(rates);
  const c = Float64Array.from(cross);
  for (let i = 0; i < n; i++) {
    const gi = g[i] as number;
    let acc = gp * (w[i] as number) - total * gi;
    for (let j = 0, at = i; j < r; j++, at += n) {
      const sj = s[at] as number;
      acc += (c[j] as number) * sj;
      nextS[at] = (d[j] as number) * sj - (a[j] as number) * gi;
    }
    nextW[i] = acc;
  }
}

/** Registers `multiscaleStepCpu` for the `cpu` backend. */
export function registerCpuKernels(): void {
  registerMultiscaleStepKernel('cpu', multiscaleStepCpu);
}
