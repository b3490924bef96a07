import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  bennaFusiDynamics,
  type LinearDynamics,
  linearDynamicsOptimizer,
  momentumDynamics,
  multiscale,
  pivotIndex,
} from '../src/index.js';
import {
  hasMultiscaleStepKernel,
  MULTISCALE_STEP,
  runMultiscaleStepKernel,
} from '../src/kernels/multiscale-step-kernel.js';
import {
  hasTridiagonalStepKernel,
  runTridiagonalStepKernel,
  TRIDIAGONAL_STEP,
  tridiagonalStepOps,
} from '../src/kernels/tridiagonal-step-kernel.js';
import { instantiateStepFunctions } from '../src/kernels/wasm-simd.js';
import { tridiagonalBands } from '../src/optimizers/linear-dynamics-optimizer.js';
import {
  type MultiscaleStepConstants,
  multiscaleStepOps,
  stepTensors,
} from '../src/optimizers/multiscale-step.js';
import { BACKENDS, maxAbsDiff, normals, useBackend } from './helpers/backends.js';
import {
  coupledReference,
  EPS32,
  multiscaleReference as reference,
  roundingRatio,
  SHAPES,
  sampleMultiscale,
  scaledMiddle,
  uniforms,
} from './kernels-reference.js';

/** Step constants of a k-timescale multiscale optimizer with seeded, varied α and γ. */
function constantsFor(k: number, seed: number): MultiscaleStepConstants {
  const opt = multiscale(sampleMultiscale(k, seed));
  const c = opt.constants;
  opt.dispose();
  return c;
}

/** Asserts |actual − expected| ≤ terms·ε₃₂·scale entrywise (float32 rounding of each term). */
function expectRounding(
  label: string,
  actual: ArrayLike<number>,
  expected: Float64Array,
  scale: Float64Array,
  terms: number,
): void {
  expect(roundingRatio(actual, expected, scale, terms), label).toBeLessThanOrEqual(1);
}

