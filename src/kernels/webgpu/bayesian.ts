/**
 * The fused Bayesian multiscale kernels of the `webgpu` backend (`BAYESIAN_STEP`,
 * `BAYESIAN_INNOVATION`; the contract and the cpu reference are in `../bayesian-step-kernel.ts`).
 *
 * **The step** is one WGSL pass per weight. With the slot's 2k−1 rows (k−1 means, then k
 * variances) row-major in one buffer, each thread handles entries i, i + T, i + 2T, … (a
 * grid-stride loop over 256-thread workgroups, at most `workgroupsFor` of them) and for each one
 * reads w, g, the slot rows (and ĥ for `'given'` curvature) once, and writes the new weight and
 * the new slot rows once:
 *
 * $$ \omega_i \leftarrow \gamma_i\Big(\omega_i - \frac{v_i\,\hat g}{D}\Big), \qquad
 *    v_i \leftarrow \gamma_i^2\,\frac{v_i\,(D - \hat h\,v_i)}{D} + q_i, $$
 *
 * with the pivot's mean inside w. D comes from the `sum` input (`'shared'`, D formed in the pass), from a
 * per-row buffer that a group pass computed on the device (`'perRow'`), or from the entry itself
 * (`'perWeight'`). `vec4<f32>` work items when n (and, for `'perRow'`, the row length) is a
 * multiple of 4.
 *
 * **The reductions** never leave the device: Σ t·V over finite terms (`'shared'`) is a
 * workgroup tree reduction into one partial sum per workgroup, then one workgroup sums the
 * partials; a `'perRow'` group pass gives each row's D from either one thread per row (short rows)
 * or one workgroup per row (long rows). Non-finite terms are recognised by their bits (WGSL has no
 * `isNan`, and may treat NaN arithmetic as indeterminate).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { BayesianStepArgs, BayesianStepAttrs } from '../bayesian-step-kernel.js';
import {
  bindingLimits,
  lanes,
  runDirectPass,
  stepParams,
  WORKGROUP_SIZE,
  workgroupsFor,
} from './direct-pass.js';

/**
 * Work items each thread of the `'shared'` reduction sums before the workgroup's tree reduction
 * (when there are enough of them): a quarter of the workgroups of one item per thread, so a
 * quarter of the partial sums and barriers, and still ≥ 4 workgroups per SM of a large GPU at
 * N = 10⁶.
 */
export const ITEMS_PER_THREAD = 4;

/** Rows at least this long get a workgroup each in the `'perRow'` group pass; shorter, a thread. */
export const ROW_PER_WORKGROUP = 64;

/** The WGSL helpers every Bayesian shader uses: zero for a non-finite term, by its bits. */
const FINITE = `
fn finite1(x : f32) -> f32 {
  return select(0.0, x, (bitcast<u32>(x) & 0x7fffffffu) < 0x7f800000u);
}
fn finite4(x : vec4<f32>) -> f32 {
  let kept = select(vec4<f32>(0.0), x, (bitcast<vec4<u32>>(x) & vec4<u32>(0x7fffffffu)) < vec4<u32>(0x7f800000u));
  return kept.x + kept.y + kept.z + kept.w;
}
`;

/** WGSL lines that set `V` (Σ v_i at item `i`) and `term` (t·V) from `gradient`, `slot`, `curvature`. */
function termLines(k: number, curvature: BayesianStepAttrs['curvature'], T: string): string {
  const variances = Array.from({ length: k }, (_, i) => `slot[${k - 1 + i}u * n + i]`).join(' + ');
  const t =
    curvature === 'given' ? 'curvature[i]' : `(gradient[i] * p.inv) * (gradient[i] * p.inv)`;
  return `    let V : ${T} = ${variances};\n    let term : ${T} = ${t} * V;`;
}

