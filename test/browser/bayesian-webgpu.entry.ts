// The fused Bayesian multiscale kernels on tfjs's webgpu backend, in headless Chromium on the
// SwiftShader WebGPU adapter (see bayesian-webgpu.spec.ts): fused = generic tfjs ops (the same
// optimizer with the fused kernels unregistered) = the float64 mean-field Kalman filter of
// test/bayesian-fused.test.ts, in weights and in state. Each suite function computes in the page
// and returns plain numbers; the spec makes the assertions.
import '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs';
import { bayesianMultiscale } from '../../src/index.js';
import {
  BAYESIAN_INNOVATION,
  BAYESIAN_STEP,
  hasBayesianKernels,
} from '../../src/kernels/bayesian-step-kernel.js';
import { registerWebGPUKernels } from '../../src/kernels/webgpu/index.js';
import { maxAbs, maxAbsDiff, normals } from '../helpers/backends.js';
import { type Case, Reference } from '../helpers/bayesian-reference.js';

/** Result of comparing actual values with expected ones. */
interface Comparison {
  diff: number;
  scale: number;
}

function compare(actual: ArrayLike<number>, expected: ArrayLike<number>): Comparison {
  return { diff: maxAbsDiff(actual, expected), scale: maxAbs(expected) };
}

async function useWebGPU(): Promise<void> {
  if (!(await tf.setBackend('webgpu'))) throw new Error('backend webgpu failed');
  await tf.ready();
  registerWebGPUKernels();
}

/** Runs `fn` with the webgpu Bayesian kernels unregistered: the optimizer's generic ops path. */
async function generic<T>(fn: () => Promise<T>): Promise<T> {
  const kernels = [BAYESIAN_STEP, BAYESIAN_INNOVATION].map((name) => tf.getKernel(name, 'webgpu'));
  for (const k of kernels) if (k) tf.unregisterKernel(k.kernelName, 'webgpu');
  try {
    if (hasBayesianKernels('webgpu')) throw new Error('the fused kernels are still registered');
    return await fn();
  } finally {
    for (const k of kernels) if (k) tf.registerKernel(k);
  }
}

/**
 * ĥ of `'given'` cases: h = 0.5 + sin²(w + 1) of the weights before the step, computed in float64
 * by the test (read back asynchronously) and handed over as a tensor, so that the optimizer's
 * first-step check of h reads CPU-resident values. (tfjs-webgpu's synchronous read goes through a
 * canvas; on the SwiftShader adapter in headless Chromium it returns zeros and loses the device.)
 */
async function givenCurvature(vars: tf.Variable[]): Promise<Float32Array[]> {
  return Promise.all(
    vars.map(async (v) => Float32Array.from(await v.data(), (x) => 0.5 + Math.sin(x + 1) ** 2)),
  );
}

/**
 * Counts the backend's reads of data that lives on the GPU only (a read of a tensor that still has
 * its values on the CPU, as tfjs-webgpu does for small uploaded inputs, moves nothing) while `fn`
 * runs.
 */
function countReads(fn: () => void): number {
  const backend = tf.backend() as unknown as Record<
    'read' | 'readSync',
    (dataId: object) => unknown
  > & { tensorMap: { get(dataId: object): { values?: unknown } | undefined } };
  const original = { read: backend.read, readSync: backend.readSync };
  let reads = 0;
  for (const name of ['read', 'readSync'] as const) {
    backend[name] = (dataId: object) => {
      if (backend.tensorMap.get(dataId)?.values == null) reads++;
      return original[name].call(backend, dataId);
    };
  }
  try {
    fn();
  } finally {
    backend.read = original.read;
    backend.readSync = original.readSync;
  }
  return reads;
}

/**
 * `steps` seeded steps of one optimizer (the gradient stream of test/bayesian-fused.test.ts);
 * returns weights, subweights and variances, the kernels of the last step but one, the reads
 * to the CPU during the last, and the backend buffers gained from the first step to the last
 * (steps ≥ 3).
 */
