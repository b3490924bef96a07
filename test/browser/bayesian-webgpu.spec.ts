// The fused Bayesian multiscale kernels on the webgpu backend, in headless Chromium on its
// SwiftShader WebGPU adapter (a CPU implementation of WebGPU: no GPU needed, nothing skipped):
// fused = generic tfjs ops = float64 mean-field Kalman filter, in weights and in state, with the
// tolerances of the cpu/wasm suite (test/bayesian-fused.test.ts): max|Δ| ≤ 1e-4·max(max|x|, 1e-3).
import { expect } from '@playwright/test';
import {
  BAYESIAN_CASES,
  type Equivalence,
  type PerWeight,
} from '../helpers/bayesian-equivalence.js';
import type { Case } from '../helpers/bayesian-reference.js';
import { browserTest, runInPage } from './harness.js';

const test = browserTest(new URL('./bayesian-webgpu.entry.ts', import.meta.url));

function expectAllClose(comparisons: PerWeight, tol: number, what: string): void {
  comparisons.forEach((q, w) => {
    for (const [quantity, c] of Object.entries(q)) {
      const scale = Math.max(c.scale, 1e-3);
      expect(
        c.diff,
        `${what}, weight ${w}, ${quantity}: max|Δ| = ${c.diff}, scale ${scale}`,
      ).toBeLessThanOrEqual(tol * scale);
    }
  });
}

function expectEquivalent(r: Equivalence, c: Case, { moved = true } = {}): void {
  if (moved) expect(r.moved).toBeGreaterThan(1e-2);
  expectAllClose(r.fusedVsReference, 1e-4, 'fused vs float64');
  expectAllClose(r.genericVsReference, 1e-4, 'generic vs float64');
  // Same float32 math on both sides, only the order of rounding differs.
  expectAllClose(r.fusedVsGeneric, 2e-5, 'fused vs generic');
  // A fused step is the fused kernels (the 'shared' sum included), and reads nothing back.
  expect(r.kernels).toContain('BayesianMultiscaleStep');
  if (c.innovation === 'shared') expect(r.kernels).toContain('BayesianMultiscaleInnovation');
  expect(r.kernels).not.toContain('Pack');
  expect(r.genericKernels).not.toContain('BayesianMultiscaleStep');
  expect(r.reads).toBe(0);
  // Steps after the first hold no more backend buffers (intermediates are released).
  expect(r.leaked).toEqual({ fused: 0, generic: 0 });
}

test.beforeEach(async ({ suitePage }) => {
  const info = await runInPage<{ backend: string; adapter: string; fused: boolean }>(
    suitePage,
    'init',
  );
  expect(info.backend).toBe('webgpu');
  expect(info.fused).toBe(true);
});

// Weights that take every path of the kernels: n = 35 and 387 odd (scalar shader), 1600 a
// multiple of 4 (vec4), a scalar; 'perRow' rows of 7 (a thread per row), of 100 (a workgroup per
// row, vec4) and 129 (a workgroup per row, scalar), and 1001 rows of one entry.
const SHAPES = [[5, 7], [16, 100], [1001], [3, 129], []];

const CASES: Case[] = [];
for (const curvature of ['fisher', 'empiricalFisher', 'given'] as const) {
  for (const innovation of ['shared', 'perRow', 'perWeight'] as const) {
    CASES.push({
      gamma: [0.5, 0.9, 0.999],
      p: [0.3, 0.2, 0.1],
      sigma2: 0.5,
      curvature,
      innovation,
      shapes: SHAPES,
    });
  }
}
// Other k and pivots (the slowest subweight lives in w: pivot 0, 1, 4, 7; k = 1 has no mean rows).
CASES.push(
  {
    gamma: [0.95],
    p: [1],
    sigma2: 1,
    curvature: 'fisher',
    innovation: 'shared',
    shapes: [[9], [4, 4]],
  },
  {
    gamma: [0.999, 0.5, 0.9],
    p: [0.1, 0.3, 0.2],
    sigma2: 0.5,
    curvature: 'fisher',
    innovation: 'perRow',
    shapes: SHAPES,
  },
  {
    gamma: [0.5, 1, 0.8, 0.95],
    p: [0.4, 0.1, 0.3, 0.2],
    sigma2: 4,
    curvature: 'given',
    innovation: 'shared',
    shapes: [[5, 7], [4, 4], []],
  },
  {
    gamma: [0.2, 0.6, 0.9, 0.99, 1],
    p: [0.5, 0.4, 0.3, 0.2, 0.1],
    sigma2: 2,
    curvature: 'empiricalFisher',
    innovation: 'perWeight',
    shapes: [
      [33, 3],
      [8, 8],
    ],
  },
  {
    gamma: [0.9],
    p: [0.5],
    sigma2: 1,
    curvature: 'given',
    innovation: 'perRow',
    shapes: [
      [6, 70],
      [3, 5],
    ],
  },
  {
    gamma: [0.1, 0.3, 0.5, 0.7, 0.9, 0.97, 0.99, 0.999],
    p: [0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1],
    sigma2: 1,
    curvature: 'fisher',
    innovation: 'shared',
    shapes: [[12, 12], [7]],
  },
);

