/**
 * The WebGPU benchmark, shared by the Node/Dawn entry (bench.ts, run on a real GPU) and the
 * browser entry (browser.entry.ts, checked on SwiftShader). Expects tfjs's webgpu and cpu backends
 * to be registered and the webgpu backend active.
 *
 * For each N and k it times, in the same run and on the same device:
 * - one `MultiscaleOptimizer` step through the fused kernel (`applyGradients`, as training runs it);
 * - the same step as unfused tfjs ops (the generic path, kernel unregistered);
 * - tfjs's own `sgd` and `momentum` on webgpu;
 * - a copy kernel (read N floats, write N floats) as the bandwidth floor.
 * Times are medians over repetitions of several steps, each ended by waiting for the queue
 * (`onSubmittedWorkDone`). Effective bandwidth counts the bytes an ideal implementation moves:
 * (2k+1)·4 per weight for the k-subweight step, 12 for sgd, 20 for momentum, 8 for the copy.
 *
 * Before timing, a correctness check runs the fused kernel and the cpu backend on the same small
 * problems and reports max|Δw|/max|w|.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bennaFusiDynamics } from '../../src/dynamics/benna-fusi.js';
import type { LinearDynamics } from '../../src/dynamics/linear-dynamics.js';
import { momentumDynamics } from '../../src/dynamics/momentum.js';
import { multiscaleDynamics } from '../../src/dynamics/multiscale.js';
import { MULTISCALE_STEP } from '../../src/kernels/multiscale-step-kernel.js';
import { TRIDIAGONAL_STEP } from '../../src/kernels/tridiagonal-step-kernel.js';
import { WORKGROUP_SIZE, workgroupsFor } from '../../src/kernels/webgpu/direct-pass.js';
import { registerWebGPUKernels } from '../../src/kernels/webgpu/index.js';
import { bennaFusi } from '../../src/optimizers/factories.js';
import { MultiscaleOptimizer } from '../../src/optimizers/multiscale-optimizer.js';

/** What to run. */
export interface BenchOptions {
  /** Weight counts. */
  sizes: number[];
  /** Subweight counts k. */
  ks: number[];
  /** Repetitions per measurement (the median is reported). */
  reps: number;
  /** Sizes for the fused-vs-cpu check. */
  checkSizes: number[];
  /** Where lines of output go. */
  log: (line: string) => void;
}

/** One measured row. */
export interface BenchRow {
  n: number;
  k: number;
  fusedMs: number | null;
  unfusedMs: number | null;
  sgdMs: number | null;
  momentumMs: number | null;
  copyMs: number | null;
  note?: string;
}

interface Backend {
  device: GPUDevice;
  commandEncoder: GPUCommandEncoder | null;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

function gpu(): Backend {
  return tf.backend() as unknown as Backend;
}

/** Submits what tfjs has recorded and waits until the GPU has finished it. */
export async function sync(): Promise<void> {
  const b = gpu();
  if (b.commandEncoder != null) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
  await b.device.queue.onSubmittedWorkDone();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Steps per timed repetition: enough that a repetition is not all launch latency. */
function stepsFor(n: number): number {
  return n >= 5e7 ? 10 : n >= 5e6 ? 30 : 100;
}

/** Steps run by the last `timeSteps` call (warm-up included), for the value check. */
export let stepsRun = 0;

/** Median time of one `step()`, in ms, after two warm-up steps (pipeline compilation). */
export async function timeSteps(step: () => void, n: number, reps: number): Promise<number> {
  step();
  step();
  await sync();
  const steps = stepsFor(n);
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) step();
    await sync();
    times.push((performance.now() - t0) / steps);
  }
  stepsRun = 2 + reps * steps;
  return median(times);
}

/**
 * w after `steps` steps of the linear dynamics `d` with a constant gradient, in float64, from
 * w = w0 held in coordinate `pivot` (the others zero), as the optimizers start.
 */
function simulateScalar(d: LinearDynamics, pivot: number, w0: number, g: number, steps: number) {
  const k = d.readout.length;
  let s = Array.from({ length: k }, (_, i) => (i === pivot ? w0 / (d.readout[i] as number) : 0));
  for (let t = 0; t < steps; t++) {
    s = d.transition.map(
      (row, i) =>
        row.reduce((acc, tij, j) => acc + tij * (s[j] as number), 0) + (d.input[i] as number) * g,
    );
  }
  return s.reduce((acc, si, i) => acc + si * (d.readout[i] as number), 0);
}