/** `var<storage>` declarations, outputs first, then inputs (the binding order of `runDirectPass`). */
function bindings(outputs: string[], inputs: string[]): string {
  return [
    ...outputs.map((decl, b) => `@group(0) @binding(${b}) var<storage, read_write> ${decl};`),
    ...inputs.map(
      (decl, b) => `@group(0) @binding(${outputs.length + b}) var<storage, read> ${decl};`,
    ),
    `@group(0) @binding(${outputs.length + inputs.length}) var<uniform> p : Params;`,
  ].join('\n');
}

/** The uniform block of every Bayesian pass: sizes, then (γ_i, γ_i², q_i, γ_i − γ_p) per timescale. */
const PARAMS = (k: number) => `
struct Params {
  n : u32,
  threads : u32,
  inv : f32,
  gp : f32,
  per : u32,
  groups : u32,
  pad0 : u32,
  pad1 : u32,
  rows : array<vec4<f32>, ${k}>,
};`;

/** Fills the uniform block of `PARAMS(k)` for `items` work items of a grid-stride loop. */
function bayesianParams(
  items: number,
  attrs: BayesianStepAttrs,
  per: number,
  groups: number,
  backend: tf.KernelBackend,
): ArrayBuffer {
  const k = attrs.gamma.length;
  const { buffer, f } = stepParams(items, k + 1, backend);
  const u = new Uint32Array(buffer);
  const gp = attrs.gamma[attrs.pivot] as number;
  f[2] = 1 / attrs.observationNoise;
  f[3] = gp;
  u[4] = per;
  u[5] = groups;
  for (let i = 0; i < k; i++) {
    const gi = attrs.gamma[i] as number;
    f[8 + 4 * i] = gi;
    f[9 + 4 * i] = gi * gi;
    f[10 + 4 * i] = attrs.processNoise[i] as number;
    f[11 + 4 * i] = gi - gp;
  }
  return buffer;
}

/** Where the step's D comes from. */
export type DSource = 'input' | 'rows' | 'entry';

/** WGSL of the fused step for k timescales on `width` floats per work item. */
export function bayesianStepWgsl(
  k: number,
  pivot: number,
  curvature: BayesianStepAttrs['curvature'],
  source: DSource,
  width: 1 | 4,
): string {
  const T = width === 4 ? 'vec4<f32>' : 'f32';
  const inputs = [
    `value : array<${T}>`,
    `gradient : array<${T}>`,
    `slot : array<${T}>`,
    ...(source === 'entry' ? [] : ['denominator : array<f32>']),
    ...(curvature === 'given' ? [`curvature : array<${T}>`] : []),
  ];
  const fisher = curvature === 'fisher';
  const t = curvature === 'given' ? 'curvature[i]' : 'g2';
  const D =
    source === 'input'
      ? // the 'shared' sum Σ of every weight: D formed here, not by scalar ops before the pass
        fisher
        ? '(1.0 + sqrt(1.0 + 4.0 * denominator[0])) / 2.0'
        : '1.0 + denominator[0]'
      : source === 'rows'
        ? // p.per: items per row (a row is a whole number of items)
          'denominator[i / p.per]'
        : fisher
          ? '(1.0 + sqrt(1.0 + 4.0 * g2 * V)) / 2.0'
          : `1.0 + ${t} * V`;
  const loads = Array.from({ length: k }, (_, i) => `    let v${i} = slot[${k - 1 + i}u * n + i];`);
  const V = Array.from({ length: k }, (_, i) => `v${i}`).join(' + ');
  const variances = Array.from(
    { length: k },
    (_, i) => `    {
      let c = p.rows[${i}];
      newSlot[${k - 1 + i}u * n + i] = c.y * (v${i} * (D - hh * v${i})) * r + c.z;
    }`,
  ).join('\n');
  const others = Array.from({ length: k }, (_, i) => i).filter((i) => i !== pivot);
  const means = others
    .map(
      (i, r) => `    {
      let c = p.rows[${i}];
      let j = ${r}u * n + i;
      let posterior = slot[j] - v${i} * step;
      acc = acc + c.w * posterior;
      newSlot[j] = c.x * posterior;
    }`,
    )
    .join('\n');
  return `${PARAMS(k)}
${bindings([`newValue : array<${T}>`, `newSlot : array<${T}>`], inputs)}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) id : vec3<u32>) {
  let n = p.n;
  for (var i = id.x; i < n; i = i + p.threads) {
    let gh = gradient[i] * p.inv;
    let g2 = gh * gh;
${loads.join('\n')}
    let V = ${V};
    let D = ${D};
    let r = 1.0 / D;
    let hh = ${fisher ? 'g2 * r' : t};
    let step = gh * r;
${variances}
    var acc = p.gp * (value[i] - V * step);
${means}
    newValue[i] = acc;
  }
}
`;
}

