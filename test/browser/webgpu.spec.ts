// The optimizer equivalence tests on the webgpu backend, in headless Chromium on its SwiftShader
// WebGPU adapter (a CPU implementation of WebGPU: no GPU needed, nothing skipped). Tolerances are
// those of the cpu and wasm suites: max|Δw| ≤ 1e-4·max|w|.
import { expect } from '@playwright/test';
import { browserTest, runInPage } from './harness.js';

const test = browserTest(new URL('./webgpu.entry.ts', import.meta.url));

interface Comparison {
  diff: number;
  scale: number;
}

function expectClose(c: Comparison, tol: number, what: string): void {
  expect(c.diff, `${what}: max|Δw| = ${c.diff}, max|w| = ${c.scale}`).toBeLessThanOrEqual(
    tol * c.scale,
  );
}

test.beforeEach(async ({ suitePage }) => {
  const info = await runInPage<{ backend: string; adapter: string; fused: boolean }>(
    suitePage,
    'init',
  );
  expect(info.backend).toBe('webgpu');
  expect(info.fused).toBe(true);
});

for (const k of [1, 2, 3, 4, 8]) {
  for (const n of [1000, 1001]) {
    test(`multiscale k=${k}, n=${n}: fused = generic = float64 reference = cpu (50 steps)`, async ({
      suitePage,
    }) => {
      const r = await runInPage<Record<string, Comparison> & { moved: number; kernels: string[] }>(
        suitePage,
        'multiscaleEquivalence',
        k,
        n,
        50,
      );
      expect(r.moved).toBeGreaterThan(1e-2);
      // One step on webgpu is one fused kernel call (plus tfjs's own bookkeeping), not the op chain.
      expect(r.kernels).toContain('MultiscaleStep');
      expect(r.kernels).not.toContain('BatchMatMul');
      expectClose(r.fusedVsReference as Comparison, 1e-4, 'fused vs float64');
      expectClose(r.genericVsReference as Comparison, 1e-4, 'generic vs float64');
      expectClose(r.partsVsReference as Comparison, 1e-4, 'subweights vs float64');
      // Same math in float32 on both sides: only rounding order differs.
      expectClose(r.fusedVsGeneric as Comparison, 1e-5, 'fused vs generic');
      expectClose(r.fusedVsCpu as Comparison, 1e-5, 'fused webgpu vs cpu');
    });
  }
}

for (const [k, pivot] of [
  [2, 0],
  [4, 0],
  [4, 2],
  [8, 7],
] as const) {
  for (const n of [1000, 1001]) {
    test(`TridiagonalStep k=${k}, pivot=${pivot}, n=${n}: fused = elementwise ops = float64 (40 steps)`, async ({
      suitePage,
    }) => {
      const r = await runInPage<Record<string, Comparison> & { moved: number; kernels: string[] }>(
        suitePage,
        'tridiagonalEquivalence',
        k,
        pivot,
        n,
        40,
      );
      expect(r.moved).toBeGreaterThan(1e-2);
      // A coupled Benna–Fusi step is one fused kernel, no k×k product.
      expect(r.kernels).toContain('TridiagonalStep');
      expect(r.kernels).not.toContain('BatchMatMul');
      expectClose(r.fusedVsReference as Comparison, 1e-4, 'fused vs float64');
      expectClose(r.slotVsReference as Comparison, 1e-4, 'fused slot vs float64');
      expectClose(r.opsVsReference as Comparison, 1e-4, 'ops vs float64');
      expectClose(r.fusedVsOps as Comparison, 1e-5, 'fused vs ops');
    });
  }
}

for (const nesterov of [false, true]) {
  for (const form of ['diagonal', 'coupled'] as const) {
    test(`momentum({form: '${form}', nesterov: ${nesterov}}) = tf.train.momentum (300 steps, same gradients)`, async ({
      suitePage,
    }) => {
      const r = await runInPage<Comparison & { moved: number }>(
        suitePage,
        'momentumVsTfjs',
        form,
        nesterov,
      );
      expectClose(r, 1e-4, 'ours vs tfjs');
      expect(r.moved).toBeGreaterThan(1e-2);
    });
  }
}

test('multiscale({alpha: [η], gamma: [1]}) = tf.train.sgd(η) (300 steps, same gradients)', async ({
  suitePage,
}) => {
  const r = await runInPage<Comparison & { moved: number }>(suitePage, 'sgdVsTfjs');
  expectClose(r, 1e-4, 'ours vs tfjs');
  expect(r.moved).toBeGreaterThan(1e-2);
});

for (const m of [2, 4, 8]) {
  test(`Benna–Fusi m=${m}: coupled = diagonal = float64 reference (2000 steps)`, async ({
    suitePage,
  }) => {
    const r = await runInPage<Record<'coupled' | 'diagonal', Comparison>>(
      suitePage,
      'bennaFusi',
      m,
      2000,
    );
    expectClose(r.coupled, 1e-4, 'coupled vs float64');
    expectClose(r.diagonal, 1e-4, 'diagonal vs float64');
  });
}

for (const k of [1, 2, 4]) {
  test(`multiscale k=${k} with maxComputeWorkgroupsPerDimension lowered to 64: fused and generic paths dispatch within it`, async ({
    suitePage,
  }) => {
    const r = await runInPage<{
      fused: Comparison | { error: string };
      generic: Comparison | { error: string };
      seen: number;
    }>(suitePage, 'lowDispatchLimit', k, 100_003, 64);
    expect(r.seen).toBe(64);
    expect(r.fused).not.toHaveProperty('error');
    expect(r.generic).not.toHaveProperty('error');
    expectClose(r.fused as Comparison, 1e-4, 'fused vs float64');
    expectClose(r.generic as Comparison, 1e-4, 'generic vs float64');
  });
}