/** k subweights with learning rates and decays like a multiscale optimizer's. */
export function constants(k: number): { alpha: number[]; gamma: number[] } {
  return {
    alpha: Array.from({ length: k }, (_, i) => 0.01 * 2 ** i),
    gamma: Array.from({ length: k }, (_, i) => 1 - (i === 0 ? 0 : 2 ** -(k - i))),
  };
}

/** The dynamics an optimizer runs and the coordinate w starts in, for the full-size value check. */
export interface Expected {
  label: string;
  dynamics: LinearDynamics;
  pivot: number;
}

/** Worst max|Δw|/|w| of any timed run against its float64 simulation. */
export let worstValueError = 0;

/**
 * Times one optimizer's `applyGradients` on a weight of n entries (w = 0.5, g = 0.001 everywhere),
 * then checks entries spread over the whole array (first, last, and in between) against the same
 * steps simulated in float64: the timed kernel computed every entry, and computed it right.
 */
export async function timeOptimizer(
  optimizer: tf.Optimizer,
  n: number,
  reps: number,
  expected: Expected,
  log: (line: string) => void,
): Promise<number> {
  const w = tf.variable(tf.fill([n], 0.5));
  const g = tf.fill([n], 0.001);
  const grads = { [w.name]: g };
  try {
    const ms = await timeSteps(() => optimizer.applyGradients(grads), n, reps);
    const want = simulateScalar(expected.dynamics, expected.pivot, 0.5, 0.001, stepsRun);
    const at = [0, 1, Math.floor(n / 3), Math.floor(n / 2) + 1, n - 2, n - 1];
    // Slices, not tf.gather: tfjs-webgpu 4.22's gather returns 0 for indices beyond 2^24 (it
    // handles them as float32), which this check found at N = 1e8.
    const picked = tf.tidy(() => tf.concat(at.map((i) => tf.slice(w, [i], [1]))));
    const got = (await picked.data()) as Float32Array;
    picked.dispose();
    const err = Math.max(...Array.from(got, (x) => Math.abs(x - want))) / Math.abs(want);
    worstValueError = Math.max(worstValueError, err);
    if (!(err <= 1e-4)) log(`VALUE CHECK FAILED: ${expected.label} n=${n}: rel. error ${err}`);
    return ms;
  } finally {
    tf.dispose([w, g]);
    optimizer.dispose();
    await sync();
  }
}

/** A grid-stride vec4 copy on the backend's device: the bandwidth floor. */
async function timeCopy(n: number, reps: number): Promise<number> {
  const device = gpu().device;
  const usage = GPUBufferUsage.STORAGE;
  const bytes = Math.ceil(n / 4) * 16;
  const src = device.createBuffer({ size: bytes, usage });
  const dst = device.createBuffer({ size: bytes, usage });
  const items = bytes / 16;
  const params = device.createBuffer({
    size: 16,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(
    params,
    0,
    new Uint32Array([items, workgroupsFor(items) * WORKGROUP_SIZE, 0, 0]),
  );
  const pipeline = device.createComputePipeline({
    layout: 'auto',
    compute: {
      entryPoint: 'main',
      module: device.createShaderModule({
        code: `
struct Params { n : u32, threads : u32 };
@group(0) @binding(0) var<storage, read_write> dst : array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> src : array<vec4<f32>>;
@group(0) @binding(2) var<uniform> p : Params;
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) id : vec3<u32>) {
  for (var i = id.x; i < p.n; i = i + p.threads) { dst[i] = src[i]; }
}`,
      }),
    },
  });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [dst, src, params].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const run = (steps: number) => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    for (let s = 0; s < steps; s++) pass.dispatchWorkgroups(workgroupsFor(items));
    pass.end();
    device.queue.submit([encoder.finish()]);
    return device.queue.onSubmittedWorkDone();
  };
  await run(2);
  const steps = stepsFor(n);
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await run(steps);
    times.push((performance.now() - t0) / steps);
  }
  for (const b of [src, dst, params]) b.destroy();
  return median(times);
}

