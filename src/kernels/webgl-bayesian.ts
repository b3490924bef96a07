import type * as tf from '@tensorflow/tfjs-core';
import type { BayesianStepArgs, BayesianStepAttrs } from './bayesian-step-kernel.js';
import { call, lit, type Program, type WebGLBackendLike } from './webgl-program.js';

/**
 * How a program addresses the entries of one weight: `flat` programs see w as `[n]` and the slot
 * as `[2k−1, n]` (one float per texel); `packed` ones see the weight's own rank-2 or rank-3 shape
 * with 2×2 entries per texel (the layout tfjs's packed matMul and elementwise ops use), so a
 * trained weight stays packed and a texel does four entries.
 */
interface Layout {
  packed: boolean;
  /** The shape the programs see: `[n]` (flat) or the weight's shape (packed). */
  shape: number[];
}

/** GLSL type of one sample in a layout. */
const sample = (l: Layout) => (l.packed ? 'vec4' : 'float');

/** `values[index]` as a chain of selects on a GLSL int expression (no dynamic indexing). */
function select(index: string, values: number[]): string {
  const last = values.length - 1;
  return (
    values
      .slice(0, last)
      .map((v, j) => `${index} == ${j} ? ${lit(v)} : `)
      .join('') + lit(values[last] as number)
  );
}

/** A GLSL function `finiteOr0(x)`: x where finite, else 0 (a NaN gradient stays in its entry). */
function finiteOr0(l: Layout): string {
  return l.packed
    ? `vec4 finiteOr0(vec4 x) {
      bvec4 a = isnan(x);
      bvec4 b = isinf(x);
      return mix(x, vec4(0.0), bvec4(a.x || b.x, a.y || b.y, a.z || b.z, a.w || b.w));
    }`
    : `float finiteOr0(float x) { return isnan(x) || isinf(x) ? 0.0 : x; }`;
}

/**
 * Where D comes from in a program: the shared scalar, per-row sums, each entry's own computed in
 * the program (`entry`) or read from a D of the weight's shape (`entries`), or nowhere (the sums).
 */
type DenominatorSource = 'shared' | 'rowSums' | 'entry' | 'entries' | 'none';

/** Where a program reads its per-entry inputs. */
interface Reads {
  /** The entry's coordinates in the weight's shape (in the program's layout). */
  at: string;
  /** Whether the output has the weight's shape, so W, G and H are read at the output's texel. */
  own: boolean;
  /** The entry's index in the flattened weight (for the per-row sums `R`). */
  flatIndex?: string;
  /** Entries per row (for the per-row sums `R`). */
  per?: number;
  /** The entry's index along the first axis (packed; for the per-row sums `R`). */
  group?: string;
}

/** The read of weight-shaped input `name` (W, G or H) at the entry. */
const read = (name: string, r: Reads) =>
  r.own ? `get${name}AtOutCoords()` : `get${name}(${r.at})`;

/**
 * GLSL lines that define ĝ (`g`), the variances `v0 … v{k−1}` and their total `V` (when needed),
 * the term t (`t`) and the innovation `D` of the entry at `r`.
 */
function entryLines(
  a: BayesianStepAttrs,
  l: Layout,
  r: Reads,
  source: DenominatorSource,
  needV: boolean,
): string {
  const T = sample(l);
  const k = a.gamma.length;
  const fisher = a.curvature === 'fisher';
  const toD = (x: string) => (fisher ? `(1.0 + sqrt(1.0 + 4.0 * (${x}))) * 0.5` : `1.0 + (${x})`);
  const lines = [`${T} g = ${read('G', r)} * ${lit(1 / a.observationNoise)};`];
  if (needV || source === 'entry') {
    for (let i = 0; i < k; i++) lines.push(`${T} v${i} = getS(${k - 1 + i}, ${r.at});`);
    lines.push(`${T} V = ${Array.from({ length: k }, (_, i) => `v${i}`).join(' + ')};`);
  }
  lines.push(`${T} t = ${a.curvature === 'given' ? read('H', r) : 'g * g'};`);
  if (source === 'shared') lines.push(`${T} D = ${T}(${toD(`getD()${l.packed ? '.x' : ''}`)});`);
  else if (source === 'entries') lines.push(`${T} D = ${read('D', r)};`);
  else if (source === 'rowSums') lines.push(rowDenominator(l, r, toD));
  else if (source === 'none') {
    // The terms programs: t and V only.
  } else if (a.innovation === 'perRow') {
    // One entry per row: the row's sum is the entry's own term, skipped when not finite.
    lines.push(`${T} D = ${toD('finiteOr0(t * V)')};`);
  } else lines.push(`${T} D = ${toD(fisher ? 'g * g * V' : 't * V')};`);
  return lines.join('\n      ');
}

