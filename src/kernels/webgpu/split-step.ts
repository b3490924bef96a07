/**
 * A fused optimizer step on WebGPU (outputs `newValue`, `newSlot`; inputs `value`, `gradient`,
 * `slot` with r slot rows of n entries each) in dispatches whose storage bindings fit the device.
 *
 * One storage binding covers at most `maxStorageBufferBindingSize` bytes (2 GiB − 4 on an H200
 * through Dawn, 128 MiB by default), so at k = 8 and N = 10⁸ the slot (7 rows × 4·10⁸ bytes) does
 * not fit one binding. When every tensor fits, the step is one dispatch over whole tensors. When
 * not, it is split into **windows**:
 *
 * - a window covers a chunk of entries [c₀, c₀ + C) of every row it touches, and a group of slot
 *   rows (all of them when they fit, else as many as the bindings allow);
 * - each binding is a byte range of the tensor's one `GPUBuffer`: `value`, `gradient` and
 *   `newValue` over the chunk, and the slot rows of the group in **segments** of consecutive rows
 *   (ρ·n + c₀ … (ρ+m−1)·n + c₀ + C), each segment one binding of at most the limit;
 * - a range starts at the offset aligned down to `minStorageBufferOffsetAlignment`, and the shader
 *   adds the difference (`p.at`, fewer than an alignment's worth of entries) to its indices;
 * - a window's shader is generated for its rows: row r of the slot is `in<s>[δ_s + q·n + l]` with
 *   segment s, row q inside it and l the entry inside the chunk. The row → binding mapping is fixed
 *   at code generation, so no shader indexes an array of bindings at run time.
 *
 * Why windows of rows and chunks of entries, not only more bindings: a shader stage may declare
 * only `maxStorageBuffersPerShaderStage` storage bindings (8 on many devices), three of which are
 * w, g and w′; a slot split into more segments than the rest allows must be split over dispatches
 * anyway. Chunking entries alone cannot help either, since a chunk of entries touches every row,
 * n entries apart. So each dispatch reads and writes a group of rows; a kernel says what its group
 * reads and writes (`RowGroup`), and consecutive dispatches see each other's writes (the multiscale
 * step accumulates w′ over its row groups). The split costs nothing when everything fits (one
 * dispatch, offsets 0) and, when it does not, re-reads w′ and g once per extra row group. Written
 * segments of one dispatch must not overlap (WebGPU rejects aliasing writable bindings), and a
 * range aligned down reaches into the row before, so a dispatch binds several written segments
 * only when its chunk leaves an alignment's worth of every row out. With the H200's limits, k = 8
 * at N = 10⁸ is one row group in two chunks: nothing is read twice (test/webgpu-split.test.ts
 * checks such plans at full size; the browser suite runs them at small size with lowered limits).
 * Plans and their WGSL are cached per weight shape and device limits.
 *
 * Indices stay below 2³² because each is taken inside one binding (≤ 4 GiB), not over the tensor.
 * A tensor larger than `maxBufferSize` cannot exist in tfjs at all: that throws a clear error.
 */
import type * as tf from '@tensorflow/tfjs-core';
import {
  type BindingLimits,
  bindingLimits,
  type Dispatch,
  runDispatches,
  type TensorBinding,
  WORKGROUP_SIZE,
  workgroupsFor,
} from './direct-pass.js';

/** Slot rows a group of dispatches reads and writes: half-open `[from, to)`, possibly empty. */
export interface RowGroup {
  read: readonly [number, number];
  write: readonly [number, number];
}

/** How a step over r slot rows of n entries binds its tensors on this device. */
export interface StepSplit {
  /** Every tensor fits one binding: one dispatch over whole tensors. */
  whole: boolean;
  /** Work items (floats or vec4s) per dispatch: all n, or a multiple of the offset alignment. */
  chunk: number;
  /** Consecutive slot rows one binding covers. */
  rowsPerBinding: number;
  /** Storage bindings one dispatch may use for slot segments (after w′, w and g). */
  slotBindings: number;
  /**
   * Segments of the written slot one dispatch may bind. Writable bindings of one buffer must not
   * overlap, and a segment's range starts up to an alignment before its first row's chunk, so
   * several are allowed only when the chunk leaves that much of every row unbound (chunk + align
   * − 1 ≤ n); else 1.
   */
  writeSegments: number;
}

/** Bytes of a binding never exceed this, so every index inside one stays below 2³². */
const MAX_BINDING_BYTES = 2 ** 32 - 4;

/**
 * The split of a step over `slotRows` rows of `items` work items of `width` floats each, for the
 * device `limits`. `what` names the kernel, `k` and `n` the step, in the errors.
 */
