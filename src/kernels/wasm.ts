import type * as tf from '@tensorflow/tfjs-core';
import { type MultiscaleStepArgs, registerMultiscaleStepKernel } from './multiscale-step-kernel.js';
import { instantiateMultiscaleStep, type MultiscaleStepWasm } from './wasm-simd.js';

/** The parts of `@tensorflow/tfjs-backend-wasm`'s `BackendWasm` this kernel uses. */
interface WasmBackendLike {
  wasm: { asm?: { memory?: WebAssembly.Memory }; _malloc(bytes: number): number };
  getMemoryOffset(dataId: tf.DataId): number;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

/** Per backend instance: the SIMD step bound to its heap (null: unavailable) and a constants area. */
interface Bound {
  memory: WebAssembly.Memory;
  step: MultiscaleStepWasm | null;
  consts: number;
  capacity: number;
}

const bound = new WeakMap<object, Bound>();

function bind(backend: WasmBackendLike, rows: number): Bound {
  let b = bound.get(backend);
  const memory = backend.wasm.asm?.memory;
  if (memory === undefined) throw new Error('MultiscaleStep (wasm): the backend exposes no memory');
  if (b === undefined || b.capacity < rows) {
    // The constants area is kept for the backend's lifetime (a few bytes); grown when k grows.
    const capacity = Math.max(rows, 16);
    const step = b?.step !== undefined ? b.step : instantiateMultiscaleStep(memory);
    b = { memory, step, consts: backend.wasm._malloc(4 * (2 + 3 * capacity)), capacity };
    bound.set(backend, b);
  }
  return b;
}

/**
 * The `MultiscaleStep` kernel of the `wasm` backend: one pass over the backend's own heap by a
 * small SIMD WebAssembly function (`wasm-simd.ts`), reading w, g and the slot rows once and
 * writing the new weight and rows once; tfjs's ops would take about seven passes. Where the engine
 * has no SIMD, or the heap is shared (threaded build), the same pass runs as a JS loop.
 */
export function multiscaleStepWasm({
  inputs,
  attrs,
  backend,
}: MultiscaleStepArgs): tf.TensorInfo[] {
  const be = backend as unknown as WasmBackendLike;
  const r = inputs.slot === undefined ? 0 : attrs.decays.length;
  const b = bind(be, r);
  const n = tf_size(inputs.value.shape);
  const outW = be.makeOutput(inputs.value.shape, 'float32');
  const outS = inputs.slot === undefined ? null : be.makeOutput(inputs.slot.shape, 'float32');
  const ptr = {
    w: be.getMemoryOffset(inputs.value.dataId),
    g: be.getMemoryOffset(inputs.gradient.dataId),
    s: inputs.slot === undefined ? 0 : be.getMemoryOffset(inputs.slot.dataId),
    ow: be.getMemoryOffset(outW.dataId),
    os: outS === null ? 0 : be.getMemoryOffset(outS.dataId),
  };
  // Views are made after every allocation: a heap growth detaches earlier ones.
  const consts = new Float32Array(b.memory.buffer, b.consts, 2 + 3 * r);
  consts[0] = attrs.pivotDecay;
  consts[1] = attrs.totalRate;
  for (let j = 0; j < r; j++) {
    consts[2 + 3 * j] = attrs.decays[j] as number;
    consts[3 + 3 * j] = attrs.rates[j] as number;
    consts[4 + 3 * j] = attrs.cross[j] as number;
  }
  const m = b.step === null ? 0 : n - (n % 4);
  if (m > 0) b.step?.(ptr.w, ptr.g, ptr.s, ptr.ow, ptr.os, m, n, b.consts, r);
  if (m < n) scalarTail(new Float32Array(b.memory.buffer), ptr, consts, m, n, r);
  return outS === null ? [outW] : [outW, outS];
}

/** Entries [from, n) in float32, as the SIMD function computes them (heap indices = bytes / 4). */
function scalarTail(
  heap: Float32Array,
  ptr: { w: number; g: number; s: number; ow: number; os: number },
  consts: Float32Array,
  from: number,
  n: number,
  r: number,
): void {
  const f = Math.fround;
  const [w, g, s, ow, os] = [ptr.w >> 2, ptr.g >> 2, ptr.s >> 2, ptr.ow >> 2, ptr.os >> 2];
  for (let i = from; i < n; i++) {
    const gi = heap[g + i] as number;
    let acc = f(
      f(f(consts[0] as number) * (heap[w + i] as number)) - f((consts[1] as number) * gi),
    );
    for (let j = 0; j < r; j++) {
      const x = heap[s + j * n + i] as number;
      const [d, a, c] = [consts[2 + 3 * j], consts[3 + 3 * j], consts[4 + 3 * j]] as number[];
      acc = f(acc + f((c as number) * x));
      heap[os + j * n + i] = f(f((d as number) * x) - f((a as number) * gi));
    }
    heap[ow + i] = acc;
  }
}

function tf_size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Registers `multiscaleStepWasm` for the `wasm` backend. */
export function registerWasmKernels(): void {
  registerMultiscaleStepKernel('wasm', multiscaleStepWasm);
}