/**
 * D from the per-row sums `R`: flat, the entry's row; packed rank 3, the texel's batch (one row);
 * packed rank 2, the texel's two rows g and g + 1 (a packed 1-D `R` texel holds sums g, g + 1).
 */
function rowDenominator(l: Layout, r: Reads, toD: (x: string) => string): string {
  if (!l.packed) return `float D = ${toD(`getR(${r.flatIndex} / ${r.per})`)};`;
  const g = r.group as string;
  if (l.shape.length === 3) {
    return `vec4 rr = getR(${g});
      vec4 D = vec4(${toD(`${g} - (${g} / 2) * 2 == 0 ? rr.x : rr.y`)});`;
  }
  return `vec4 rr = getR(${g});
      vec4 D = ${toD('vec4(rr.x, rr.x, rr.y, rr.y)')};`;
}

/** Output coordinates of a program over `shape` (plus a leading slot-row axis when `rows`). */
function coords(
  l: Layout,
  rows: boolean,
): { decl: string; at: string; row: string; first: string } {
  const rank = l.shape.length + (rows ? 1 : 0);
  const names = ['x', 'y', 'z', 'w'].slice(0, rank).map((x) => `c.${x}`);
  const type = rank === 1 ? 'int' : `ivec${rank}`;
  if (rank === 1) return { decl: 'int c = getOutputCoords();', at: 'c', row: '', first: 'c' };
  const at = names.slice(rows ? 1 : 0);
  return {
    decl: `${type} c = getOutputCoords();`,
    at: at.join(', '),
    row: rows ? 'c.x' : '',
    first: at[0] as string,
  };
}

/** The variable names of a program: W (weight only), G, S, then H, and D or R. */
function variables(a: BayesianStepAttrs, source: DenominatorSource, weight: boolean): string[] {
  const names = weight ? ['W', 'G', 'S'] : ['G', 'S'];
  if (a.curvature === 'given') names.push('H');
  if (source === 'shared' || source === 'entries') names.push('D');
  if (source === 'rowSums') names.push('R');
  return names;
}

/** The new weight: w ← γ_p(w − Vĝ/D) + Σ_{r≠p}(γ_r − γ_p)(ω_r − v_rĝ/D). */
function weightProgram(
  a: BayesianStepAttrs,
  l: Layout,
  source: DenominatorSource,
  per: number,
): Program {
  const p = a.pivot;
  const gp = a.gamma[p] as number;
  const others = a.gamma.map((_, i) => i).filter((i) => i !== p);
  const c = coords(l, false);
  const T = sample(l);
  const r: Reads = { at: c.at, own: true, flatIndex: c.at, per, group: c.first };
  const flows = others.map(
    (i, row) =>
      `acc += ${lit((a.gamma[i] as number) - gp)} * (getS(${row}, ${c.at}) - v${i} * step);`,
  );
  return {
    variableNames: variables(a, source, true),
    outputShape: l.shape,
    packedInputs: l.packed,
    packedOutput: l.packed,
    userCode: `
    ${finiteOr0(l)}
    void main() {
      ${c.decl}
      ${entryLines(a, l, r, source, true)}
      ${T} step = g / D;
      ${T} acc = ${lit(gp)} * (${read('W', r)} - V * step);
      ${flows.join('\n      ')}
      setOutput(acc);
    }`,
  };
}

/**
 * The new slot rows `[2k−1, ...]`: mean row r (subweight i ≠ p) ← γ_i(ω_i − v_iĝ/D), variance
 * row i ← γ_i² v_i(D − ĥv_i)/D + q_i, with ĥ = ĝ²/D (`'fisher'`), ĝ² or the given curvature.
 */