export function stepSplit(
  limits: BindingLimits,
  items: number,
  width: 1 | 4,
  slotRows: number,
  what: { kernel: string; k: number; n: number },
): StepSplit {
  const unit = 4 * width;
  const slotBytes = slotRows * items * unit;
  if (slotBytes > limits.bufferBytes) {
    throw new Error(
      `${what.kernel} (webgpu): k = ${what.k} at N = ${what.n} weights needs a slot of ` +
        `${slotBytes} bytes, more than this device's maxBufferSize (${limits.bufferBytes} bytes); ` +
        'tfjs cannot hold a tensor that large (use fewer weights per variable or a smaller k)',
    );
  }
  const slotBindings = limits.storageBindings - 3;
  if (slotBindings < 4) {
    throw new Error(
      `${what.kernel} (webgpu): the device allows ${limits.storageBindings} storage buffers per ` +
        'shader stage; the fused step needs at least 7 (WebGPU guarantees 8)',
    );
  }
  const perBinding = Math.floor(Math.min(limits.bindingBytes, MAX_BINDING_BYTES) / unit);
  if (slotRows * items <= perBinding) {
    return { whole: true, chunk: items, rowsPerBinding: slotRows, slotBindings, writeSegments: 1 };
  }
  const align = Math.max(limits.offsetAlignment, unit) / unit;
  // A range starts up to align − 1 entries before its data (the offset aligned down).
  const room = perBinding - (align - 1);
  // At most half the binding for the chunk, the rest for the stride between rows of a segment;
  // and, when possible, align − 1 entries of each row left out, so written segments are disjoint.
  const half = Math.floor(room / 2 / align) * align;
  const disjoint = Math.floor((items - (align - 1)) / align) * align;
  if (half < 1) {
    throw new Error(
      `${what.kernel} (webgpu): maxStorageBufferBindingSize (${limits.bindingBytes} bytes) is ` +
        `below two offset alignments (${limits.offsetAlignment} bytes)`,
    );
  }
  const chunk = disjoint >= 1 ? Math.min(half, disjoint) : Math.min(half, items);
  const rowsPerBinding = Math.min(slotRows, Math.floor((room - chunk) / items) + 1);
  return {
    whole: false,
    chunk,
    rowsPerBinding,
    slotBindings,
    writeSegments: disjoint >= 1 ? slotBindings : 1,
  };
}

/** Segments of consecutive rows [from, to), at most `size` rows each. */
function segments([from, to]: readonly [number, number], size: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let r = from; r < to; r += size) out.push([r, Math.min(to, r + size)]);
  return out;
}

/** Whether one dispatch can bind what `group` reads and writes under `split`. */
function fits(group: RowGroup, split: StepSplit): boolean {
  const reads = segments(group.read, split.rowsPerBinding).length;
  const writes = segments(group.write, split.rowsPerBinding).length;
  return writes <= split.writeSegments && reads + writes <= split.slotBindings;
}

/**
 * The groups `make(size)` for the largest size ≤ `most` whose every group fits one dispatch under
 * `split` (`make(1)` must always fit: a group that reads at most 3 rows and writes 1 does).
 */
export function largestGroups<G extends RowGroup>(
  most: number,
  split: StepSplit,
  make: (size: number) => G[],
): G[] {
  for (let size = most; size > 1; size--) {
    const groups = make(size);
    if (groups.every((g) => fits(g, split))) return groups;
  }
  return make(1);
}

/** A fused step to split: its constants, its row groups and the WGSL of one group. */
export interface SplitStepSpec<G extends RowGroup> {
  /** The kernel's name (errors). */
  kernel: string;
  /**
   * Identifies the groups and the WGSL this spec makes, not its constants (pipeline and plan
   * caches): the kernel, k and every attribute that changes the code, such as w's coordinate.
   */
  key: string;
  /** The k of the step, for errors. */
  k: number;
  /** Up to 4 scalars, as `p.c.x` … `p.c.w` in WGSL. */
  scalars: number[];
  /** One vec4 of constants per row of the kernel, as `p.rows[j]` in WGSL. */
  rows: number[][];
  /** The row groups, each dispatched in turn over every chunk (in order). */
  groups(split: StepSplit): G[];
  /** Identifies a group's WGSL beyond `key`, the width and its rows' segments. */
  groupKey(group: G): string;
  /**
   * WGSL of the loop body for one entry of `group`: `value[i]`, `gi` (the gradient),
   * `newValue[i]`, `read(r)` and `write(r)` for slot row r (an expression, an assignable place).
   */
  body(group: G, read: (row: number) => string, write: (row: number) => string): string;
}

/** The inputs of a fused step, as the kernel received them. */
export interface StepInputs {
  value: tf.TensorInfo;
  gradient: tf.TensorInfo;
  slot: tf.TensorInfo;
}

const LANES = ['x', 'y', 'z', 'w'] as const;