/** Runs `steps` multiscale steps on the active backend; returns the final weights. */
async function runSteps(k: number, w0: Float32Array, grads: Float32Array[]): Promise<Float32Array> {
  const opt = new MultiscaleOptimizer(constants(k));
  const w = tf.variable(tf.tensor1d(w0));
  for (const g of grads) {
    const t = tf.tensor1d(g);
    opt.applyGradients({ [w.name]: t });
    t.dispose();
  }
  const out = (await w.data()) as Float32Array;
  tf.dispose(w);
  opt.dispose();
  return out;
}

/** Fused webgpu kernel vs the cpu backend on the same problem: max|Δw|/max|w| per (n, k). */
export async function checkAgainstCpu(options: BenchOptions): Promise<number> {
  let worst = 0;
  for (const n of options.checkSizes) {
    for (const k of options.ks) {
      const w0 = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
      const grads = Array.from({ length: 20 }, (_, t) =>
        Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.11 + t)),
      );
      await tf.setBackend('webgpu');
      const gpuW = await runSteps(k, w0, grads);
      await tf.setBackend('cpu');
      const cpuW = await runSteps(k, w0, grads);
      await tf.setBackend('webgpu');
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < n; i++) {
        diff = Math.max(diff, Math.abs((gpuW[i] as number) - (cpuW[i] as number)));
        scale = Math.max(scale, Math.abs(cpuW[i] as number));
      }
      const rel = diff / scale;
      worst = Math.max(worst, rel);
      options.log(
        `check n=${n} k=${k}: fused webgpu vs cpu, max|Δw|/max|w| = ${rel.toExponential(2)}`,
      );
    }
  }
  return worst;
}

/** Whether k subweights of n weights fit the device's buffer limits. */
/**
 * Whether the largest tensor of a k-timescale step over n weights fits the device: `'buffer'`
 * (one GPUBuffer: what the fused kernels need, they split a slot over several bindings) or
 * `'binding'` (one storage binding: what tfjs's generic ops need).
 */
function fits(n: number, k: number, what: 'buffer' | 'binding'): boolean {
  const limits = gpu().device.limits;
  const largest = Math.max(1, k - 1) * n * 4;
  return (
    largest <=
    (what === 'buffer'
      ? limits.maxBufferSize
      : Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize))
  );
}

export async function guarded(what: string, f: () => Promise<number>, log: (l: string) => void) {
  const device = gpu().device;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: number | null = null;
  try {
    value = await f();
  } catch (e) {
    log(`${what}: ${String(e)}`);
  }
  const validation = await device.popErrorScope();
  const memory = await device.popErrorScope();
  for (const e of [validation, memory]) {
    if (e) {
      log(`${what}: GPU error: ${e.message}`);
      value = null;
    }
  }
  return value;
}

/** Runs the benchmark; returns its rows. */
export async function runBench(options: BenchOptions): Promise<BenchRow[]> {
  const { log, reps } = options;
  registerWebGPUKernels();
  const rows: BenchRow[] = [];
  for (const n of options.sizes) {
    // The copy floor is timed before and after this size's other runs and the faster kept: a GPU
    // that has been idle (allocation, JavaScript) starts at lower clocks.
    const copyBefore = await guarded(`copy n=${n}`, () => timeCopy(n, reps), log);
    const forSize: BenchRow[] = [];
    const sgd: Expected = {
      label: 'tfjs sgd',
      dynamics: multiscaleDynamics({ alpha: [0.01], gamma: [1] }),
      pivot: 0,
    };
    const sgdMs = await guarded(
      `sgd n=${n}`,
      () => timeOptimizer(tf.train.sgd(0.01), n, reps, sgd, log),
      log,
    );
    const momentum: Expected = {
      label: 'tfjs momentum',
      dynamics: momentumDynamics({ learningRate: 0.01, momentum: 0.9, ema: false }),
      pivot: 0,
    };
    const momentumMs = await guarded(
      `momentum n=${n}`,
      () => timeOptimizer(tf.train.momentum(0.01, 0.9), n, reps, momentum, log),
      log,
    );
    for (const k of options.ks) {
      const row: BenchRow = {
        n,
        k,
        fusedMs: null,
        unfusedMs: null,
        sgdMs,
        momentumMs,
        copyMs: null,
      };
      const want: Expected = {
        label: `multiscale k=${k}`,
        dynamics: multiscaleDynamics(constants(k)),
        pivot: 0,
      };
      if (!fits(n, k, 'buffer')) {
        row.note = 'slot buffer exceeds maxBufferSize';
      } else {
        row.fusedMs = await guarded(
          `fused n=${n} k=${k}`,
          () => timeOptimizer(new MultiscaleOptimizer(constants(k)), n, reps, want, log),
          log,
        );
      }
      if (!fits(n, k, 'binding')) {
        row.note = `${row.note ? `${row.note}; ` : ''}generic ops: slot exceeds maxStorageBufferBindingSize`;
      } else {
        tf.unregisterKernel(MULTISCALE_STEP, 'webgpu');
        try {
          row.unfusedMs = await guarded(
            `unfused n=${n} k=${k}`,
            () => timeOptimizer(new MultiscaleOptimizer(constants(k)), n, reps, want, log),
            log,
          );
        } finally {
          registerWebGPUKernels();
        }
      }
      forSize.push(row);
    }
    const copyAfter = await guarded(`copy n=${n}`, () => timeCopy(n, reps), log);
    const copies = [copyBefore, copyAfter].filter((c): c is number => c !== null);
    for (const row of forSize) {
      row.copyMs = copies.length > 0 ? Math.min(...copies) : null;
      rows.push(row);
      log(formatRow(row));
    }
  }
  return rows;
}