for (const backend of process.env.ONLY_BACKEND ? [process.env.ONLY_BACKEND] : BACKENDS) {
  describe(`MultiscaleStep kernel on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });
    afterAll(() => {
      vi.restoreAllMocks();
    });

    it('is registered for this backend', () => {
      expect(hasMultiscaleStepKernel(backend)).toBe(true);
    });

    for (const k of [1, 2, 4, 8]) {
      it(`k = ${k}: fused = generic = float64 reference to float32 rounding, on ${SHAPES.length} shapes`, () => {
        const c = constantsFor(k, 10 + k);
        const t = k > 1 ? stepTensors(c) : null;
        SHAPES.forEach((shape, si) => {
          const n = shape.reduce((a, b) => a * b, 1);
          const wv = Float32Array.from(normals(100 * k + si, n));
          const gv = Float32Array.from(normals(200 * k + si, n));
          const sv = k > 1 ? Float32Array.from(normals(300 * k + si, (k - 1) * n)) : null;
          const ref = reference(wv, gv, sv, c);
          tf.tidy(() => {
            const w = tf.tensor(wv, shape);
            const g = tf.tensor(gv, shape);
            const s = sv === null ? null : tf.tensor(sv, [k - 1, ...shape]);
            const fused = runMultiscaleStepKernel(w, g, s, c);
            const generic = multiscaleStepOps(w, g, s, c, t);
            expect(fused.value.shape).toEqual(shape);
            for (const [name, out] of [
              ['fused', fused],
              ['generic', generic],
            ] as const) {
              expectRounding(
                `${name} w, shape [${shape}]`,
                out.value.dataSync(),
                ref.w,
                ref.scaleW,
                k + 2,
              );
              if (s !== null) {
                expect(out.slot?.shape).toEqual(s.shape);
                expectRounding(
                  `${name} slot, shape [${shape}]`,
                  (out.slot as tf.Tensor).dataSync(),
                  ref.s,
                  ref.scaleS,
                  k + 2,
                );
              } else {
                expect(out.slot).toBeNull();
              }
            }
            // The inputs are left as they were.
            expect(Array.from(w.dataSync())).toEqual(Array.from(wv));
            if (s !== null && sv !== null) expect(Array.from(s.dataSync())).toEqual(Array.from(sv));
          });
        });
        if (t) tf.dispose([t.decays, t.rates]);
      });
    }

    it('MultiscaleOptimizer steps run through the fused kernel, without leaking tensors', () => {
      const spy = vi.spyOn(tf.engine(), 'runKernel');
      const opt = multiscale({ alpha: [0.01, 0.1, -0.05, 0.2], gamma: [1, 0.9, 0.5, 0.99] });
      const w = tf.variable(tf.ones([17, 3]));
      const g = tf.fill([17, 3], 0.5);
      opt.applyGradients({ [w.name]: g });
      const before = tf.memory().numTensors;
      for (let i = 0; i < 20; i++) opt.applyGradients({ [w.name]: g });
      expect(tf.memory().numTensors).toBe(before);
      const calls = spy.mock.calls.filter(([name]) => name === MULTISCALE_STEP).length;
      expect(calls).toBe(21);
      // The generic path's constant tensors are made only when the generic path runs.
      expect(Reflect.get(opt, 'tensors')).toBeNull();
      spy.mockRestore();
      opt.dispose();
      tf.dispose([w, g]);
    });

    const coupled: [string, LinearDynamics][] = [
      ['momentum (k = 2)', momentumDynamics({ learningRate: 0.1, momentum: 0.9 })],
      ['scaled middle pivot (k = 3)', scaledMiddle],
      ['Benna–Fusi k = 5', bennaFusiDynamics({ learningRate: 0.5, beakers: 5 })],
      ['Benna–Fusi k = 8', bennaFusiDynamics({ learningRate: 0.5, beakers: 8 })],
    ];
    for (const [label, d] of coupled) {
      it(`TridiagonalStep, ${label}: kernel = ops = dense float64 reference to float32 rounding`, () => {
        expect(hasTridiagonalStepKernel(backend)).toBe(true);
        const k = d.readout.length;
        const bands = tridiagonalBands(d, pivotIndex(d.readout));
        expect(bands).not.toBeNull();
        SHAPES.forEach((shape, si) => {
          const n = shape.reduce((a, b) => a * b, 1);
          const wv = Float32Array.from(normals(400 * k + si, n));
          const gv = Float32Array.from(normals(500 * k + si, n));
          const sv = Float32Array.from(normals(600 * k + si, (k - 1) * n));
          const ref = coupledReference(d, wv, gv, sv);
          tf.tidy(() => {
            const w = tf.tensor(wv, shape);
            const g = tf.tensor(gv, shape);
            const s = tf.tensor(sv, [k - 1, ...shape]);
            const fused = runTridiagonalStepKernel(w, g, s, bands as NonNullable<typeof bands>);
            const ops = tridiagonalStepOps(w, g, s, bands as NonNullable<typeof bands>);
            for (const [name, out] of [
              ['kernel', fused],
              ['ops', ops],
            ] as const) {
              expect(out.value.shape).toEqual(shape);
              expect(out.slot.shape).toEqual(s.shape);
              expectRounding(`${name} w [${shape}]`, out.value.dataSync(), ref.w, ref.scaleW, 4);
              expectRounding(`${name} slot [${shape}]`, out.slot.dataSync(), ref.s, ref.scaleS, 4);
            }
          });
        });
      });
    }

    it('a dense T takes the dense path; the coupled Benna–Fusi optimizer runs TridiagonalStep', () => {
      const dense: LinearDynamics = {
        transition: [
          [0.9, 0.05, 0.01],
          [0.02, 0.99, 0.01],
          [0.03, 0.1, 0.5],
        ],
        input: [-0.1, 0, 0],
        readout: [1, 0, 0],
      };
      expect(tridiagonalBands(dense, 0)).toBeNull();
      expect(tridiagonalBands({ ...scaledMiddle, readout: [0.5, 2, 0] }, 1)).toBeNull();
      const spy = vi.spyOn(tf.engine(), 'runKernel');
      const opt = linearDynamicsOptimizer(bennaFusiDynamics({ learningRate: 0.5, beakers: 6 }));
      const w = tf.variable(tf.ones([10]));
      const g = tf.fill([10], 0.5);
      for (let i = 0; i < 5; i++) opt.applyGradients({ [w.name]: g });
      expect(spy.mock.calls.filter(([name]) => name === TRIDIAGONAL_STEP).length).toBe(5);
      spy.mockRestore();
      opt.dispose();
      tf.dispose([w, g]);
    });

    it('200 optimizer steps: fused path = generic path (kernel unregistered) to float32 rounding', () => {
      const run = () => {
        const opt = multiscale({ alpha: [0.02, 0.1, -0.03], gamma: [1, 0.95, 0.6] });
        const w = tf.variable(tf.tensor(Float32Array.from(normals(5, 300)), [300]));
        for (let i = 0; i < 200; i++) {
          const g = tf.tensor(Float32Array.from(normals(1000 + i, 300)), [300]);
          opt.applyGradients({ [w.name]: g });
          g.dispose();
        }
        const out = Float32Array.from(w.dataSync());
        opt.dispose();
        w.dispose();
        return out;
      };
      const fused = run();
      const kernel = tf.getKernel(MULTISCALE_STEP, backend);
      tf.unregisterKernel(MULTISCALE_STEP, backend);
      let generic: Float32Array;
      try {
        expect(hasMultiscaleStepKernel(backend)).toBe(false);
        generic = run();
      } finally {
        tf.registerKernel(kernel);
      }
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < fused.length; i++) {
        worst = Math.max(worst, Math.abs((fused[i] as number) - (generic[i] as number)));
        scale = Math.max(scale, Math.abs(generic[i] as number));
      }
      // 200 steps of float32 rounding in either path, each ≤ a few ε·|w|.
      expect(worst).toBeLessThanOrEqual(200 * 8 * EPS32 * scale);
      // The steps moved the weights well beyond that bound: the two paths did not both stand still.
      const start = normals(5, 300);
      expect(maxAbsDiff(generic, start)).toBeGreaterThan(100 * 200 * 8 * EPS32 * scale);
    });
  });
}

describe('the SIMD WebAssembly module', () => {
  for (const shared of [false, true]) {
    it(`instantiates against a ${shared ? 'shared (threaded tfjs)' : 'plain'} memory and steps`, () => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared });
      const fns = instantiateStepFunctions(memory);
      expect(fns).not.toBeNull();
      const f = new Float32Array(memory.buffer);
      const c = constantsFor(3, 7);
      const n = 8;
      const w = uniforms(1, n);
      const g = uniforms(2, n);
      const s = uniforms(3, 2 * n);
      // Byte layout: w @0, g @64, s @128, outW @256, outS @320, constants @448.
      f.set(w, 0);
      f.set(g, 16);
      f.set(s, 32);
      f.set(
        [
          c.pivotDecay,
          c.totalRate,
          ...c.decays.flatMap((d, j) => [d, c.rates[j] as number, c.cross[j] as number]),
        ],
        112,
      );
      fns?.step(0, 64, 128, 256, 320, n, n, 448, 2);
      const ref = reference(w, g, s, c);
      expectRounding('w', f.subarray(64, 64 + n), ref.w, ref.scaleW, 5);
      expectRounding('slot', f.subarray(80, 80 + 2 * n), ref.s, ref.scaleS, 5);
    });
  }
});

describe("the SIMD module's bInnov (the 'shared' innovation's reduction)", () => {
  it('equals a float64 sum of finite (g/σ²)²·Σv terms, keeping terms that overflow float32', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const fns = instantiateStepFunctions(memory);
    expect(fns).not.toBeNull();
    const f = new Float32Array(memory.buffer);
    const k = 3;
    const n = 64;
    const g = uniforms(5, n);
    // Non-finite gradients drop their term; 1e20 gives a term of ~1e40, finite only in float64.
    g[3] = Number.NaN;
    g[10] = Number.POSITIVE_INFINITY;
    g[17] = 1e20;
    const v = uniforms(6, k * n).map(Math.abs);
    const sigma2 = 0.7;
    // Byte layout: g @0, the k variance rows @1024, c (f64) @4096, partial sums @4112.
    f.set(g, 0);
    f.set(v, 256);
    new DataView(memory.buffer).setFloat64(4096, 1 / sigma2, true);
    fns?.bInnov(0, 1024, 4 * n, k, n, 4096, 4112);
    const lanes = new Float64Array(memory.buffer, 4112, 2);
    /** Σ over entries of the finite (g/σ²)²·Σ_i v_i, in float64. */
    const reference = () => {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        let V = 0;
        for (let i = 0; i < k; i++) V += v[i * n + j] as number;
        const term = ((g[j] as number) / sigma2) ** 2 * V;
        if (Number.isFinite(term)) sum += term;
      }
      return sum;
    };
    const expected = reference();
    expect(expected).toBeGreaterThan(1e39);
    const got = (lanes[0] as number) + (lanes[1] as number);
    expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-12 * expected);
    // Without the 1e20 entry, the rest still matches (the big term does not swallow a bug).
    g[17] = 0.5;
    f.set(g, 0);
    fns?.bInnov(0, 1024, 4 * n, k, n, 4096, 4112);
    const rest = reference();
    const got2 = (lanes[0] as number) + (lanes[1] as number);
    expect(Math.abs(got2 - rest)).toBeLessThanOrEqual(1e-12 * rest);
  });
});