/** `p.at[…].x` etc.: the index delta of slot segment `s`. */
function delta(s: number): string {
  return `p.at[${s >> 2}].${LANES[s & 3]}`;
}

/** WGSL of one window shape: `writes` then `reads` segments, the body of `group`. */
function windowWgsl<G extends RowGroup>(
  spec: SplitStepSpec<G>,
  group: G,
  width: 1 | 4,
  writes: Array<[number, number]>,
  reads: Array<[number, number]>,
): string {
  const T = width === 4 ? 'vec4<f32>' : 'f32';
  const place = (segs: Array<[number, number]>, name: string, first: number) => (row: number) => {
    const s = segs.findIndex(([a, b]) => row >= a && row < b);
    if (s < 0) throw new Error(`${spec.kernel}: row ${row} is not bound in this window`);
    const q = row - (segs[s] as [number, number])[0];
    return `${name}${s}[${delta(first + s)} + ${q === 0 ? '' : `${q}u * n + `}l]`;
  };
  const decls = [
    ...writes.map(
      (_, s) => `@group(0) @binding(${3 + s}) var<storage, read_write> out${s} : array<${T}>;`,
    ),
    ...reads.map(
      (_, s) =>
        `@group(0) @binding(${3 + writes.length + s}) var<storage, read> in${s} : array<${T}>;`,
    ),
  ].join('\n');
  const deltas = Math.max(1, Math.ceil((writes.length + reads.length) / 4));
  return `
struct Params {
  n : u32,
  threads : u32,
  count : u32,
  v : u32,
  at : array<vec4<u32>, ${deltas}>,
  c : vec4<f32>,
  rows : array<vec4<f32>, ${Math.max(1, spec.rows.length)}>,
};
@group(0) @binding(0) var<storage, read_write> newValue : array<${T}>;
@group(0) @binding(1) var<storage, read> value : array<${T}>;
@group(0) @binding(2) var<storage, read> gradient : array<${T}>;
${decls}
@group(0) @binding(${3 + writes.length + reads.length}) var<uniform> p : Params;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) id : vec3<u32>) {
  let n = p.n;
  for (var l = id.x; l < p.count; l = l + p.threads) {
    let i = p.v + l;
    let gi = gradient[i];
${spec.body(group, place(reads, 'in', writes.length), place(writes, 'out', 0))}
  }
}
`;
}

/** A byte range bound for entries of a tensor, and the index of its first entry in the range. */
export interface BoundRange {
  /** Bytes: `offset` aligned to the device's `minStorageBufferOffsetAlignment` (and the entry size). */
  range: { offset: number; size: number };
  /** Entries (floats or vec4s) between the range's start and the first entry used. */
  delta: number;
}

/** Slot rows [from, to) bound as one range. */
export interface SegmentRange extends BoundRange {
  rows: [number, number];
}

/** One dispatch of a split step: entries [begin, begin + count) of every row of `group`. */
export interface StepWindow<G extends RowGroup> {
  group: G;
  begin: number;
  count: number;
  /** w′, w and g over the entries. */
  value: BoundRange;
  /** Segments of `newSlot` written, then of `slot` read. */
  writes: SegmentRange[];
  reads: SegmentRange[];
}

/**
 * The dispatches of a step over `slotRows` rows of `items` entries (of `width` floats) on a
 * device with `limits`, for the row groups `groups` gives: every group over every chunk, groups in
 * order. Pure (no GPU), so its bounds can be checked at any size.
 */
export function planWindows<G extends RowGroup>(
  limits: BindingLimits,
  items: number,
  width: 1 | 4,
  slotRows: number,
  groups: (split: StepSplit) => G[],
  what: { kernel: string; k: number; n: number },
): { split: StepSplit; windows: Array<StepWindow<G>> } {
  const split = stepSplit(limits, items, width, slotRows, what);
  const unit = 4 * width;
  const align = Math.max(limits.offsetAlignment, unit) / unit;
  /** The binding of entries [start, start + length) (in units). */
  const bound = (start: number, length: number): BoundRange => {
    const base = Math.floor(start / align) * align;
    return {
      range: { offset: base * unit, size: (start - base + length) * unit },
      delta: start - base,
    };
  };
  const windows: Array<StepWindow<G>> = [];
  for (const group of groups(split)) {
    for (let begin = 0; begin < items; begin += split.chunk) {
      const count = Math.min(split.chunk, items - begin);
      const segmentsOf = (rows: readonly [number, number]) =>
        segments(rows, split.rowsPerBinding).map(([a, b]) => ({
          rows: [a, b] as [number, number],
          ...bound(a * items + begin, (b - a - 1) * items + count),
        }));
      windows.push({
        group,
        begin,
        count,
        value: bound(begin, count),
        writes: segmentsOf(group.write),
        reads: segmentsOf(group.read),
      });
    }
  }
  return { split, windows };
}