/**
 * Steps whose gradient comes from the CPU each step (`tf.tensor1d` of a host Float32Array, so
 * every step also uploads 4N bytes): tfjs momentum against the fused k = 4 step. This is the
 * setting in which tfjs optimizers look slow; it shows what the upload costs.
 */
export async function runUploadBench(
  n: number,
  reps: number,
): Promise<{ momentumMs: number; fusedMs: number }> {
  const host = new Float32Array(n).fill(0.001);
  const time = async (optimizer: tf.Optimizer) => {
    const w = tf.variable(tf.fill([n], 0.5));
    const step = () => {
      const g = tf.tensor1d(host);
      optimizer.applyGradients({ [w.name]: g });
      g.dispose();
    };
    try {
      return await timeSteps(step, n, reps);
    } finally {
      tf.dispose(w);
      optimizer.dispose();
      await sync();
    }
  };
  registerWebGPUKernels();
  return {
    momentumMs: await time(tf.train.momentum(0.01, 0.9)),
    fusedMs: await time(new MultiscaleOptimizer(constants(4))),
  };
}

/** One row of the coupled Benna–Fusi table. */
export interface CoupledRow {
  n: number;
  m: number;
  fusedMs: number | null;
  opsMs: number | null;
  note?: string;
}

/**
 * The coupled Benna–Fusi chain (`form: 'coupled'`, m beakers): the fused TridiagonalStep kernel
 * against the same step as elementwise tfjs ops (kernel unregistered).
 */
export async function runCoupledBench(
  options: BenchOptions,
  chains: number[],
): Promise<CoupledRow[]> {
  const { log, reps } = options;
  registerWebGPUKernels();
  const rows: CoupledRow[] = [];
  for (const n of options.sizes) {
    for (const m of chains) {
      const row: CoupledRow = { n, m, fusedMs: null, opsMs: null };
      const expected: Expected = {
        label: `bennaFusi coupled m=${m}`,
        dynamics: bennaFusiDynamics({ learningRate: 0.5, beakers: m }),
        pivot: 0,
      };
      const make = () => bennaFusi({ learningRate: 0.5, beakers: m, form: 'coupled' });
      if (!fits(n, m, 'buffer')) {
        row.note = 'slot buffer exceeds maxBufferSize';
      } else {
        row.fusedMs = await guarded(
          `tridiagonal n=${n} m=${m}`,
          () => timeOptimizer(make(), n, reps, expected, log),
          log,
        );
      }
      if (!fits(n, m, 'binding')) {
        row.note = `${row.note ? `${row.note}; ` : ''}generic ops: slot exceeds maxStorageBufferBindingSize`;
      } else {
        tf.unregisterKernel(TRIDIAGONAL_STEP, 'webgpu');
        try {
          row.opsMs = await guarded(
            `coupled ops n=${n} m=${m}`,
            () => timeOptimizer(make(), n, reps, expected, log),
            log,
          );
        } finally {
          registerWebGPUKernels();
        }
      }
      rows.push(row);
      log(formatCoupledRow(row));
    }
  }
  return rows;
}