async function run(c: Case, steps: number, seed: number) {
  const curvatures = new Map<string, Float32Array>();
  const opt = bayesianMultiscale({
    gamma: c.gamma,
    priorVariance: c.p,
    observationNoise: c.sigma2,
    innovation: c.innovation,
    curvature:
      c.curvature === 'given'
        ? ({ name, value }) => tf.tensor(curvatures.get(name) as Float32Array, value.shape)
        : c.curvature,
  });
  const sizes = c.shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const w0 = sizes.map((n, i) => Float32Array.from(normals(seed + i, n)));
  const vars = c.shapes.map((s, i) => tf.variable(tf.tensor(w0[i] as Float32Array, s)));
  const ref = new Reference(c, w0);
  let kernels: string[] = [];
  let reads = -1;
  let heldAfterFirst = 0;
  let leaked = -1;
  for (let t = 0; t < steps; t++) {
    const grads = sizes.map((n, i) =>
      Float32Array.from(normals(1000 * seed + 10 * t + i, n), (x) => 0.7 * x),
    );
    const curv = c.curvature === 'given' ? await givenCurvature(vars) : null;
    vars.forEach((v, i) => {
      if (curv) curvatures.set(v.name, curv[i] as Float32Array);
    });
    ref.step(grads, curv);
    const map: tf.NamedTensorMap = {};
    vars.forEach((v, i) => {
      map[v.name] = tf.tensor(grads[i] as Float32Array, c.shapes[i]);
    });
    if (t === steps - 2) {
      kernels = (await tf.profile(() => opt.applyGradients(map))).kernelNames;
    } else if (t === steps - 1) {
      // Not under tf.profile, which reads every kernel's output back to check it.
      reads = countReads(() => opt.applyGradients(map));
    } else opt.applyGradients(map);
    tf.dispose(Object.values(map));
    // Buffers the backend holds (tensors, and a kernel's intermediates it failed to release).
    const held = tf.engine().backend.numDataIds();
    if (t === 0) heldAfterFirst = held;
    else if (t === steps - 1) leaked = held - heldAfterFirst;
  }
  const out = await Promise.all(
    vars.map(async (v) => {
      const parts = opt.subweights(v);
      const variances = opt.variances(v);
      const r = {
        w: Array.from(await v.data()),
        parts: Array.from(await parts.data()),
        variances: Array.from(await variances.data()),
      };
      tf.dispose([parts, variances]);
      return r;
    }),
  );
  const expected = vars.map((_, w) => ({
    w: ref.weight(w),
    parts: (ref.mu[w] as Float64Array[]).flatMap((m) => Array.from(m)),
    variances: (ref.v[w] as Float64Array[]).flatMap((m) => Array.from(m)),
  }));
  opt.dispose();
  tf.dispose(vars);
  return {
    out,
    expected,
    kernels,
    reads,
    leaked,
    moved: maxAbsDiff(expected[0]?.w ?? [], w0[0] ?? []),
  };
}

type Quantity = 'w' | 'parts' | 'variances';

/**
 * Runs `fn` with some of the webgpu device's limits replaced (the kernels and tfjs read them at
 * every dispatch), then restores them.
 */
async function withLimits<T>(limits: Record<string, number>, fn: () => Promise<T>): Promise<T> {
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  const all: Record<string, number> = {};
  for (const key in device.limits)
    all[key] = (device.limits as unknown as Record<string, number>)[key] as number;
  Object.defineProperty(device, 'limits', { value: { ...all, ...limits }, configurable: true });
  try {
    return await fn();
  } finally {
    delete (device as unknown as { limits?: unknown }).limits;
  }
}