/**
 * WGSL of the `'shared'` reduction's first pass: each workgroup writes the sum of t·V over the
 * finite terms of its grid-stride share to `partials[workgroup]`.
 */
export function innovationPartialsWgsl(
  k: number,
  curvature: BayesianStepAttrs['curvature'],
  width: 1 | 4,
): string {
  const T = width === 4 ? 'vec4<f32>' : 'f32';
  const inputs = [
    `gradient : array<${T}>`,
    `slot : array<${T}>`,
    ...(curvature === 'given' ? [`curvature : array<${T}>`] : []),
  ];
  return `${PARAMS(k)}
${bindings(['partials : array<f32>'], inputs)}
var<workgroup> acc : array<f32, ${WORKGROUP_SIZE}>;
${FINITE}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) id : vec3<u32>,
        @builtin(local_invocation_id) lid : vec3<u32>,
        @builtin(workgroup_id) wid : vec3<u32>) {
  let n = p.n;
  var sum = 0.0;
  for (var i = id.x; i < n; i = i + p.threads) {
${termLines(k, curvature, T)}
    sum = sum + finite${width}(term);
  }
${treeReduce('sum')}
  if (lid.x == 0u) {
    partials[wid.x] = acc[0];
  }
}
`;
}

/** WGSL that leaves the workgroup's sum of `value` in `acc[0]` (all threads must reach it). */
function treeReduce(value: string): string {
  return `  acc[lid.x] = ${value};
  workgroupBarrier();
  for (var m = ${WORKGROUP_SIZE / 2}u; m > 0u; m = m >> 1u) {
    if (lid.x < m) {
      acc[lid.x] = acc[lid.x] + acc[lid.x + m];
    }
    workgroupBarrier();
  }`;
}

/** WGSL of one workgroup summing `p.n` partials into `total[0]`. */
const TOTAL_WGSL = `${PARAMS(1)}
${bindings(['total : array<f32>'], ['partials : array<f32>'])}
var<workgroup> acc : array<f32, ${WORKGROUP_SIZE}>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(local_invocation_id) lid : vec3<u32>) {
  var sum = 0.0;
  for (var i = lid.x; i < p.n; i = i + ${WORKGROUP_SIZE}u) {
    sum = sum + partials[i];
  }
${treeReduce('sum')}
  if (lid.x == 0u) {
    total[0] = acc[0];
  }
}
`;

/**
 * WGSL of the `'perRow'` group pass: D of each of `p.groups` rows of `p.per` entries, as
 * 1 + Σ t·V (or (1 + √(1 + 4Σ ĝ²V))/2 for `'fisher'`) over the row's finite terms. `perWorkgroup`:
 * one workgroup per row (a grid-stride loop over rows by workgroup, a tree reduction per row);
 * else one thread per row.
 */