/** The header of the coupled table (Markdown). */
export const coupledHeader = [
  '| N | m | TridiagonalStep ms | TB/s | elementwise ops ms | ops / fused |',
  '| ---: | ---: | ---: | ---: | ---: | ---: |',
];

/** One row of the coupled table (Markdown). */
export function formatCoupledRow(r: CoupledRow): string {
  return (
    `| ${r.n.toExponential(0)} | ${r.m} | ${ms(r.fusedMs)} | ${tbs((2 * r.m + 1) * 4 * r.n, r.fusedMs)} | ` +
    `${ms(r.opsMs)} | ${ratio(r.opsMs, r.fusedMs, 1)} |${r.note ? ` ${r.note}` : ''}`
  );
}

const ms = (x: number | null) => (x === null ? 'n/a' : x < 0.1 ? x.toFixed(4) : x.toFixed(3));
const tbs = (bytes: number, x: number | null) =>
  x === null ? 'n/a' : (bytes / (x * 1e-3) / 1e12).toFixed(2);
const ratio = (a: number | null, b: number | null, digits = 2) =>
  a === null || b === null ? 'n/a' : (a / b).toFixed(digits);

/** Effective TB/s of the fused step (ideal bytes / time). */
export function fusedBandwidth(row: BenchRow): number | null {
  return row.fusedMs === null ? null : ((2 * row.k + 1) * 4 * row.n) / (row.fusedMs * 1e-3) / 1e12;
}

/** Effective TB/s of the copy kernel. */
export function copyBandwidth(row: BenchRow): number | null {
  return row.copyMs === null ? null : (8 * row.n) / (row.copyMs * 1e-3) / 1e12;
}

/** The header of the results table (Markdown). */
export const tableHeader = [
  '| N | k | fused ms | fused TB/s | % of copy | unfused ops ms | tfjs sgd ms | tfjs momentum ms | fused / momentum | copy ms | copy TB/s |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];

/** One row of the results table (Markdown). */
export function formatRow(r: BenchRow): string {
  const fbw = fusedBandwidth(r);
  const cbw = copyBandwidth(r);
  const pct = fbw === null || cbw === null ? 'n/a' : `${((100 * fbw) / cbw).toFixed(0)}%`;
  return (
    `| ${r.n.toExponential(0)} | ${r.k} | ${ms(r.fusedMs)} | ${tbs((2 * r.k + 1) * 4 * r.n, r.fusedMs)} | ${pct} | ` +
    `${ms(r.unfusedMs)} | ${ms(r.sgdMs)} | ${ms(r.momentumMs)} | ${ratio(r.fusedMs, r.momentumMs)} | ` +
    `${ms(r.copyMs)} | ${tbs(8 * r.n, r.copyMs)} |${r.note ? ` ${r.note}` : ''}`
  );
}

/** Checks the issue's targets on the rows; returns one line per target. */
export function targets(rows: BenchRow[]): string[] {
  const find = (n: number, k: number) => rows.find((r) => r.n === n && r.k === k);
  const out: string[] = [];
  const big = find(1e8, 4);
  if (big) {
    const fbw = fusedBandwidth(big);
    const cbw = copyBandwidth(big);
    const pct = fbw !== null && cbw !== null ? fbw / cbw : null;
    const rel =
      big.fusedMs !== null && big.momentumMs !== null ? big.fusedMs / big.momentumMs : null;
    out.push(
      `k=4, N=1e8: ${pct === null ? 'n/a' : `${(100 * pct).toFixed(0)}%`} of copy bandwidth (target ≥ 70%): ${pct !== null && pct >= 0.7 ? 'met' : 'NOT met'}`,
      `k=4, N=1e8: ${rel === null ? 'n/a' : `${rel.toFixed(3)}×`} tfjs momentum time (target ≤ 0.2×): ${rel !== null && rel <= 0.2 ? 'met' : 'NOT met'}`,
    );
  }
  const small = find(1e6, 2);
  if (small) {
    const rel =
      small.fusedMs !== null && small.momentumMs !== null ? small.fusedMs / small.momentumMs : null;
    out.push(
      `k=2, N=1e6: ${rel === null ? 'n/a' : `${rel.toFixed(2)}×`} tfjs momentum time (target ≤ 1×): ${rel !== null && rel <= 1 ? 'met' : 'NOT met'}`,
    );
  }
  return out;
}
