// The fused Bayesian multiscale kernels on tfjs's webgpu backend, in headless Chromium on the
// SwiftShader WebGPU adapter (see bayesian-webgpu.spec.ts): fused = generic tfjs ops (the same
// optimizer with the fused kernels unregistered) = the float64 mean-field Kalman filter of
// test/bayesian-fused.test.ts, in weights and in state. Each suite function computes in the page
// and returns plain numbers; the spec makes the assertions.
import '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs';
import { bayesianMultiscale } from '../../src/index.js';
import { hasBayesianKernels } from '../../src/kernels/bayesian-step-kernel.js';
import { registerWebGPUKernels } from '../../src/kernels/webgpu/index.js';
import {
  compareCase,
  emptyWeights,
  nanEntry,
  scalarWeight,
} from '../helpers/bayesian-equivalence.js';
import type { Case } from '../helpers/bayesian-reference.js';

async function useWebGPU(): Promise<void> {
  if (!(await tf.setBackend('webgpu'))) throw new Error('backend webgpu failed');
  await tf.ready();
  registerWebGPUKernels();
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
      // 'given' ĥ handed over as values: the optimizer's first-step check of h reads them
      // synchronously, which tfjs-webgpu cannot do on this adapter (see bayesian-equivalence.ts).
      return withLimits(limits ?? {}, () =>
        compareCase('webgpu', c, steps, seed, { curvature: 'values', countReads }),
      );
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

    /** The checks every backend runs (bayesian-equivalence.ts). */
    async nanEntry(innovation: 'shared' | 'perRow', path: 'fused' | 'generic') {
      await useWebGPU();
      return nanEntry('webgpu', innovation, path);
    },
    async emptyWeights(path: 'fused' | 'generic') {
      await useWebGPU();
      return emptyWeights('webgpu', path);
    },
    async scalarWeight(path: 'fused' | 'generic') {
      await useWebGPU();
      return scalarWeight('webgpu', path);
    },
  },
});