for (const c of CASES) {
  test(`k = ${c.gamma.length} (γ = ${c.gamma}), ${c.curvature}, ${c.innovation}: fused = generic = float64 Kalman, weights and state (12 steps)`, async ({
    suitePage,
  }) => {
    const r = await runInPage<Equivalence>(suitePage, 'equivalence', c, 12, 3);
    expectEquivalent(r, c);
  });
}

// The cases every backend runs (cpu and wasm in vitest, webgl in Chromium). Some share one
// innovation over thousands of entries, so their weights move little: the variances, which change
// every step whatever the gradient, keep the comparison meaningful.
for (const [name, c] of Object.entries(BAYESIAN_CASES)) {
  test(`every backend's case ${name}: fused = generic = float64 Kalman, weights and state`, async ({
    suitePage,
  }) => {
    const r = await runInPage<Equivalence>(suitePage, 'equivalence', c, c.steps ?? 12, 3);
    expectEquivalent(r, c, { moved: false });
  });
}

// maxComputeWorkgroupsPerDimension lowered to 64 (16384 threads): every pass needs its grid-stride
// loop (10⁵ entries), the 'shared' sum has 64 partials, and 'perRow' has more rows than workgroups
// (200 rows of 500, a workgroup per row) or than threads (20000 rows of 3, a thread per row).
for (const curvature of ['fisher', 'given'] as const) {
  for (const innovation of ['shared', 'perRow'] as const) {
    const c: Case = {
      gamma: [0.6, 0.99],
      p: [0.3, 0.1],
      sigma2: 0.5,
      curvature,
      innovation,
      shapes: [
        [40, 300],
        [2000, 3],
      ],
    };
    test(`workgroups capped at 64: k = 2, ${curvature}, ${innovation}: fused = generic = float64 (4 steps)`, async ({
      suitePage,
    }) => {
      const r = await runInPage<Equivalence>(suitePage, 'equivalence', c, 4, 5, {
        maxComputeWorkgroupsPerDimension: 64,
      });
      expectEquivalent(r, c);
    });
  }
}

for (const innovation of ['shared', 'perRow'] as const) {
  for (const path of ['fused', 'generic'] as const) {
    test(`${innovation}, ${path}: a NaN gradient entry stays in its entry (the others step as if it were 0)`, async ({
      suitePage,
    }) => {
      const r = await runInPage<{ nan: boolean; othersFinite: boolean; relDiff: number }>(
        suitePage,
        'nanEntry',
        innovation,
        path,
      );
      expect(r.nan).toBe(true);
      expect(r.othersFinite).toBe(true);
      expect(r.relDiff).toBeLessThanOrEqual(1e-6);
    });
  }
}

for (const path of ['fused', 'generic'] as const) {
  test(`${path}: zero-size variables step with the others and change nothing`, async ({
    suitePage,
  }) => {
    const r = await runInPage(suitePage, 'emptyWeights', path);
    expect(r).toEqual({ shapesKept: true, emptyChangesNothing: true });
  });

  test(`${path}: a scalar variable equals the scalar Kalman filter`, async ({ suitePage }) => {
    const r = await runInPage<{ shapeKept: boolean; relError: number }>(
      suitePage,
      'scalarWeight',
      path,
    );
    expect(r.shapeKept).toBe(true);
    expect(r.relError).toBeLessThanOrEqual(1e-5);
  });
}

test('a slot larger than maxStorageBufferBindingSize (lowered to 1 KiB) fails with a clear error; a smaller one steps', async ({
  suitePage,
}) => {
  const r = await runInPage<{
    large: { moved: boolean; error: string | null };
    small: { moved: boolean; error: string | null };
  }>(suitePage, 'oversizedSlot', 1024);
  expect(r.small).toEqual({ moved: true, error: null });
  expect(r.large.error).toContain('BayesianMultiscale');
  expect(r.large.error).toContain('k = 3 at N = 100');
  expect(r.large.error).toContain('maxStorageBufferBindingSize (1024 bytes)');
});
