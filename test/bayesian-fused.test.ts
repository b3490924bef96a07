// The fused Bayesian multiscale step (cpu, wasm) against the generic tfjs-ops path and a float64
// mean-field Kalman filter, in weights and in state; NaN gradients; zero-size and scalar weights.
import { beforeAll, describe, expect, it } from 'vitest';
import { hasBayesianKernels } from '../src/kernels/bayesian-step-kernel.js';
import { bayesianStepWasmBytes } from '../src/kernels/wasm-simd.js';
import { BACKENDS, useBackend } from './helpers/backends.js';
import {
  BAYESIAN_CASES,
  compareCase,
  emptyWeights,
  equivalence,
  nanEntry,
  scalarWeight,
  worstRatios,
} from './helpers/bayesian-equivalence.js';
import type { Case } from './helpers/bayesian-reference.js';

for (const backend of process.env.ONLY_BACKEND ? [process.env.ONLY_BACKEND] : BACKENDS) {
  describe(`fused Bayesian step on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('has both kernels', () => {
      expect(hasBayesianKernels(backend)).toBe(true);
    });

    for (const name of Object.keys(BAYESIAN_CASES)) {
      it(`${name}: fused = generic = float64 Kalman, weights and state`, async () => {
        const { worst, kernels, leaked } = await equivalence(backend, name);
        expect(Object.keys(worst).length).toBe(6);
        for (const [output, ratio] of Object.entries(worst)) {
          expect(ratio, `${output}: max|Δ| / max(|reference|, 1e-3)`).toBeLessThanOrEqual(1e-4);
        }
        expect(kernels).toContain('BayesianMultiscaleStep');
        expect(leaked).toEqual({ fused: 0, generic: 0 });
      });
    }

    for (const innovation of ['shared', 'perRow'] as const) {
      for (const path of ['fused', 'generic'] as const) {
        it(`${innovation}, ${path}: a NaN gradient entry stays in its entry (the others step as if it were 0)`, async () => {
          const r = await nanEntry(backend, innovation, path);
          expect(r.nan).toBe(true);
          expect(r.othersFinite).toBe(true);
          expect(r.relDiff).toBeLessThanOrEqual(1e-6);
        });
      }
    }

    for (const path of ['fused', 'generic'] as const) {
      it(`${path}: a zero-size variable steps with the others and changes nothing`, async () => {
        expect(await emptyWeights(backend, path)).toEqual({
          shapesKept: true,
          emptyChangesNothing: true,
        });
      });

      it(`${path}: a scalar variable equals the scalar Kalman filter`, async () => {
        const r = await scalarWeight(backend, path);
        expect(r.shapeKept).toBe(true);
        expect(r.relError).toBeLessThanOrEqual(1e-5);
      });
    }
  });
}

// The wasm kernel builds its Bayesian step for each k. From k = 11 on it has more than 127 locals,
// whose indices take more than one LEB128 byte; the JS-loop fallback would hide a module that
// fails to build, so the test counts the modules built. A page's main thread may refuse to compile
// a module above 4 kB synchronously (Chrome on some platforms): the kernel then builds the step
// with one vector per iteration or, when that is refused too, runs its JS loop. Either way the
// step equals the float64 reference.
describe('wasm Bayesian step for large k, and where synchronous compiles above 4 kB are refused', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('module sizes: above 4 kB from k = 13 with two vectors per iteration, from k = 20 with one', () => {
    const size = (k: number, vectors: 1 | 2) => bayesianStepWasmBytes(k, 0, false, vectors).length;
    expect(size(12, 2)).toBeLessThanOrEqual(4096);
    expect(size(13, 2)).toBeGreaterThan(4096);
    expect(size(19, 1)).toBeLessThanOrEqual(4096);
    expect(size(20, 1)).toBeGreaterThan(4096);
  });

  // k = 17 needs the one-vector module under a 4 kB limit; k = 24 gets neither.
  const scenarios = [
    // (Each a k no other test builds: the module built for each k and pivot is kept.)
    { k: 15, limit: Number.POSITIVE_INFINITY, compiled: 1, refused: 0 },
    { k: 17, limit: 4096, compiled: 1, refused: 1 },
    { k: 24, limit: 4096, compiled: 0, refused: 2 },
  ];
  for (const { k, limit, compiled, refused } of scenarios) {
    it(`k = ${k}, compiles up to ${limit} bytes: fused = generic = float64 Kalman`, async () => {
      const Original = WebAssembly.Module;
      const sizes = { compiled: [] as number[], refused: [] as number[] };
      WebAssembly.Module = class extends Original {
        constructor(bytes: BufferSource) {
          if (bytes.byteLength > limit) {
            sizes.refused.push(bytes.byteLength);
            throw new RangeError('WebAssembly.Compile is disallowed on the main thread (4 kB)');
          }
          super(bytes);
          sizes.compiled.push(bytes.byteLength);
        }
      };
      try {
        // A pivot in the middle: the slowest timescale is not the last.
        const gamma = Array.from({ length: k }, (_, i) => 1 - 0.6 ** (((i + 3) % k) + 1));
        const c: Case = {
          gamma,
          p: gamma.map((_, i) => 0.5 / (i + 1)),
          sigma2: 0.8,
          curvature: 'fisher',
          innovation: 'shared',
          shapes: [[7, 9], [16]],
        };
        const r = await compareCase('wasm', c, 6, 4 + k);
        for (const [output, ratio] of Object.entries(worstRatios(r))) {
          expect(ratio, `${output}: max|Δ| / max(|reference|, 1e-3)`).toBeLessThanOrEqual(1e-4);
        }
        expect(r.kernels).toContain('BayesianMultiscaleStep');
        // Modules built for this k (the backend's general module may be built here too: ≤ 4 kB).
        expect(sizes.refused.length).toBe(refused);
        expect(sizes.compiled.filter((b) => b > 2000).length).toBe(compiled);
      } finally {
        WebAssembly.Module = Original;
      }
    });
  }
});