/** A dispatch of a planned step without its constants: what `runSplitStep` caches. */
interface PlannedDispatch {
  key: string;
  code: string;
  bindings: TensorBinding[];
  items: number;
  /** The uniform block's u32 head: n, threads, count, δ of w′/w/g, then δ of each segment. */
  head: Uint32Array;
  /** Bytes of the uniform block. */
  bytes: number;
}

/**
 * Planned steps by spec key, sizes and limits: the plan and its WGSL are made once per weight shape
 * and device, not at every step (a step of a small weight costs mostly JavaScript).
 */
const planned = new Map<string, PlannedDispatch[]>();

function planDispatches<G extends RowGroup>(
  backend: tf.KernelBackend,
  spec: SplitStepSpec<G>,
  limits: BindingLimits,
  n: number,
  width: 1 | 4,
  slotRows: number,
): PlannedDispatch[] {
  const items = n / width;
  const { windows } = planWindows(limits, items, width, slotRows, (s) => spec.groups(s), {
    kernel: spec.kernel,
    k: spec.k,
    n,
  });
  const codes = new Map<G, { key: string; code: string }>();
  return windows.map((window) => {
    const { group, count, writes, reads } = window;
    let shader = codes.get(group);
    if (shader === undefined) {
      const rows = (x: SegmentRange[]) => x.map((seg) => seg.rows);
      const sig = (x: SegmentRange[]) => x.map((seg) => seg.rows.join('-')).join('.');
      shader = {
        key: `${spec.key}_v${width}_${spec.groupKey(group)}_w${sig(writes)}_r${sig(reads)}`,
        code: windowWgsl(spec, group, width, rows(writes), rows(reads)),
      };
      codes.set(group, shader);
    }
    const segs = [...writes, ...reads];
    const deltas = Math.max(1, Math.ceil(segs.length / 4));
    const head = new Uint32Array(4 + 4 * deltas);
    head[0] = items;
    head[1] = workgroupsFor(count, backend) * WORKGROUP_SIZE;
    head[2] = count;
    head[3] = window.value.delta;
    segs.forEach((seg, j) => {
      head[4 + j] = seg.delta;
    });
    return {
      ...shader,
      // Outputs [newValue, newSlot] are tensors 0, 1; inputs [value, gradient, slot] 2, 3, 4.
      bindings: [
        { tensor: 0, range: window.value.range },
        { tensor: 2, range: window.value.range },
        { tensor: 3, range: window.value.range },
        ...writes.map(({ range }) => ({ tensor: 1, range })),
        ...reads.map(({ range }) => ({ tensor: 4, range })),
      ],
      items: count,
      head,
      bytes: 4 * head.length + 16 + 16 * Math.max(1, spec.rows.length),
    };
  });
}

/**
 * Runs `spec` on the tfjs WebGPU backend over `inputs` (w and g of n entries, the slot of
 * `rows` × n), split as `planWindows` decides for this device; returns `[newValue, newSlot]`.
 */
export function runSplitStep<G extends RowGroup>(
  backend: tf.KernelBackend,
  spec: SplitStepSpec<G>,
  inputs: StepInputs,
  width: 1 | 4,
): tf.TensorInfo[] {
  const { value, gradient, slot } = inputs;
  const n = value.shape.reduce((a, b) => a * b, 1);
  const slotRows = slot.shape[0] as number;
  const limits = bindingLimits(backend);
  // The most workgroups a dispatch may have (the plan's thread counts depend on it).
  const workgroups = workgroupsFor(Number.MAX_SAFE_INTEGER, backend);
  const cacheKey =
    `${spec.key}|${n}|${width}|${slotRows}|${limits.bindingBytes}|${limits.offsetAlignment}|` +
    `${limits.storageBindings}|${limits.bufferBytes}|${workgroups}`;
  let plan = planned.get(cacheKey);
  if (plan === undefined) {
    plan = planDispatches(backend, spec, limits, n, width, slotRows);
    if (planned.size >= 512) planned.clear();
    planned.set(cacheKey, plan);
  }
  // The constants after the u32 head: c (4 floats), then one vec4 per row.
  const constants = new Float32Array(4 + 4 * Math.max(1, spec.rows.length));
  constants.set(spec.scalars);
  spec.rows.forEach((row, j) => {
    constants.set(row, 4 + 4 * j);
  });
  const dispatches = plan.map((d): Dispatch => {
    const params = new ArrayBuffer(d.bytes);
    new Uint32Array(params).set(d.head);
    new Float32Array(params).set(constants, d.head.length);
    return { key: d.key, code: d.code, bindings: d.bindings, params, items: d.items };
  });
  return runDispatches(backend, {
    inputs: [value, gradient, slot],
    outputShapes: [value.shape, slot.shape],
    dispatches,
  });
}
