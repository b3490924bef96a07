// The binding plan of the fused WebGPU steps (src/kernels/webgpu/split-step.ts) at the sizes of a
// real GPU, checked in Node without one: every binding within the device's limits and aligned,
// written ranges of one buffer disjoint within a dispatch, every slot entry and every weight written
// exactly once, every entry a group reads bound where the shader looks for it. The browser suite
// (test/browser/webgpu.spec.ts) runs the same plans on SwiftShader at small sizes with the limits
// lowered, and compares the numbers against float64.
import { describe, expect, it } from 'vitest';
import type { BindingLimits } from '../src/kernels/webgpu/direct-pass.js';
import { multiscaleSpec } from '../src/kernels/webgpu/multiscale-step.js';
import { planWindows, type RowGroup, type StepWindow } from '../src/kernels/webgpu/split-step.js';
import { tridiagonalSpec } from '../src/kernels/webgpu/tridiagonal.js';

const GiB = 2 ** 30;

/** What Dawn reports for an NVIDIA H200 (bench/RESULTS-GPU.md) and WebGPU's defaults. */
const H200: BindingLimits = {
  bindingBytes: 2 * GiB - 4,
  offsetAlignment: 256,
  storageBindings: 8,
  bufferBytes: 64 * GiB,
};
const DEFAULTS: BindingLimits = {
  bindingBytes: 128 * 2 ** 20,
  offsetAlignment: 256,
  storageBindings: 8,
  bufferBytes: 256 * 2 ** 20 * 64,
};

type Kind = { kind: 'multiscale' } | { kind: 'tridiagonal'; pivot: number };

/** The plan the kernel makes for k and n on `limits`, with which rows write w′. */
function plan(limits: BindingLimits, k: number, n: number, kind: Kind) {
  const width = n % 4 === 0 ? 4 : 1;
  const items = n / width;
  const what = { kernel: 'test', k, n };
  if (kind.kind === 'multiscale') {
    const spec = multiscaleSpec({
      pivotDecay: 1,
      totalRate: 0.1,
      decays: Array(k - 1).fill(0.5),
      rates: Array(k - 1).fill(0.1),
      cross: Array(k - 1).fill(-0.5),
    });
    const p = planWindows(limits, items, width, k - 1, (s) => spec.groups(s), what);
    return { ...p, width, items, writesValue: (w: StepWindow<RowGroup>) => w.group.read[0] === 0 };
  }
  const spec = tridiagonalSpec({
    pivot: kind.pivot,
    lower: Array(k).fill(0.1),
    diag: Array(k).fill(0.5),
    upper: Array(k).fill(0.1),
    input: Array(k).fill(0.1),
  });
  const p = planWindows(limits, items, width, k - 1, (s) => spec.groups(s), what);
  return {
    ...p,
    width,
    items,
    writesValue: (w: StepWindow<RowGroup>) => {
      const [from, to] = (w.group as unknown as { coordinates: [number, number] }).coordinates;
      return kind.pivot >= from && kind.pivot < to;
    },
  };
}

/** Asserts that the intervals tile [0, items) exactly once. */
function expectTiles(intervals: Array<[number, number]>, items: number, what: string) {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [a, b] of sorted) {
    expect(a, `${what}: entries from ${at} written ${a < at ? 'twice' : 'never'}`).toBe(at);
    at = b;
  }
  expect(at, `${what}: entries covered`).toBe(items);
}

