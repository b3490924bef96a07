// The wasm kernels on memory above 2 GiB (issue 15, item 1). tfjs-wasm grows its heap up to
// 4 GiB, so addresses ≥ 2³¹ are real: a signed `>> 2` or an Int32Array pointer turns them
// negative. This file holds a 2.3 GB allocation while it runs, so it sits in a file (a fork) of its
// own and frees it at the end.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bennaFusiDynamics, multiscale, pivotIndex } from '../src/index.js';
import { runBayesianStepKernel } from '../src/kernels/bayesian-step-kernel.js';
import { runMultiscaleStepKernel } from '../src/kernels/multiscale-step-kernel.js';
import { runTridiagonalStepKernel } from '../src/kernels/tridiagonal-step-kernel.js';
import { tridiagonalBands } from '../src/optimizers/linear-dynamics-optimizer.js';
import { normals, useBackend } from './helpers/backends.js';
import { sampleMultiscale } from './kernels-reference.js';

const TWO_GIB = 2 ** 31;
/** Sizes with a SIMD part and a scalar tail (4-wide step, 8-wide tridiagonal). */
const SIZES = [7, 13, 64];

interface Outputs {
  value: Float32Array;
  slot: Float32Array;
}

const constants = (() => {
  const opt = multiscale(sampleMultiscale(4, 3));
  const c = opt.constants;
  opt.dispose();
  return c;
})();
const chain = bennaFusiDynamics({ learningRate: 0.5, beakers: 5 });
const bands = tridiagonalBands(chain, pivotIndex(chain.readout));

function inputs(n: number, rows: number): [Float32Array, Float32Array, Float32Array] {
  return [
    Float32Array.from(normals(n, n)),
    Float32Array.from(normals(n + 1, n)),
    Float32Array.from(normals(n + 2, rows * n)),
  ];
}

const bayesAttrs = {
  gamma: [0.5, 0.9, 1],
  processNoise: [0.1, 0.05, 0],
  pivot: 2,
  observationNoise: 0.5,
  curvature: 'fisher' as const,
  innovation: 'shared' as const,
  groups: 1,
};

/** The kernels on the active backend; `addresses` collects every byte address the wasm ones touch. */
function runBoth(
  n: number,
  addresses?: number[],
): { step: Outputs; tridiagonal: Outputs; bayesian: Outputs } {
  return tf.tidy(() => {
    const note = (...ts: tf.Tensor[]) => {
      if (addresses === undefined) return;
      const be = tf.backend() as unknown as { getMemoryOffset(id: object): number };
      for (const t of ts) addresses.push(be.getMemoryOffset(t.dataId) >>> 0);
    };
    const r = constants.decays.length;
    const [wv, gv, sv] = inputs(n, r);
    const w = tf.tensor1d(wv);
    const g = tf.tensor1d(gv);
    const s = tf.tensor2d(sv, [r, n]);
    const step = runMultiscaleStepKernel(w, g, s, constants);
    const k = chain.readout.length;
    const s2 = tf.tensor2d(inputs(n, k - 1)[2], [k - 1, n]);
    const tri = runTridiagonalStepKernel(w, g, s2, bands as NonNullable<typeof bands>);
    const s3 = tf.abs(tf.tensor2d(inputs(n, 5)[2], [5, n]));
    const bayes = runBayesianStepKernel(
      { value: w, gradient: g, slot: s3, sum: tf.scalar(1.7) },
      bayesAttrs,
    );
    note(w, g, s, s2, s3, step.value, step.slot as tf.Tensor, tri.value, tri.slot, bayes.value);
    return {
      step: {
        value: step.value.dataSync() as Float32Array,
        slot: (step.slot as tf.Tensor).dataSync() as Float32Array,
      },
      tridiagonal: {
        value: tri.value.dataSync() as Float32Array,
        slot: tri.slot.dataSync() as Float32Array,
      },
      bayesian: {
        value: bayes.value.dataSync() as Float32Array,
        slot: bayes.slot.dataSync() as Float32Array,
      },
    };
  });
}

describe('wasm kernels on a heap above 2 GiB', () => {
  const onCpu = new Map<number, ReturnType<typeof runBoth>>();
  let held = 0;
  const heap = () =>
    (tf.backend() as unknown as { wasm: { _malloc(n: number): number; _free(p: number): void } })
      .wasm;

  beforeAll(async () => {
    await useBackend('cpu');
    for (const n of SIZES) onCpu.set(n, runBoth(n));
    await useBackend('wasm');
    // 2.3 GB straight from the backend's allocator (as a tensor would get it, without writing
    // its pages): everything allocated after it lies above 2 GiB.
    held = heap()._malloc(2.3e9) >>> 0;
    expect(held).not.toBe(0);
  });

  afterAll(() => {
    if (held !== 0) heap()._free(held);
    held = 0;
  });

  for (const n of SIZES) {
    it(`n = ${n}: MultiscaleStep, TridiagonalStep and the Bayesian step equal the cpu kernels`, () => {
      const addresses: number[] = [];
      const got = runBoth(n, addresses);
      // The test means something only if the data really lies above 2 GiB.
      expect(Math.min(...addresses)).toBeGreaterThanOrEqual(TWO_GIB);
      const want = onCpu.get(n) as ReturnType<typeof runBoth>;
      for (const kernel of ['step', 'tridiagonal', 'bayesian'] as const) {
        for (const part of ['value', 'slot'] as const) {
          const a = got[kernel][part];
          const b = want[kernel][part];
          expect(a.length, `${kernel} ${part}`).toBe(b.length);
          // cpu rounds once per entry, wasm SIMD once per operation: a few float32 ulps of
          // terms of order 1 apart. A wrong address gives zeros or another array's values.
          for (let i = 0; i < a.length; i++) {
            const tol = 1e-5 * Math.max(1, Math.abs(b[i] as number));
            expect(
              Math.abs((a[i] as number) - (b[i] as number)),
              `${kernel} ${part}[${i}]`,
            ).toBeLessThanOrEqual(tol);
          }
        }
      }
    });
  }
});