export function rowDenominatorsWgsl(
  k: number,
  curvature: BayesianStepAttrs['curvature'],
  perWorkgroup: boolean,
): string {
  const inputs = [
    'gradient : array<f32>',
    'slot : array<f32>',
    ...(curvature === 'given' ? ['curvature : array<f32>'] : []),
  ];
  const toD = curvature === 'fisher' ? '(1.0 + sqrt(1.0 + 4.0 * s)) / 2.0' : '1.0 + s';
  const header = `${PARAMS(k)}
${bindings(['rowD : array<f32>'], inputs)}
${FINITE}`;
  if (!perWorkgroup) {
    return `${header}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) id : vec3<u32>) {
  let n = p.per * p.groups;
  for (var row = id.x; row < p.groups; row = row + p.threads) {
    var s = 0.0;
    for (var i = row * p.per; i < (row + 1u) * p.per; i = i + 1u) {
${termLines(k, curvature, 'f32')}
      s = s + finite1(term);
    }
    rowD[row] = ${toD};
  }
}
`;
  }
  return `${header}
var<workgroup> acc : array<f32, ${WORKGROUP_SIZE}>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(local_invocation_id) lid : vec3<u32>,
        @builtin(workgroup_id) wid : vec3<u32>,
        @builtin(num_workgroups) count : vec3<u32>) {
  let n = p.per * p.groups;
  for (var row = wid.x; row < p.groups; row = row + count.x) {
    var part = 0.0;
    for (var i = row * p.per + lid.x; i < (row + 1u) * p.per; i = i + ${WORKGROUP_SIZE}u) {
${termLines(k, curvature, 'f32')}
      part = part + finite1(term);
    }
${treeReduce('part')}
    if (lid.x == 0u) {
      let s = acc[0];
      rowD[row] = ${toD};
    }
    workgroupBarrier();
  }
}
`;
}

function sizeOf(t: tf.TensorInfo): number {
  return t.shape.reduce((a, b) => a * b, 1);
}

/**
 * Throws a clear error when the slot of k timescales and n weights cannot be bound whole: the
 * kernels bind every tensor whole (as tfjs's own ops, the generic path, do), and a binding holds
 * at most `maxStorageBufferBindingSize` bytes (2 GiB on large GPUs: k = 5 up to N ≈ 5.9·10⁷).
 */
function checkSlot(kernel: string, k: number, n: number, backend: tf.KernelBackend): void {
  const bytes = 4 * (2 * k - 1) * n;
  const { bindingBytes } = bindingLimits(backend);
  if (bytes > bindingBytes) {
    throw new Error(
      `${kernel} (webgpu): k = ${k} at N = ${n} weights has a slot of ${bytes} bytes, more than ` +
        `this device's maxStorageBufferBindingSize (${bindingBytes} bytes) allows one binding; ` +
        'split the variable into smaller ones or use fewer timescales',
    );
  }
  if ((2 * k - 1) * n >= 2 ** 32) {
    throw new Error(`${kernel} (webgpu): ${2 * k - 1}·${n} slot entries exceed 32-bit indexing`);
  }
}

function curvatureInput(kernel: string, args: BayesianStepArgs): tf.TensorInfo[] {
  if (args.attrs.curvature !== 'given') return [];
  const h = args.inputs.curvature;
  if (h === undefined)
    throw new Error(`${kernel} (webgpu): 'given' curvature needs a curvature input`);
  return [h];
}

/**
 * The `'perRow'` group pass: a `[groups]` tensor of each row's D, computed on the device. The
 * caller disposes it.
 */
function rowDenominators(args: BayesianStepArgs, n: number): tf.TensorInfo {
  const { inputs, attrs, backend } = args;
  const k = attrs.gamma.length;
  const groups = attrs.groups;
  const per = n / groups;
  const perWorkgroup = per >= ROW_PER_WORKGROUP;
  // One workgroup per row: ask runDirectPass for `groups` workgroups (it caps them; rows beyond
  // the cap are covered by the loop over rows).
  const items = perWorkgroup ? groups * WORKGROUP_SIZE : groups;
  return runDirectPass(backend, {
    key: `bayesianRows_k${k}_${attrs.curvature}_${perWorkgroup ? 'wg' : 't'}`,
    code: rowDenominatorsWgsl(k, attrs.curvature, perWorkgroup),
    inputs: [inputs.gradient, inputs.slot, ...curvatureInput('BayesianMultiscaleStep', args)],
    outputShapes: [[groups]],
    params: bayesianParams(items, attrs, per, groups, backend),
    items,
  })[0] as tf.TensorInfo;
}

