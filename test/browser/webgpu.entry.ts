// The optimizer equivalence tests on tfjs's webgpu backend, run in headless Chromium on the
// SwiftShader WebGPU adapter (see webgpu.spec.ts). Each suite function computes in the page and
// returns plain numbers; the spec makes the assertions.
import '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs';
import { bennaFusi, MultiscaleOptimizer, momentum, multiscale } from '../../src/index.js';
import { hasMultiscaleStepKernel, MULTISCALE_STEP } from '../../src/kernels/index.js';
import { registerMultiscaleStepKernel } from '../../src/kernels/multiscale-step-kernel.js';
import {
  registerTridiagonalStepKernel,
  runTridiagonalStepKernel,
  type TridiagonalStepAttrs,
  tridiagonalStepOps,
} from '../../src/kernels/tridiagonal-step-kernel.js';
import { bindingLimits, lanes } from '../../src/kernels/webgpu/direct-pass.js';
import { registerWebGPUKernels } from '../../src/kernels/webgpu/index.js';
import { multiscaleStepWebGPU } from '../../src/kernels/webgpu/multiscale-step.js';
import { type StepSplit, stepSplit } from '../../src/kernels/webgpu/split-step.js';
import { tridiagonalStepWebGPU } from '../../src/kernels/webgpu/tridiagonal.js';
import { maxAbs, maxAbsDiff, normals } from '../helpers/backends.js';
import { beakerFinal } from '../helpers/beakers.js';

/** Result of comparing an actual weight vector with an expected one. */
interface Comparison {
  diff: number;
  scale: number;
}

function compare(actual: ArrayLike<number>, expected: ArrayLike<number>): Comparison {
  return { diff: maxAbsDiff(actual, expected), scale: maxAbs(expected) };
}

