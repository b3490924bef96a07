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
import { instantiateStepFunctions, type StepFunctions } from './wasm-simd.js';

/** The parts of `@tensorflow/tfjs-backend-wasm`'s `BackendWasm` these kernels use. */
interface WasmBackendLike {
  wasm: {
    asm?: { memory?: WebAssembly.Memory };
    _malloc(bytes: number): number;
    _free(ptr: number): void;
  };
  getMemoryOffset(dataId: tf.DataId): number;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

/** Per backend instance: the SIMD functions bound to its heap (null: unavailable) and a scratch area. */
interface Bound {
  memory: WebAssembly.Memory;
  fns: StepFunctions | null;
  scratch: number;
  scratchBytes: number;
  /** A float32 view of the whole heap, remade when the heap grows (growth detaches it). */
  view: Float32Array;
}

/** The heap as float32, current after any allocation. */
function heapF32(b: Bound): Float32Array {
  if (b.view.buffer !== b.memory.buffer) b.view = new Float32Array(b.memory.buffer);
  return b.view;
}

const bound = new WeakMap<object, Bound>();

/** The backend's SIMD functions and a scratch area of at least `bytes` (kept for its lifetime). */
function bind(backend: WasmBackendLike, bytes: number): Bound {
  const memory = backend.wasm.asm?.memory;
  if (memory === undefined) throw new Error('wasm kernels: the backend exposes no memory');
  let b = bound.get(backend);
  if (b === undefined) {
    const fns = instantiateStepFunctions(memory);
    b = { memory, fns, scratch: 0, scratchBytes: 0, view: new Float32Array(memory.buffer) };
    bound.set(backend, b);
  }
  if (b.scratchBytes < bytes) {
    if (b.scratch !== 0) backend.wasm._free(b.scratch);
    b.scratchBytes = Math.max(bytes, 1024);
    // `>>> 0`: above 2 GiB, emscripten's _malloc returns the address as a negative i32.
    b.scratch = backend.wasm._malloc(b.scratchBytes) >>> 0;
  }
  return b;
}

/** A tensor's byte address on the heap, as an unsigned number (tfjs versions before 4.x return it signed). */
function addressOf(backend: WasmBackendLike, dataId: tf.DataId): number {
  return backend.getMemoryOffset(dataId) >>> 0;
}

const size = util.sizeFromShape;

/**
 * The `MultiscaleStep` kernel of the `wasm` backend: one pass over the backend's own heap by a
 * small SIMD WebAssembly function (`wasm-simd.ts`), reading w, g and the slot rows once and
 * writing the new weight and rows once; tfjs's ops would take about seven passes. Where the engine
 * has no WebAssembly SIMD, the same pass runs as a JS loop.
 */
export function multiscaleStepWasm({
  inputs,
  attrs,
  backend,
}: MultiscaleStepArgs): tf.TensorInfo[] {
  const be = backend as unknown as WasmBackendLike;
  const r = inputs.slot === undefined ? 0 : attrs.decays.length;
  const b = bind(be, 4 * (2 + 3 * r));
  const n = size(inputs.value.shape);
  const outW = be.makeOutput(inputs.value.shape, 'float32');
  const outS = inputs.slot === undefined ? null : be.makeOutput(inputs.slot.shape, 'float32');
  const w = addressOf(be, inputs.value.dataId);
  const g = addressOf(be, inputs.gradient.dataId);
  const s = inputs.slot === undefined ? 0 : addressOf(be, inputs.slot.dataId);
  const ow = addressOf(be, outW.dataId);
  const os = outS === null ? 0 : addressOf(be, outS.dataId);
  const heap = heapF32(b);
  const c0 = b.scratch >>> 2;
  heap[c0] = attrs.pivotDecay;
  heap[c0 + 1] = attrs.totalRate;
  for (let j = 0; j < r; j++) {
    heap[c0 + 2 + 3 * j] = attrs.decays[j] as number;
    heap[c0 + 3 + 3 * j] = attrs.rates[j] as number;
    heap[c0 + 4 + 3 * j] = attrs.cross[j] as number;
  }
  const m = b.fns === null ? 0 : n - (n % 4);
  if (m > 0 && r === 0) b.fns?.sgd1(w, g, ow, m, b.scratch);
  else if (m > 0) b.fns?.step(w, g, s, ow, os, m, n, b.scratch, r);
  if (m < n) scalarStep(heap, [w >>> 2, g >>> 2, s >>> 2, ow >>> 2, os >>> 2], c0, m, n, r);
  return outS === null ? [outW] : [outW, outS];
}

/** Entries [from, n) of the multiscale step in float32, as the SIMD function computes them. */
function scalarStep(
  heap: Float32Array,
  [W, G, S, OW, OS]: number[],
  c0: number,
  from: number,
  n: number,
  r: number,
): void {
  const f = Math.fround;
  const c = (i: number) => heap[c0 + i] as number;
  for (let i = from; i < n; i++) {
    const gi = heap[(G as number) + i] as number;
    let acc = f(f(c(0) * (heap[(W as number) + i] as number)) - f(c(1) * gi));
    for (let j = 0; j < r; j++) {
      const x = heap[(S as number) + j * n + i] as number;
      acc = f(acc + f(c(4 + 3 * j) * x));
      heap[(OS as number) + j * n + i] = f(f(c(2 + 3 * j) * x) - f(c(3 + 3 * j) * gi));
    }
    heap[(OW as number) + i] = acc;
  }
}

/**
 * The `TridiagonalStep` kernel of the `wasm` backend: the `tridiagonal` SIMD function of
 * `wasm-simd.ts`, one pass over w, g and the slot rows.
 */
export function tridiagonalStepWasm({
  inputs,
  attrs,
  backend,
}: TridiagonalStepArgs): tf.TensorInfo[] {
  const be = backend as unknown as WasmBackendLike;
  const k = attrs.diag.length;
  const b = bind(be, 4 * (k + 2 + k + 4 * k));
  const n = size(inputs.value.shape);
  const outW = be.makeOutput(inputs.value.shape, 'float32');
  const outS = be.makeOutput(inputs.slot.shape, 'float32');
  const src = [inputs.value, inputs.slot].map((t) => addressOf(be, t.dataId));
  const dst = [outW, outS].map((t) => addressOf(be, t.dataId));
  const g = addressOf(be, inputs.gradient.dataId);
  const rows = tridiagonalRows(k, attrs.pivot, n);
  const at = (ptrs: number[], j: number) => {
    const row = rows[Math.min(Math.max(j, 0), k - 1)] as { array: number; offset: number };
    return (ptrs[row.array] as number) + 4 * row.offset;
  };
  const inPtrs = b.scratch;
  const outPtrs = inPtrs + 4 * (k + 2);
  const coefs = outPtrs + 4 * k;
  // Addresses are unsigned: a heap above 2 GiB has addresses ≥ 2³¹.
  const ints = new Uint32Array(b.memory.buffer, inPtrs, 2 * k + 2);
  const floats = new Float32Array(b.memory.buffer, coefs, 4 * k);
  for (let j = -1; j <= k; j++) ints[j + 1] = at(src, j);
  for (let j = 0; j < k; j++) {
    ints[k + 2 + j] = at(dst, j);
    floats.set(
      [
        j > 0 ? (attrs.lower[j] as number) : 0,
        attrs.diag[j] as number,
        j < k - 1 ? (attrs.upper[j] as number) : 0,
        attrs.input[j] as number,
      ],
      4 * j,
    );
  }
  const m = b.fns === null ? 0 : n - (n % 8);
  if (m > 0) b.fns?.tridiagonal(inPtrs, outPtrs, coefs, k, m, g);
  const f = Math.fround;
  const heap = new Float32Array(b.memory.buffer);
  for (let i = m; i < n; i++) {
    const gi = heap[(g >>> 2) + i] as number;
    for (let j = 0; j < k; j++) {
      const x = (p: number) => heap[((ints[p] as number) >>> 2) + i] as number;
      const c = (q: number) => floats[4 * j + q] as number;
      const acc = f(f(f(f(c(0) * x(j)) + f(c(1) * x(j + 1))) + f(c(2) * x(j + 2))) + f(c(3) * gi));
      heap[((ints[k + 2 + j] as number) >>> 2) + i] = acc;
    }
  }
  return [outW, outS];
}

/** The heap view and entry offsets of a Bayesian kernel's tensors (outputs when given). */
function bayesianHeap(
  { inputs, backend }: BayesianStepArgs,
  outW: tf.TensorInfo | null,
  outS: tf.TensorInfo | null,
): BayesianArrays {
  const be = backend as unknown as WasmBackendLike;
  const heap = heapF32(bind(be, 0));
  const at = (t: tf.TensorInfo | null | undefined) =>
    t === undefined || t === null ? 0 : addressOf(be, t.dataId) >>> 2;
  return {
    w: heap,
    wAt: at(inputs.value),
    g: heap,
    gAt: at(inputs.gradient),
    s: heap,
    sAt: at(inputs.slot),
    h: inputs.curvature === undefined ? null : heap,
    hAt: at(inputs.curvature),
    outW: heap,
    outWAt: at(outW),
    outS: heap,
    outSAt: at(outS),
  };
}

/**
 * The `BayesianMultiscaleStep` kernel of the `wasm` backend: one pass over the backend's own heap
 * (no copy in or out), reading w, g and the 2k−1 slot rows once and writing w and the rows once.
 */
export function bayesianStepWasm(args: BayesianStepArgs): tf.TensorInfo[] {
  const be = args.backend as unknown as WasmBackendLike;
  const n = size(args.inputs.value.shape);
  const outW = be.makeOutput(args.inputs.value.shape, 'float32');
  const outS = be.makeOutput(args.inputs.slot.shape, 'float32');
  const a = bayesianHeap(args, outW, outS);
  const sum = args.inputs.sum;
  const shared =
    sum === undefined
      ? Number.NaN
      : denominatorOf(a.w[addressOf(be, sum.dataId) >>> 2] as number, args.attrs.curvature);
  const simd = bind(be, 0).fns;
  const { attrs } = args;
  // SIMD for the default case ('shared' innovation, curvature from the gradient); the tail of
  // n % 8 entries and the other cases run the JS loop over the same heap.
  const done =
    simd !== null && attrs.innovation === 'shared' && attrs.curvature !== 'given'
      ? bayesianSimd(be, simd, args, outW, outS, shared)
      : 0;
  bayesianStepLoop(bayesianHeap(args, outW, outS), n, attrs, shared, done);
  return [outW, outS];
}

/**
 * The 'shared' Bayesian step on the first n − n % 8 entries with the `bStep` of `wasm-simd.ts`
 * built for this k and pivot (one pass, 8 or 4 entries at a time, every row read and written
 * once); returns how many entries it did (0 where the engine refused to build it).
 */
function bayesianSimd(
  be: WasmBackendLike,
  fns: StepFunctions,
  { inputs, attrs }: BayesianStepArgs,
  outW: tf.TensorInfo,
  outS: tf.TensorInfo,
  shared: number,
): number {
  const n = size(inputs.value.shape);
  const m8 = n - (n % 8);
  const k = attrs.gamma.length;
  const p = attrs.pivot;
  const bStep = m8 === 0 ? null : fns.bayesianStep(k, p);
  if (bStep === null) return 0;
  const gp = attrs.gamma[p] as number;
  const b = bind(be, 16 + 32 * k);
  const heap = heapF32(b);
  const c = b.scratch >>> 2;
  const invD = 1 / shared;
  heap.set([1 / attrs.observationNoise, invD, attrs.curvature === 'fisher' ? invD : 1, gp], c);
  for (let i = 0; i < k; i++) {
    const gi = attrs.gamma[i] as number;
    heap.set([gi * gi, attrs.processNoise[i] as number, 1, 0], c + 4 + 4 * i);
  }
  attrs.gamma
    .map((_, i) => i)
    .filter((i) => i !== p)
    .forEach((i, r) => {
      const gi = attrs.gamma[i] as number;
      heap.set([gi, gi - gp, 0, 0], c + 4 + 4 * k + 4 * r);
    });
  bStep(
    addressOf(be, inputs.value.dataId),
    addressOf(be, inputs.gradient.dataId),
    addressOf(be, inputs.slot.dataId),
    addressOf(be, outW.dataId),
    addressOf(be, outS.dataId),
    m8,
    n,
    b.scratch,
    k,
  );
  return m8;
}

/**
 * The `BayesianMultiscaleInnovation` kernel of the `wasm` backend: a reduction over the heap, in
 * float64. With SIMD and the curvature from the gradient, the `bInnov` function of `wasm-simd.ts`
 * does the first n − n % 4 entries (two f64 lanes); the tail and `'given'` curvature run the JS
 * loop.
 */
export function bayesianInnovationWasm(args: BayesianStepArgs): tf.TensorInfo[] {
  const be = args.backend as unknown as WasmBackendLike;
  const { inputs, attrs } = args;
  const n = size(inputs.gradient.shape);
  const b = bind(be, 32);
  const m4 = b.fns !== null && attrs.curvature !== 'given' ? n - (n % 4) : 0;
  let sum = 0;
  if (m4 > 0) {
    // Scratch: the f64 1/σ² at +0, the f64x2 partial sums at +16 (malloc aligns to 8 bytes).
    const view = new DataView(b.memory.buffer);
    view.setFloat64(b.scratch, 1 / attrs.observationNoise, true);
    const k = attrs.gamma.length;
    const rowB = 4 * n;
    const vRows = addressOf(be, inputs.slot.dataId) + (k - 1) * rowB;
    b.fns?.bInnov(
      addressOf(be, inputs.gradient.dataId),
      vRows,
      rowB,
      k,
      m4,
      b.scratch,
      b.scratch + 16,
    );
    sum = view.getFloat64(b.scratch + 16, true) + view.getFloat64(b.scratch + 24, true);
  }
  sum += innovationSum(bayesianHeap(args, null, null), n, m4, n, attrs);
  const out = be.makeOutput([], 'float32');
  heapF32(bind(be, 0))[addressOf(be, out.dataId) >>> 2] = sum;
  return [out];
}

/** Registers the `wasm` kernels (`MultiscaleStep`, `TridiagonalStep`, the Bayesian step). */
export function registerWasmKernels(): void {
  registerMultiscaleStepKernel('wasm', multiscaleStepWasm);
  registerTridiagonalStepKernel('wasm', tridiagonalStepWasm);
  registerBayesianKernels('wasm', bayesianStepWasm, bayesianInnovationWasm);
}