function slotProgram(
  a: BayesianStepAttrs,
  l: Layout,
  source: DenominatorSource,
  per: number,
): Program {
  const k = a.gamma.length;
  const p = a.pivot;
  const others = a.gamma.map((_, i) => i).filter((i) => i !== p);
  const c = coords(l, true);
  const T = sample(l);
  const r: Reads = { at: c.at, own: false, flatIndex: c.at, per, group: c.first };
  const hh = a.curvature === 'fisher' ? 'g * g / D' : 't';
  const means =
    k === 1
      ? ''
      : `if (row < ${k - 1}) {
        float gi = ${select(
          'row',
          others.map((i) => a.gamma[i] as number),
        )};
        int vi = ${k - 1} + (row < ${p} ? row : row + 1);
        setOutput(gi * (s - getS(vi, ${c.at}) * (g / D)));
        return;
      }`;
  return {
    variableNames: variables(a, source, false),
    outputShape: [2 * k - 1, ...l.shape],
    packedInputs: l.packed,
    packedOutput: l.packed,
    userCode: `
    ${finiteOr0(l)}
    void main() {
      ${c.decl}
      int row = ${c.row};
      ${entryLines(a, l, r, source, false)}
      ${T} s = getSAtOutCoords();
      ${means}
      int i = row - ${k - 1};
      float g2 = ${select(
        'i',
        a.gamma.map((x) => x * x),
      )};
      float q = ${select('i', a.processNoise)};
      ${T} hh = ${hh};
      setOutput(g2 * (s * (D - hh * s)) / D + q);
    }`,
  };
}

/** Each entry's own D (`'perWeight'`, or `'perRow'` with one entry per row), in layout `l`. */
function denominatorProgram(a: BayesianStepAttrs, l: Layout): Program {
  const c = coords(l, false);
  return {
    variableNames: variables(a, 'entry', false),
    outputShape: l.shape,
    packedInputs: l.packed,
    packedOutput: l.packed,
    userCode: `
    ${finiteOr0(l)}
    void main() {
      ${c.decl}
      ${entryLines(a, l, { at: c.at, own: true }, 'entry', true)}
      setOutput(D);
    }`,
  };
}

/** Most entries (flat) or texels (packed) one thread of a partial-sum program adds up. */
const MAX_CHUNK = 256;

/**
 * Partial innovation sums: each thread adds the finite terms t·V (t = ĝ², or ĥ when given) of a
 * chunk of consecutive entries, so the backend's `Sum` that finishes the reduction reads about
 * √(entries) values instead of all of them. The output is `[groups, chunks]`: each group (a
 * `'perRow'` row, or the whole weight) split into chunks of entries (flat) or of texels in memory
 * order (packed; a texel's padding entries, and for a rank-2 row the other row's, left out).
 */
function partialSumProgram(a: BayesianStepAttrs, l: Layout, groups: number): Program {
  const n = l.shape.reduce((x, y) => x * y, 1);
  const rank = l.shape.length;
  const variableNames = a.curvature === 'given' ? ['G', 'S', 'H'] : ['G', 'S'];
  if (!l.packed) {
    const per = n / groups;
    const chunk = Math.min(MAX_CHUNK, Math.ceil(Math.sqrt(per)));
    const chunks = Math.ceil(per / chunk);
    const r: Reads = { at: 'e', own: false };
    return {
      variableNames,
      outputShape: [groups, chunks],
      userCode: `
    ${finiteOr0(l)}
    void main() {
      ivec2 c = getOutputCoords();
      int start = c.y * ${chunk};
      int count = min(${chunk}, ${per} - start);
      float acc = 0.0;
      for (int j = 0; j < ${chunk}; j++) {
        if (j >= count) break;
        int e = c.x * ${per} + start + j;
        ${entryLines(a, l, r, 'none', true)}
        acc += finiteOr0(t * V);
      }
      setOutput(acc);
    }`,
    };
  }
  // Texel index → (batch, row, column) of its top-left entry, as tfjs's packed samplers lay out.
  // A group's texels: all of them (one group), one batch (rank 3), or one texel row, whose
  // texels hold two rows of entries, so row grp keeps its half of each (rank 2).
  const rows = l.shape[rank - 2] as number;
  const cols = l.shape[rank - 1] as number;
  const perRow = Math.ceil(cols / 2);
  const perBatch = perRow * Math.ceil(rows / 2);
  const texels = perBatch * (rank === 3 ? (l.shape[0] as number) : 1);
  const span = groups === 1 ? texels : rank === 3 ? perBatch : perRow;
  const chunk = Math.min(MAX_CHUNK, Math.ceil(Math.sqrt(span)));
  const base = groups === 1 ? '0' : rank === 3 ? `grp * ${perBatch}` : `(grp / 2) * ${perRow}`;
  const halfRow = groups > 1 && rank === 2;
  const keep = halfRow
    ? `grp - (grp / 2) * 2 == 0 ? vec4(1.0, right ? 1.0 : 0.0, 0.0, 0.0)
          : vec4(0.0, 0.0, 1.0, right ? 1.0 : 0.0)`
    : 'vec4(1.0, right ? 1.0 : 0.0, below ? 1.0 : 0.0, right && below ? 1.0 : 0.0)';
  const at = rank === 3 ? 'b, y, x' : 'y, x';
  const r: Reads = { at, own: false };
  return {
    variableNames,
    outputShape: [groups, Math.ceil(span / chunk)],
    packedInputs: true,
    packedOutput: false,
    userCode: `
    ${finiteOr0(l)}
    void main() {
      ivec2 c = getOutputCoords();
      int grp = c.x;
      int start = c.y * ${chunk};
      int count = min(${chunk}, ${span} - start);
      float acc = 0.0;
      for (int j = 0; j < ${chunk}; j++) {
        if (j >= count) break;
        int texel = ${base} + start + j;
        int b = texel / ${perBatch};
        int inBatch = texel - b * ${perBatch};
        int y = 2 * (inBatch / ${perRow});
        int x = 2 * (inBatch - (inBatch / ${perRow}) * ${perRow});
        ${entryLines(a, l, r, 'none', true)}
        bool right = x + 1 < ${cols};
        bool below = y + 1 < ${rows};
        vec4 keep = ${keep};
        acc += dot(finiteOr0(t * V), keep);
      }
      setOutput(acc);
    }`,
  };
}