function checkPlan(limits: BindingLimits, k: number, n: number, kind: Kind) {
  const { windows, width, items, writesValue } = plan(limits, k, n, kind);
  const unit = 4 * width;
  const align = Math.max(limits.offsetAlignment, unit);
  const cap = Math.min(limits.bindingBytes, 2 ** 32 - 4);
  const valueBytes = items * unit;
  const slotBytes = (k - 1) * items * unit;
  const written: Array<Array<[number, number]>> = Array.from({ length: k - 1 }, () => []);
  const valueWritten: Array<[number, number]> = [];
  for (const w of windows) {
    const { begin, count } = w;
    const all = [
      { ...w.value, bytes: valueBytes, start: begin },
      ...[...w.writes, ...w.reads].map((seg) => ({
        ...seg,
        bytes: slotBytes,
        start: seg.rows[0] * items + begin,
      })),
    ];
    for (const b of all) {
      expect(b.range.offset % align).toBe(0);
      expect(b.range.size % 4).toBe(0);
      expect(b.range.size).toBeGreaterThan(0);
      expect(b.range.size).toBeLessThanOrEqual(cap);
      expect(b.range.offset + b.range.size).toBeLessThanOrEqual(b.bytes);
      // The shader's index δ + q·n + l lands on entry start + q·n + l of the tensor.
      expect(b.range.offset / unit + b.delta).toBe(b.start);
    }
    for (const seg of [...w.writes, ...w.reads]) {
      const rows = seg.rows[1] - seg.rows[0];
      expect(seg.delta + (rows - 1) * items + count).toBeLessThanOrEqual(seg.range.size / unit);
    }
    expect(3 + w.writes.length + w.reads.length).toBeLessThanOrEqual(limits.storageBindings);
    // Writable bindings of one buffer in one dispatch must not overlap (WebGPU rejects it).
    const ranges = w.writes.map((s) => s.range).sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < ranges.length; i++) {
      const before = ranges[i - 1] as { offset: number; size: number };
      expect(before.offset + before.size).toBeLessThanOrEqual(
        (ranges[i] as { offset: number }).offset,
      );
    }
    // The segments bind exactly the rows the group writes, and at least those it reads.
    const rowsOf = (segs: typeof w.writes) => segs.flatMap((s) => range(s.rows[0], s.rows[1]));
    expect(rowsOf(w.writes)).toEqual(range(w.group.write[0], w.group.write[1]));
    expect(rowsOf(w.reads)).toEqual(range(w.group.read[0], w.group.read[1]));
    for (let r = w.group.write[0]; r < w.group.write[1]; r++) {
      (written[r] as Array<[number, number]>).push([begin, begin + count]);
    }
    if (writesValue(w)) valueWritten.push([begin, begin + count]);
  }
  written.forEach((intervals, r) => {
    expectTiles(intervals, items, `slot row ${r}`);
  });
  expectTiles(valueWritten, items, 'w′');
  return windows;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

describe('the WebGPU split plan at real sizes', () => {
  it('k = 8 at N = 10⁸ on an H200 (2 GiB − 4 per binding): one row group, so no entry is read twice', () => {
    const windows = checkPlan(H200, 8, 1e8, { kind: 'multiscale' });
    expect(new Set(windows.map((w) => w.group)).size).toBe(1);
    expect(windows.length).toBeLessThanOrEqual(2);
  });

  it('k = 4 at N = 10⁸ on an H200 fits whole: one dispatch, offsets 0', () => {
    const windows = checkPlan(H200, 4, 1e8, { kind: 'multiscale' });
    expect(windows).toHaveLength(1);
    expect((windows[0] as StepWindow<RowGroup>).value.range.offset).toBe(0);
  });

  for (const limits of [H200, DEFAULTS, { ...H200, storageBindings: 10 }]) {
    for (const n of [1e8, 1e8 + 1, 3e7 + 3, 1e6 + 2]) {
      for (const k of [2, 3, 8, 17]) {
        it(`multiscale k=${k}, N=${n}, binding ${limits.bindingBytes} B, ${limits.storageBindings} storage buffers`, () => {
          checkPlan(limits, k, n, { kind: 'multiscale' });
        });
        for (const pivot of [0, Math.floor(k / 2), k - 1]) {
          it(`tridiagonal k=${k}, pivot=${pivot}, N=${n}, binding ${limits.bindingBytes} B, ${limits.storageBindings} storage buffers`, () => {
            checkPlan(limits, k, n, { kind: 'tridiagonal', pivot });
          });
        }
      }
    }
  }

  it('small bindings and odd sizes (the regimes the browser suite runs)', () => {
    const tiny = { ...H200, bindingBytes: 2048 };
    for (const n of [150, 152, 301, 1000, 1001, 64, 67]) {
      for (const k of [2, 4, 8]) {
        checkPlan(tiny, k, n, { kind: 'multiscale' });
        for (let pivot = 0; pivot < k; pivot++)
          checkPlan(tiny, k, n, { kind: 'tridiagonal', pivot });
      }
    }
  });

  it('a slot beyond maxBufferSize throws naming k, N and the limit', () => {
    expect(() => plan({ ...H200, bufferBytes: 2 * GiB }, 8, 1e8, { kind: 'multiscale' })).toThrow(
      "test (webgpu): k = 8 at N = 100000000 weights needs a slot of 2800000000 bytes, more than this device's maxBufferSize (2147483648 bytes)",
    );
  });
});