/** The `BayesianMultiscaleStep` kernel function for the `webgpu` backend. */
export function bayesianStepWebGPU(args: BayesianStepArgs): tf.TensorInfo[] {
  const { inputs, attrs, backend } = args;
  const { value, gradient, slot } = inputs;
  const k = attrs.gamma.length;
  const n = sizeOf(value);
  checkSlot('BayesianMultiscaleStep', k, n, backend);
  let denominator: tf.TensorInfo | undefined;
  let source: DSource = 'entry';
  let rows: tf.TensorInfo | undefined;
  let width = lanes(n);
  if (attrs.innovation === 'shared') {
    denominator = inputs.sum;
    if (denominator === undefined) {
      throw new Error("BayesianMultiscaleStep (webgpu): 'shared' innovation needs the sum input");
    }
    source = 'input';
  } else if (attrs.innovation === 'perRow' && n > 0) {
    const per = n / attrs.groups;
    if (per % 4 !== 0) width = 1;
    rows = rowDenominators(args, n);
    denominator = rows;
    source = 'rows';
  }
  const items = n / width;
  const per = source === 'rows' ? n / attrs.groups / width : 0;
  try {
    return runDirectPass(backend, {
      key: `bayesianStep_k${k}_p${attrs.pivot}_${attrs.curvature}_${source}_v${width}`,
      code: bayesianStepWgsl(k, attrs.pivot, attrs.curvature, source, width),
      inputs: [
        value,
        gradient,
        slot,
        ...(denominator === undefined ? [] : [denominator]),
        ...curvatureInput('BayesianMultiscaleStep', args),
      ],
      outputShapes: [value.shape, slot.shape],
      params: bayesianParams(items, attrs, per, attrs.groups, backend),
      items,
    });
  } finally {
    // Released after the pending command buffer is submitted (the backend defers it).
    if (rows !== undefined) backend.disposeData(rows.dataId);
  }
}

/** The `BayesianMultiscaleInnovation` kernel function for the `webgpu` backend. */
export function bayesianInnovationWebGPU(args: BayesianStepArgs): tf.TensorInfo[] {
  const { inputs, attrs, backend } = args;
  const k = attrs.gamma.length;
  const n = sizeOf(inputs.gradient);
  checkSlot('BayesianMultiscaleInnovation', k, n, backend);
  const width = lanes(n);
  const items = n / width;
  if (n === 0) {
    // No term: a zero scalar (an empty pass would leave its output unwritten).
    return [
      { dataId: backend.write(new Float32Array(1), [], 'float32'), shape: [], dtype: 'float32' },
    ];
  }
  // Threads for ITEMS_PER_THREAD items each: fewer workgroups, so fewer partials and barriers.
  const threads = Math.ceil(items / ITEMS_PER_THREAD);
  const workgroups = workgroupsFor(threads, backend);
  const params = bayesianParams(items, attrs, 0, 0, backend);
  new Uint32Array(params, 4, 1)[0] = workgroups * WORKGROUP_SIZE;
  const [partials] = runDirectPass(backend, {
    key: `bayesianPartials_k${k}_${attrs.curvature}_v${width}`,
    code: innovationPartialsWgsl(k, attrs.curvature, width),
    inputs: [inputs.gradient, inputs.slot, ...curvatureInput('BayesianMultiscaleInnovation', args)],
    outputShapes: [workgroups === 1 ? [] : [workgroups]],
    params,
    items: threads,
  }) as [tf.TensorInfo];
  if (workgroups === 1) return [partials];
  try {
    // One workgroup sums the partials: items = 1 dispatches exactly one.
    const totalParams = new ArrayBuffer(48);
    new Uint32Array(totalParams, 0, 2).set([workgroups, WORKGROUP_SIZE]);
    return runDirectPass(backend, {
      key: 'bayesianTotal',
      code: TOTAL_WGSL,
      inputs: [partials],
      outputShapes: [[]],
      params: totalParams,
      items: 1,
    });
  } finally {
    backend.disposeData(partials.dataId);
  }
}