/** Reshapes and programs of one kernel call, with its intermediates disposed at the end. */
class Run {
  private readonly temps: tf.TensorInfo[] = [];
  constructor(readonly be: WebGLBackendLike) {}

  /** `x` viewed as `shape` (no copy when the layout allows). */
  as(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
    return this.temp(call('Reshape', this.be, { x }, { shape }));
  }

  temp(x: tf.TensorInfo): tf.TensorInfo {
    this.temps.push(x);
    return x;
  }

  program(p: Program, inputs: tf.TensorInfo[]): tf.TensorInfo {
    return this.be.runWebGLProgram(p, inputs, 'float32');
  }

  /** An output of `shape`: `x` itself, or a reshaped view of it (x then becomes a temporary). */
  output(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
    this.temps.push(x);
    return call('Reshape', this.be, { x }, { shape });
  }

  dispose(): void {
    for (const t of this.temps) this.be.disposeIntermediateTensorInfo(t);
  }
}

/** Packed programs for weights of rank 2 and 3; flat ones otherwise. */
function layoutOf(shape: number[]): Layout {
  const n = shape.reduce((x, y) => x * y, 1);
  const packed = shape.length === 2 || shape.length === 3;
  return { packed, shape: packed ? shape : [n] };
}

/** The inputs of the terms program in layout `l`: G, S and (given) H. */
function termInputs(run: Run, l: Layout, args: BayesianStepArgs): tf.TensorInfo[] {
  const { gradient, slot, curvature } = args.inputs;
  const rows = 2 * args.attrs.gamma.length - 1;
  const ins = [run.as(gradient, l.shape), run.as(slot, [rows, ...l.shape])];
  if (args.attrs.curvature === 'given') {
    if (curvature === undefined) throw new Error(`${BAYESIAN}: 'given' curvature needs the input`);
    ins.push(run.as(curvature, l.shape));
  }
  return ins;
}

const BAYESIAN = 'BayesianMultiscale (webgl)';

/** Most partial sums one thread of `groupSumProgram` adds up (more go to the backend's `Sum`). */
const MAX_FINAL = 1024;

/**
 * Sums each row of `[groups, chunks]` partial sums in one thread: the output is `[groups]`, or
 * for one group a packed `[1]` (tfjs's scalar ops, which the optimizer runs on it next, are
 * packed programs: this saves them a pack pass).
 */
function groupSumProgram(groups: number, chunks: number, scalar: boolean): Program {
  return {
    variableNames: ['P'],
    outputShape: [groups],
    packedOutput: scalar,
    userCode: `
    void main() {
      int row = ${scalar ? '0' : 'getOutputCoords()'};
      float acc = 0.0;
      for (int j = 0; j < ${chunks}; j++) acc += getP(row, j);
      setOutput(${scalar ? 'vec4(acc, 0.0, 0.0, 0.0)' : 'acc'});
    }`,
  };
}