async function use(backend: 'webgpu' | 'cpu'): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed`);
  await tf.ready();
}

/** Shapes of the variables the optimizers train: a small dense network's kernels and biases. */
const SHAPES = [[6, 12], [12], [12, 3], [3]];

/**
 * Applies the same seeded gradient stream to two sets of variables, one trained by ours and one by
 * tfjs's optimizer, for `steps` steps (the gradients are drawn once and fed to both, so the
 * comparison is between the two update rules, not between two training runs).
 */
async function againstTfjs(ours: tf.Optimizer, theirs: tf.Optimizer, steps: number) {
  const sizes = SHAPES.map((s) => s.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  const start = normals(5, total);
  const grads = normals(6, total * steps);
  const results: Float32Array[] = [];
  for (const optimizer of [ours, theirs]) {
    let at = 0;
    const vars = SHAPES.map((shape, i) => {
      const v = tf.variable(
        tf.tensor(Float32Array.from(start.subarray(at, at + (sizes[i] as number))), shape),
      );
      at += sizes[i] as number;
      return v;
    });
    for (let t = 0; t < steps; t++) {
      let offset = t * total;
      const named = vars.map((v, i) => {
        const g = tf.tensor(
          Float32Array.from(grads.subarray(offset, offset + (sizes[i] as number))),
          SHAPES[i],
        );
        offset += sizes[i] as number;
        return { name: v.name, tensor: g };
      });
      optimizer.applyGradients(named);
      tf.dispose(named.map((x) => x.tensor));
    }
    const parts = await Promise.all(vars.map((v) => v.data() as Promise<Float32Array>));
    const out = new Float32Array(total);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    results.push(out);
    tf.dispose(vars);
    optimizer.dispose();
  }
  const [a, b] = results as [Float32Array, Float32Array];
  return { ...compare(a, b), moved: maxAbsDiff(b, start) };
}

/**
 * Runs `steps` multiscale steps on one weight vector; returns w and the k subweights. Each
 * `applyGradients` (the first one also makes the slot) runs inside `around`.
 */
async function runMultiscale(
  alpha: number[],
  gamma: number[],
  w0: Float64Array,
  grads: Float64Array,
  steps: number,
  around: (step: () => void) => void = (step) => step(),
) {
  const n = w0.length;
  const opt = new MultiscaleOptimizer({ alpha, gamma });
  const w = tf.variable(tf.tensor1d(Float32Array.from(w0)));
  for (let t = 0; t < steps; t++) {
    const g = tf.tensor1d(Float32Array.from(grads.subarray(t * n, (t + 1) * n)));
    around(() => opt.applyGradients({ [w.name]: g }));
    g.dispose();
  }
  const parts = opt.subweights(w);
  const out = { w: Array.from(await w.data()), parts: Array.from(await parts.data()) };
  tf.dispose([w, parts]);
  opt.dispose();
  return out;
}

/** The float64 reference: ω_i ← γ_i ω_i − α_i g, all of w0 in the slowest subweight. */
function referenceMultiscale(
  alpha: number[],
  gamma: number[],
  w0: Float64Array,
  grads: Float64Array,
  steps: number,
) {
  const n = w0.length;
  const k = gamma.length;
  let pivot = 0;
  gamma.forEach((g, i) => {
    if (Math.abs(g) > Math.abs(gamma[pivot] as number)) pivot = i;
  });
  const parts = new Float64Array(k * n);
  for (let j = 0; j < n; j++) parts[pivot * n + j] = w0[j] as number;
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < n; j++) {
        parts[i * n + j] =
          (gamma[i] as number) * (parts[i * n + j] as number) -
          (alpha[i] as number) * (grads[t * n + j] as number);
      }
    }
  }
  const w = new Float64Array(n);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < n; j++) w[j] = (w[j] as number) + (parts[i * n + j] as number);
  return { w, parts };
}

/** Names of the kernels one optimizer step runs (to check that the fused kernel is the one used). */
async function kernelsOfOneStep(alpha: number[], gamma: number[], n: number): Promise<string[]> {
  const opt = new MultiscaleOptimizer({ alpha, gamma });
  const w = tf.variable(tf.zeros([n]));
  const g = tf.ones([n]);
  opt.applyGradients({ [w.name]: g }); // creates the slot
  const info = await tf.profile(() => opt.applyGradients({ [w.name]: g }));
  tf.dispose([w, g]);
  opt.dispose();
  return info.kernelNames;
}

/** Runs a step while `withLimits` records the bind groups it creates. */
type Recorder = (step: () => void) => void;

/**
 * Runs `f` with some of the webgpu device's limits replaced by `overrides` (tfjs and the fused
 * kernels read `device.limits` at every dispatch; binding less than the real device allows is
 * valid), and records the storage bindings of every bind group created inside a fused kernel or
 * inside a step `f` passes to its recorder.
 */
async function withLimits<T>(
  overrides: Record<string, number>,
  f: (record: Recorder) => Promise<T>,
) {
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  const limits: Record<string, number> = {};
  for (const key in device.limits)
    limits[key] = (device.limits as unknown as Record<string, number>)[key] as number;
  const seen = { ...limits, ...overrides };
  let recording = 0;
  let calls = 0;
  const groups: Array<Array<{ offset: number; size: number }>> = [];
  const createBindGroup = device.createBindGroup;
  device.createBindGroup = function (this: GPUDevice, descriptor: GPUBindGroupDescriptor) {
    if (recording > 0) {
      const storage: Array<{ offset: number; size: number }> = [];
      for (const entry of descriptor.entries) {
        const { buffer, offset = 0, size } = entry.resource as GPUBufferBinding;
        if ((buffer.usage & GPUBufferUsage.STORAGE) !== 0) {
          storage.push({ offset, size: size ?? buffer.size - offset });
        }
      }
      groups.push(storage);
    }
    return createBindGroup.call(this, descriptor);
  };
  const recorded =
    <A>(kernel: (args: A) => tf.TensorInfo[]) =>
    (args: A) => {
      recording++;
      calls++;
      try {
        return kernel(args);
      } finally {
        recording--;
      }
    };
  const record: Recorder = (step) => {
    recording++;
    try {
      step();
    } finally {
      recording--;
    }
  };
  registerMultiscaleStepKernel('webgpu', recorded(multiscaleStepWebGPU));
  registerTridiagonalStepKernel('webgpu', recorded(tridiagonalStepWebGPU));
  Object.defineProperty(device, 'limits', { value: seen, configurable: true });
  device.pushErrorScope('validation');
  let popped = false;
  try {
    const result = await f(record);
    // A binding WebGPU rejects (too large, misaligned, writable ranges that overlap) is a
    // validation error, not an exception: the dispatch is dropped and its outputs stay zero.
    const validation = await device.popErrorScope();
    popped = true;
    const bindings = groups.flat();
    const alignment = seen.minStorageBufferOffsetAlignment as number;
    return {
      result,
      validationError: validation?.message ?? '',
      /** Kernel calls and the bind groups (= dispatches) they made. */
      calls,
      dispatches: groups.length,
      /** The largest storage binding, in bytes. */
      largest: Math.max(0, ...bindings.map((b) => b.size)),
      /** Storage bindings whose offset is not a multiple of minStorageBufferOffsetAlignment. */
      misaligned: bindings.filter((b) => b.offset % alignment !== 0).length,
      /** The most storage bindings one dispatch used. */
      mostBindings: Math.max(0, ...groups.map((g) => g.length)),
    };
  } finally {
    if (!popped) await device.popErrorScope();
    delete (device as unknown as { limits?: unknown }).limits;
    delete (device as unknown as { createBindGroup?: unknown }).createBindGroup;
    registerWebGPUKernels();
  }
}

/** The split the fused kernels choose for `rows` slot rows of n weights under the current limits. */
function splitFor(rows: number, n: number): StepSplit {
  const width = lanes(n);
  return stepSplit(bindingLimits(tf.backend()), n / width, width, rows, {
    kernel: 'test',
    k: rows + 1,
    n,
  });
}

/** Step sizes for the multiscale tests: α_i > 0, γ spread over (0.5, 1] with the slowest 1. */
function multiscaleConstants(k: number) {
  const alpha = Array.from(normals(100 + k, k), (z) => 0.05 * Math.abs(z) + 0.01);
  const gamma = Array.from({ length: k }, (_, i) => (i === 0 ? 1 : 1 - 0.5 * ((i + 0.5) / k)));
  return { alpha, gamma };
}

/**
 * The fused multiscale step through `MultiscaleOptimizer`, then the generic tfjs-ops path (kernel
 * unregistered), both on webgpu, against the float64 reference. Errors are returned, not thrown.
 */
async function multiscaleFusedAndGeneric(
  k: number,
  n: number,
  steps: number,
  record: Recorder = (step) => step(),
) {
  const { alpha, gamma } = multiscaleConstants(k);
  const w0 = normals(200 + n, n);
  const grads = normals(300 + k, n * steps);
  const expected = referenceMultiscale(alpha, gamma, w0, grads, steps);
  const attempt = async (around?: Recorder) => {
    try {
      const out = await runMultiscale(alpha, gamma, w0, grads, steps, around);
      return { w: compare(out.w, expected.w), parts: compare(out.parts, expected.parts) };
    } catch (error) {
      return { error: String(error) };
    }
  };
  const fused = await attempt(record);
  tf.unregisterKernel(MULTISCALE_STEP, 'webgpu');
  try {
    return { fused, generic: await attempt(), moved: maxAbsDiff(expected.w, w0) };
  } finally {
    registerMultiscaleStepKernel('webgpu', multiscaleStepWebGPU);
  }
}

/** Random stable bands of a k-coordinate chain with w at `pivot` (a `TridiagonalStep`'s attrs). */
function randomBands(k: number, pivot: number): TridiagonalStepAttrs {
  const z = normals(400 + 10 * k + pivot, 4 * k);
  return {
    pivot,
    lower: Array.from({ length: k }, (_, j) => (j > 0 ? 0.1 * (z[j] as number) : 0)),
    diag: Array.from({ length: k }, (_, j) => 0.6 + 0.05 * (z[k + j] as number)),
    upper: Array.from({ length: k }, (_, j) => (j < k - 1 ? 0.1 * (z[2 * k + j] as number) : 0)),
    input: Array.from({ length: k }, (_, j) => 0.1 * (z[3 * k + j] as number)),
  };
}

/**
 * The TridiagonalStep kernel and the elementwise-ops path (both on webgpu) against a float64 loop
 * over the full state, `steps` steps on random stable bands with w at coordinate `pivot`.
 */
async function tridiagonalFusedAndOps(k: number, pivot: number, n: number, steps: number) {
  const attrs = randomBands(k, pivot);
  const x0 = normals(500 + k, k * n);
  const grads = normals(600 + k, n * steps);
  // Float64 reference on the full state, coordinate-major.
  let x = Float64Array.from(x0);
  for (let t = 0; t < steps; t++) {
    const next = new Float64Array(k * n);
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < n; i++) {
        let v = (attrs.diag[j] as number) * (x[j * n + i] as number);
        if (j > 0) v += (attrs.lower[j] as number) * (x[(j - 1) * n + i] as number);
        if (j < k - 1) v += (attrs.upper[j] as number) * (x[(j + 1) * n + i] as number);
        next[j * n + i] = v + (attrs.input[j] as number) * (grads[t * n + i] as number);
      }
    }
    x = next;
  }
  const split = (state: Float64Array) => {
    const rows = Array.from({ length: k }, (_, j) => state.subarray(j * n, (j + 1) * n));
    const w = rows.splice(pivot, 1)[0] as Float64Array;
    const slot = new Float64Array((k - 1) * n);
    rows.forEach((r, j) => {
      slot.set(r, j * n);
    });
    return { w, slot };
  };
  const start = split(x0);
  const expected = split(x);
  const run = async (fused: boolean) => {
    let w: tf.Tensor = tf.tensor1d(Float32Array.from(start.w));
    let slot: tf.Tensor = tf.tensor2d(Float32Array.from(start.slot), [k - 1, n]);
    for (let t = 0; t < steps; t++) {
      const g = tf.tensor1d(Float32Array.from(grads.subarray(t * n, (t + 1) * n)));
      const next = fused
        ? runTridiagonalStepKernel(w, g, slot, attrs)
        : tridiagonalStepOps(w, g, slot, attrs);
      tf.dispose([w, slot, g]);
      w = next.value;
      slot = next.slot;
    }
    const out = { w: await w.data(), slot: await slot.data() };
    tf.dispose([w, slot]);
    return out;
  };
  const fused = await run(true);
  const ops = await run(false);
  return {
    fusedVsReference: compare(fused.w, expected.w),
    slotVsReference: compare(fused.slot, expected.slot),
    opsVsReference: compare(ops.w, expected.w),
    opsSlotVsReference: compare(ops.slot, expected.slot),
    fusedVsOps: compare(fused.w, ops.w),
    moved: maxAbsDiff(expected.w, start.w),
  };
}

Object.assign(globalThis, {
  suite: {
    /** Switches to webgpu, registers the fused kernels, reports the adapter. */
    async init() {
      tf.enableProdMode();
      await use('webgpu');
      registerWebGPUKernels();
      const backend = tf.backend() as unknown as {
        adapterInfo?: { vendor?: string; architecture?: string };
      };
      return {
        backend: tf.getBackend(),
        adapter: `${backend.adapterInfo?.vendor} ${backend.adapterInfo?.architecture}`,
        fused: hasMultiscaleStepKernel('webgpu'),
      };
    },

    /**
     * Fused webgpu kernel vs the generic tfjs-ops path on webgpu vs the float64 reference vs the
     * cpu backend's result, for k subweights and n weights (n % 4 picks the vec4 or scalar shader).
     */
    async multiscaleEquivalence(k: number, n: number, steps: number) {
      const { alpha, gamma } = multiscaleConstants(k);
      const w0 = normals(200 + n, n);
      const grads = normals(300 + k, n * steps);
      const expected = referenceMultiscale(alpha, gamma, w0, grads, steps);
      await use('webgpu');
      registerWebGPUKernels();
      const fused = await runMultiscale(alpha, gamma, w0, grads, steps);
      const kernels = await kernelsOfOneStep(alpha, gamma, n);
      tf.unregisterKernel(MULTISCALE_STEP, 'webgpu');
      const generic = await runMultiscale(alpha, gamma, w0, grads, steps);
      registerMultiscaleStepKernel('webgpu', multiscaleStepWebGPU);
      await use('cpu');
      const cpu = await runMultiscale(alpha, gamma, w0, grads, steps);
      await use('webgpu');
      return {
        fusedVsReference: compare(fused.w, expected.w),
        genericVsReference: compare(generic.w, expected.w),
        fusedVsGeneric: compare(fused.w, generic.w),
        fusedVsCpu: compare(fused.w, cpu.w),
        partsVsReference: compare(fused.parts, expected.parts),
        moved: maxAbsDiff(expected.w, w0),
        kernels,
      };
    },

    /**
     * The TridiagonalStep kernel vs the elementwise-ops path (both on webgpu) vs a float64 loop, on
     * random stable bands with w at coordinate `pivot`; plus the kernels a coupled Benna–Fusi step
     * runs.
     */
    async tridiagonalEquivalence(k: number, pivot: number, n: number, steps: number) {
      await use('webgpu');
      registerWebGPUKernels();
      const comparisons = await tridiagonalFusedAndOps(k, pivot, n, steps);
      // The kernels a coupled Benna–Fusi step runs on webgpu.
      const opt = bennaFusi({ learningRate: 0.5, beakers: k, form: 'coupled' });
      const v = tf.variable(tf.zeros([n]));
      const g = tf.ones([n]);
      opt.applyGradients({ [v.name]: g });
      const info = await tf.profile(() => opt.applyGradients({ [v.name]: g }));
      tf.dispose([v, g]);
      opt.dispose();
      return { ...comparisons, kernels: info.kernelNames };
    },

    async momentumVsTfjs(form: 'diagonal' | 'coupled', nesterov: boolean) {
      await use('webgpu');
      return againstTfjs(
        momentum({ learningRate: 0.05, momentum: 0.9, nesterov, form }),
        tf.train.momentum(0.05, 0.9, nesterov),
        300,
      );
    },

    /**
     * The fused and generic paths with the device's `maxComputeWorkgroupsPerDimension` lowered to
     * `limit` (the backend reads it at every dispatch), so n = 10⁵ needs what n ≥ 10⁷ needs on a
     * real GPU: folded or grid-strided dispatches. Returns the comparisons, or the error.
     */
    async lowDispatchLimit(k: number, n: number, limit: number) {
      await use('webgpu');
      registerWebGPUKernels();
      const device = (tf.backend() as unknown as { device: GPUDevice }).device;
      const run = await withLimits({ maxComputeWorkgroupsPerDimension: limit }, async () => ({
        ...(await multiscaleFusedAndGeneric(k, n, 3)),
        // What the backend reads while the override is in place.
        seen: device.limits.maxComputeWorkgroupsPerDimension,
      }));
      return run.result;
    },

    /** The coupled chain (fused and elementwise ops) under a lowered dispatch limit. */
    async tridiagonalLowDispatchLimit(k: number, pivot: number, n: number, limit: number) {
      await use('webgpu');
      registerWebGPUKernels();
      const run = await withLimits({ maxComputeWorkgroupsPerDimension: limit }, async () => {
        try {
          return await tridiagonalFusedAndOps(k, pivot, n, 3);
        } catch (error) {
          return { error: String(error) };
        }
      });
      return run.result;
    },

    /**
     * The multiscale step with the device's `maxStorageBufferBindingSize` lowered to `bytes` and
     * `maxStorageBuffersPerShaderStage` to WebGPU's minimum, 8: the fused kernel must bind the
     * slot as byte ranges over several dispatches (as k = 8 at N = 10⁸ needs on a real GPU).
     * Returns fused and generic vs float64, the split the kernel chose and what it bound.
     */
    async lowBindingLimit(k: number, n: number, bytes: number, steps: number) {
      await use('webgpu');
      registerWebGPUKernels();
      const limits = { maxStorageBufferBindingSize: bytes, maxStorageBuffersPerShaderStage: 8 };
      const run = await withLimits(limits, async (record) => ({
        // Every fused step is recorded, the first one with the slot's creation.
        ...(await multiscaleFusedAndGeneric(k, n, steps, record)),
        split: splitFor(k - 1, n),
      }));
      const { result, ...bound } = run;
      return { ...result, ...bound };
    },

    /** `lowBindingLimit` for the TridiagonalStep kernel (k coordinates, w at `pivot`). */
    async tridiagonalLowBindingLimit(
      k: number,
      pivot: number,
      n: number,
      bytes: number,
      steps: number,
    ) {
      await use('webgpu');
      registerWebGPUKernels();
      const limits = { maxStorageBufferBindingSize: bytes, maxStorageBuffersPerShaderStage: 8 };
      const run = await withLimits(limits, async () => ({
        ...(await tridiagonalFusedAndOps(k, pivot, n, steps)),
        split: splitFor(k - 1, n),
      }));
      const { result, ...bound } = run;
      return { ...result, ...bound };
    },

    /**
     * A coupled Benna–Fusi chain (`bennaFusi({form: 'coupled'})`, the TridiagonalStep kernel)
     * trained through `applyGradients` under the lowered binding limit of `lowBindingLimit`, every
     * step recorded (slot creation included), against the beaker equations in float64.
     */
    async bennaFusiLowBindingLimit(m: number, n: number, bytes: number, steps: number) {
      await use('webgpu');
      registerWebGPUKernels();
      const alpha = 0.5;
      const w0 = normals(1, n);
      const grads = normals(2, n * steps);
      const expected = beakerFinal(m, alpha, w0, grads, steps);
      const limits = { maxStorageBufferBindingSize: bytes, maxStorageBuffersPerShaderStage: 8 };
      const run = await withLimits(limits, async (record) => {
        const opt = bennaFusi({ learningRate: alpha, beakers: m, form: 'coupled' });
        const w = tf.variable(tf.tensor1d(Array.from(w0)));
        for (let t = 0; t < steps; t++) {
          const grad = tf.tensor1d(Float32Array.from(grads.subarray(t * n, (t + 1) * n)));
          record(() => opt.applyGradients({ [w.name]: grad }));
          grad.dispose();
        }
        const coupled = compare(await w.data(), expected);
        opt.dispose();
        w.dispose();
        return { coupled, moved: maxAbsDiff(expected, w0), split: splitFor(m - 1, n) };
      });
      const { result, ...bound } = run;
      return { ...result, ...bound };
    },

    /** The error the fused step gives when its slot would exceed `maxBufferSize` (lowered). */
    async slotBeyondMaxBufferSize(k: number, n: number) {
      await use('webgpu');
      registerWebGPUKernels();
      const run = await withLimits({ maxBufferSize: 4 * (k - 1) * n - 4 }, async () => {
        const opt = new MultiscaleOptimizer(multiscaleConstants(k));
        const w = tf.variable(tf.zeros([n]));
        const g = tf.ones([n]);
        try {
          opt.applyGradients({ [w.name]: g });
          return 'no error';
        } catch (error) {
          return String(error);
        } finally {
          tf.dispose([w, g]);
          opt.dispose();
        }
      });
      return run.result;
    },

    async sgdVsTfjs() {
      await use('webgpu');
      return againstTfjs(multiscale({ alpha: [0.1], gamma: [1] }), tf.train.sgd(0.1), 300);
    },

    /** Benna–Fusi, coupled and diagonal forms, against the beaker equations in float64. */
    async bennaFusi(m: number, steps: number) {
      await use('webgpu');
      const n = 16;
      const alpha = 0.5;
      const w0 = normals(1, n);
      const grads = normals(2, n * steps);
      const expected = beakerFinal(m, alpha, w0, grads, steps);
      const out: Record<string, Comparison> = {};
      for (const form of ['coupled', 'diagonal'] as const) {
        const opt = bennaFusi({ learningRate: alpha, beakers: m, form });
        const w = tf.variable(tf.tensor1d(Array.from(w0)));
        for (let t = 0; t < steps; t++) {
          const grad = tf.tensor1d(Float32Array.from(grads.subarray(t * n, (t + 1) * n)));
          opt.applyGradients({ [w.name]: grad });
          grad.dispose();
        }
        out[form] = compare(await w.data(), expected);
        opt.dispose();
        w.dispose();
      }
      return out;
    },
  },
});
