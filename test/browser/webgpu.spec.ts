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

type Outcome<T> = T | { error: string };

interface MultiscaleRun {
  fused: Outcome<{ w: Comparison; parts: Comparison }>;
  generic: Outcome<{ w: Comparison; parts: Comparison }>;
  moved: number;
}

/** The comparisons of a run that must not have failed (the error, if any, is the message). */
function ok<T extends object>(x: Outcome<T>, what: string): T {
  expect('error' in x ? (x as { error: string }).error : '', what).toBe('');
  return x as T;
}

for (const k of [1, 2, 4, 8]) {
  test(`multiscale k=${k} with maxComputeWorkgroupsPerDimension lowered to 64: fused and generic paths dispatch within it`, async ({
    suitePage,
  }) => {
    const r = await runInPage<MultiscaleRun & { seen: number }>(
      suitePage,
      'lowDispatchLimit',
      k,
      100_003,
      64,
    );
    expect(r.seen).toBe(64);
    expectClose(ok(r.fused, 'fused').w, 1e-4, 'fused vs float64');
    expectClose(ok(r.generic, 'generic').w, 1e-4, 'generic vs float64');
  });
}

test('coupled chain k=8 with maxComputeWorkgroupsPerDimension lowered to 64: fused and elementwise ops dispatch within it', async ({
  suitePage,
}) => {
  const r = await runInPage<Outcome<Record<string, Comparison>>>(
    suitePage,
    'tridiagonalLowDispatchLimit',
    8,
    3,
    100_003,
    64,
  );
  const c = ok(r, 'coupled run');
  expectClose(c.fusedVsReference as Comparison, 1e-4, 'fused vs float64');
  expectClose(c.opsVsReference as Comparison, 1e-4, 'ops vs float64');
});

// maxStorageBufferBindingSize lowered to 2 KiB (and 8 storage buffers per stage, WebGPU's
// minimum): a slot of a few thousand floats then needs what k = 8 at N = 10⁸ needs on a 2 GiB
// binding limit. 'chunks': entries split over dispatches (n > what one binding holds, so ranges
// start mid-row, at aligned offsets below the data); 'rows': whole rows, several per binding.
const BINDING_BYTES = 2048;

interface BindingRun {
  split: { whole: boolean; chunk: number; rowsPerBinding: number };
  calls: number;
  dispatches: number;
  largest: number;
  misaligned: number;
  mostBindings: number;
  validationError: string;
}

function expectSplitWithinLimits(
  r: BindingRun,
  n: number,
  regime: 'chunks' | 'rows',
  steps: number,
) {
  const items = n % 4 === 0 ? n / 4 : n;
  expect(r.validationError).toBe('');
  expect(r.split.whole).toBe(false);
  if (regime === 'chunks') expect(r.split.chunk).toBeLessThan(items);
  else expect(r.split.rowsPerBinding).toBeGreaterThan(1);
  expect(r.calls).toBe(steps);
  expect(r.dispatches).toBeGreaterThan(r.calls);
  expect(r.largest).toBeGreaterThan(0);
  expect(r.largest).toBeLessThanOrEqual(BINDING_BYTES);
  expect(r.misaligned).toBe(0);
  expect(r.mostBindings).toBeLessThanOrEqual(8);
}

for (const [k, n, regime] of [
  [2, 1001, 'chunks'],
  [4, 1000, 'chunks'],
  [4, 1001, 'chunks'],
  [8, 1001, 'chunks'],
  [8, 1000, 'chunks'],
  [8, 150, 'rows'],
  [8, 152, 'rows'],
] as const) {
  test(`multiscale k=${k}, n=${n} with maxStorageBufferBindingSize lowered to 2 KiB: the slot bound as ranges (${regime}); fused = generic = float64 (20 steps)`, async ({
    suitePage,
  }) => {
    const r = await runInPage<MultiscaleRun & BindingRun>(
      suitePage,
      'lowBindingLimit',
      k,
      n,
      BINDING_BYTES,
      20,
    );
    expectSplitWithinLimits(r, n, regime, 20);
    expect(r.moved).toBeGreaterThan(1e-2);
    const fused = ok(r.fused, 'fused');
    expectClose(fused.w, 1e-4, 'fused vs float64');
    expectClose(fused.parts, 1e-4, 'fused subweights vs float64');
    expectClose(ok(r.generic, 'generic').w, 1e-4, 'generic vs float64');
  });
}

for (const [k, pivot, n, regime] of [
  [2, 0, 1001, 'chunks'],
  [4, 2, 1000, 'chunks'],
  [8, 7, 1001, 'chunks'],
  [8, 3, 150, 'rows'],
  [8, 0, 152, 'rows'],
] as const) {
  test(`TridiagonalStep k=${k}, pivot=${pivot}, n=${n} with maxStorageBufferBindingSize lowered to 2 KiB: ranges (${regime}); fused = ops = float64 (20 steps)`, async ({
    suitePage,
  }) => {
    const r = await runInPage<Record<string, Comparison> & BindingRun & { moved: number }>(
      suitePage,
      'tridiagonalLowBindingLimit',
      k,
      pivot,
      n,
      BINDING_BYTES,
      20,
    );
    expectSplitWithinLimits(r, n, regime, 20);
    expect(r.moved).toBeGreaterThan(1e-2);
    expectClose(r.fusedVsReference as Comparison, 1e-4, 'fused vs float64');
    expectClose(r.slotVsReference as Comparison, 1e-4, 'fused slot vs float64');
    expectClose(r.opsVsReference as Comparison, 1e-4, 'ops vs float64');
    expectClose(r.fusedVsOps as Comparison, 1e-5, 'fused vs ops');
  });
}

for (const m of [4, 8]) {
  test(`Benna–Fusi m=${m} coupled, n=301, trained with maxStorageBufferBindingSize lowered to 2 KiB: every binding of every step within it; = float64 beakers (200 steps)`, async ({
    suitePage,
  }) => {
    const r = await runInPage<BindingRun & { coupled: Comparison; moved: number }>(
      suitePage,
      'bennaFusiLowBindingLimit',
      m,
      301,
      BINDING_BYTES,
      200,
    );
    expectSplitWithinLimits(r, 301, 'chunks', 200);
    expect(r.moved).toBeGreaterThan(1e-2);
    expectClose(r.coupled, 1e-4, 'coupled vs float64');
  });
}

test('a slot beyond maxBufferSize: a clear error naming k, N and the limit', async ({
  suitePage,
}) => {
  const message = await runInPage<string>(suitePage, 'slotBeyondMaxBufferSize', 8, 1001);
  expect(message).toContain('MultiscaleStep (webgpu)');
  expect(message).toContain('k = 8 at N = 1001');
  expect(message).toContain(`maxBufferSize (${4 * 7 * 1001 - 4} bytes)`);
});