Object.assign(globalThis, {
  suite: {
    /** Switches to webgpu, registers the fused kernels, reports the adapter. */
    async init() {
      tf.enableProdMode();
      await useWebGPU();
      const backend = tf.backend() as unknown as {
        adapterInfo?: { vendor?: string; architecture?: string };
      };
      return {
        backend: tf.getBackend(),
        adapter: `${backend.adapterInfo?.vendor} ${backend.adapterInfo?.architecture}`,
        fused: hasBayesianKernels('webgpu'),
      };
    },

    /**
     * One case, fused and generic, against the float64 reference: per weight and per quantity
     * (w, the k subweight means, the k variances) a comparison for each pair, plus the kernels and
     * CPU reads of the fused path's last step. `limits` lowers device limits (the kernels read
     * them at every dispatch): `maxComputeWorkgroupsPerDimension`, so small weights exercise the
     * grid-stride loops that large ones need on a real GPU; `maxStorageBufferBindingSize`, so a
     * small slot is too large for one binding.
     */
    async equivalence(c: Case, steps: number, seed: number, limits?: Record<string, number>) {
      await useWebGPU();
      return withLimits(limits ?? {}, async () => {
        const fused = await run(c, steps, seed);
        const ops = await generic(() => run(c, steps, seed));
        const result: Record<string, Record<Quantity, Comparison>[]> = {
          fusedVsReference: [],
          genericVsReference: [],
          fusedVsGeneric: [],
        };
        fused.expected.forEach((want, w) => {
          const got = fused.out[w] as (typeof fused.out)[number];
          const other = ops.out[w] as (typeof ops.out)[number];
          const each = (a: typeof got, b: typeof want) => ({
            w: compare(a.w, b.w),
            parts: compare(a.parts, b.parts),
            variances: compare(a.variances, b.variances),
          });
          result.fusedVsReference?.push(each(got, want));
          result.genericVsReference?.push(each(other, want));
          result.fusedVsGeneric?.push(each(got, other));
        });
        return {
          ...result,
          kernels: fused.kernels,
          genericKernels: ops.kernels,
          reads: fused.reads,
          leaked: { fused: fused.leaked, generic: ops.leaked },
          moved: fused.moved,
        };
      });
    },

    /**
     * With `maxStorageBufferBindingSize` lowered to `bytes`: the error of a fused step whose slot
     * exceeds it (k = 3, n = 100: 2000 bytes), and whether a weight whose slot fits (n = 20:
     * 400 bytes) still steps.
     */
    async oversizedSlot(bytes: number) {
      await useWebGPU();
      return withLimits({ maxStorageBufferBindingSize: bytes }, async () => {
        const step = async (n: number) => {
          const opt = bayesianMultiscale({
            gamma: [0.5, 0.9, 1],
            priorVariance: 1,
            observationNoise: 1,
          });
          const w = tf.variable(tf.ones([n]));
          const g = tf.fill([n], 0.1);
          try {
            opt.applyGradients({ [w.name]: g });
            const moved = (await w.data()).every((x) => x < 1);
            return { moved, error: null };
          } catch (e) {
            return { moved: false, error: String(e) };
          } finally {
            opt.dispose();
            tf.dispose([w, g]);
          }
        };
        return { large: await step(100), small: await step(20) };
      });
    },

    /**
     * A NaN gradient entry: the weights after one step with it and with a 0 in its place (fused or
     * generic path), as in test/bayesian-fused.test.ts.
     */
    async nanGradient(innovation: 'shared' | 'perRow', path: 'fused' | 'generic') {
      await useWebGPU();
      const go = async (gv: number[]) => {
        const opt = bayesianMultiscale({
          timescales: [3, 300],
          priorVariance: 1,
          observationNoise: 1,
          innovation,
        });
        const a = tf.variable(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]));
        const b = tf.variable(tf.tensor1d([0.5, -0.5]));
        const ga = tf.tensor2d(gv, [2, 3]);
        const gb = tf.tensor1d([0.3, 0.1]);
        opt.applyGradients({ [a.name]: ga, [b.name]: gb });
        const out = [...(await a.data()), ...(await b.data())];
        opt.dispose();
        tf.dispose([a, b, ga, gb]);
        return out;
      };
      const both = async () => [
        await go([0.1, Number.NaN, -0.2, 0.4, 0.5, -0.6]),
        await go([0.1, 0, -0.2, 0.4, 0.5, -0.6]),
      ];
      const [withNaN, withZero] = path === 'fused' ? await both() : await generic(both);
      return { withNaN, withZero };
    },

    /**
     * A zero-size variable next to another one, for every innovation and empty shape: the other
     * variable's weights with and without it (two steps), and the empty variable's shape after.
     */
    async zeroSize(path: 'fused' | 'generic') {
      await useWebGPU();
      const out: { shape: number[]; w: number[]; without: number[] }[] = [];
      for (const innovation of ['shared', 'perRow', 'perWeight'] as const) {
        for (const shape of [[0], [0, 3], [3, 0]]) {
          const go = async (withEmpty: boolean) => {
            const opt = bayesianMultiscale({
              timescales: [3, 300],
              priorVariance: 1,
              observationNoise: 1,
              innovation,
            });
            const empty = tf.variable(tf.zeros(shape));
            const other = tf.variable(tf.tensor1d([0.5, -1]));
            const ge = tf.zeros(shape);
            const gOther = tf.tensor1d([0.3, -0.2]);
            const map: tf.NamedTensorMap = { [other.name]: gOther };
            if (withEmpty) map[empty.name] = ge;
            opt.applyGradients(map);
            opt.applyGradients(map);
            const r = { shape: empty.shape, w: Array.from(await other.data()) };
            opt.dispose();
            tf.dispose([empty, other, ge, gOther]);
            return r;
          };
          const both = async () => [await go(true), await go(false)] as const;
          const [got, without] = path === 'fused' ? await both() : await generic(both);
          out.push({ shape: got.shape, w: got.w, without: without.w });
        }
      }
      return out;
    },
  },
});