/**
 * Σ t·V of the weight in layout `l` on the GPU: a scalar (`'shared'`, one group), or per group
 * (`[groups]`, `'perRow'`). One partial-sum pass, then one pass adding each group's partial sums
 * (the backend's `Sum` when a group has more than `MAX_FINAL` of them; only a reshape when it has
 * one).
 */
function innovationSums(
  run: Run,
  args: BayesianStepArgs,
  l: Layout,
  groups: number,
  scalar: boolean,
): tf.TensorInfo {
  const partial = run.temp(
    run.program(partialSumProgram(args.attrs, l, groups), termInputs(run, l, args)),
  );
  const chunks = partial.shape.reduce((x, y) => x * y, 1) / groups;
  const out = scalar ? [] : [groups];
  if (chunks === 1) return call('Reshape', run.be, { x: partial }, { shape: out });
  const rows = run.as(partial, [groups, chunks]);
  if (chunks > MAX_FINAL) {
    return run.output(call('Sum', run.be, { x: rows }, { axis: [1], keepDims: false }), out);
  }
  return run.output(run.program(groupSumProgram(groups, chunks, scalar), [rows]), out);
}

/**
 * The `BAYESIAN_INNOVATION` kernel of the `webgl` backend: one pass of partial sums of the finite
 * terms t·V, then one pass adding them up (`innovationSums`); the scalar stays on the GPU.
 */
export function bayesianInnovationWebGL(args: BayesianStepArgs): tf.TensorInfo[] {
  const be = args.backend as WebGLBackendLike;
  const shape = args.inputs.gradient.shape;
  const n = shape.reduce((x, y) => x * y, 1);
  if (n === 0) return [call('Fill', be, {}, { shape: [], value: 0, dtype: 'float32' })];
  const run = new Run(be);
  try {
    return [innovationSums(run, args, layoutOf(shape), 1, true)];
  } finally {
    run.dispose();
  }
}

/**
 * The `BAYESIAN_STEP` kernel of the `webgl` backend: two GPGPU passes (a program has one output),
 * the new weight and all 2k−1 new slot rows, each computing ĝ and D per entry. D is the
 * `sum` input (`'shared'`, D formed in the shader), each entry's own (`'perWeight'`), or for `'perRow'` the sums
 * of `innovationSums` per row. Weights of rank 2 and 3 run packed programs; others run flat
 * ones.
 */
export function bayesianStepWebGL(args: BayesianStepArgs): tf.TensorInfo[] {
  const { inputs, attrs } = args;
  const be = args.backend as WebGLBackendLike;
  const shape = inputs.value.shape;
  const n = shape.reduce((x, y) => x * y, 1);
  if (n === 0) {
    return [
      call('Identity', be, { x: inputs.value }, {}),
      call('Identity', be, { x: inputs.slot }, {}),
    ];
  }
  const k = attrs.gamma.length;
  const run = new Run(be);
  try {
    const perRow = attrs.innovation === 'perRow' && attrs.groups < n;
    const l = layoutOf(shape);
    let source: DenominatorSource = 'entry';
    const ins = termInputs(run, l, args);
    if (attrs.innovation === 'shared') {
      if (inputs.sum === undefined) {
        throw new Error(`${BAYESIAN}: the 'shared' innovation needs the sum input`);
      }
      source = 'shared';
      ins.push(inputs.sum);
    } else if (perRow) {
      source = 'rowSums';
      ins.push(run.temp(innovationSums(run, args, l, attrs.groups, false)));
    }
    const per = n / attrs.groups;
    const value = run.as(inputs.value, l.shape);
    const nextW = run.program(weightProgram(attrs, l, source, per), [value, ...ins]);
    if (source === 'entry') {
      // Each entry's own D needs all k variances: one pass writes it, so that the 2k−1 slot rows
      // read D instead of k variances each.
      ins.push(run.temp(run.program(denominatorProgram(attrs, l), ins.slice())));
      source = 'entries';
    }
    const nextS = run.program(slotProgram(attrs, l, source, per), ins);
    return [run.output(nextW, shape), run.output(nextS, [2 * k - 1, ...shape])];
  } finally {
    run.dispose();
  }
}
