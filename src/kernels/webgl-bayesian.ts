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
 * Where D comes from in a program: the shared scalar, per-row sums, each entry's own, or nowhere
 * (the terms program needs no D).
 */
type DenominatorSource = 'shared' | 'rowSums' | 'entry' | 'none';

/**
 * GLSL lines that define ĝ (`g`), the total variance `V` (when needed), the term t (`t`) and the
 * innovation `D` at coordinates `at`. `flatIndex` is the entry's index in the flattened weight
 * (for the per-row sums `R`, `per` entries per row).
 */
function entryLines(
  a: BayesianStepAttrs,
  l: Layout,
  at: string,
  source: DenominatorSource,
  options: { needV: boolean; flatIndex?: string; per?: number },
): string {
  const T = sample(l);
  const k = a.gamma.length;
  const fisher = a.curvature === 'fisher';
  const toD = (x: string) => (fisher ? `(1.0 + sqrt(1.0 + 4.0 * (${x}))) * 0.5` : `1.0 + (${x})`);
  const lines = [`${T} g = getG(${at}) * ${lit(1 / a.observationNoise)};`];
  const needV = options.needV || source === 'entry';
  if (needV) {
    const rows = Array.from({ length: k }, (_, i) => `getS(${k - 1 + i}, ${at})`);
    lines.push(`${T} V = ${rows.join(' + ')};`);
  }
  lines.push(`${T} t = ${a.curvature === 'given' ? `getH(${at})` : 'g * g'};`);
  if (source === 'shared') lines.push(`${T} D = ${T}(getD()${l.packed ? '.x' : ''});`);
  else if (source === 'rowSums') {
    lines.push(`${T} D = ${toD(`getR(${options.flatIndex} / ${options.per})`)};`);
  } else if (source === 'none') {
    // The terms program: t and V only.
  } else if (a.innovation === 'perRow') {
    // One entry per row: the row's sum is the entry's own term, skipped when not finite.
    lines.push(`${T} D = ${toD('finiteOr0(t * V)')};`);
  } else lines.push(`${T} D = ${toD(fisher ? 'g * g * V' : 't * V')};`);
  return lines.join('\n      ');
}

/** Output coordinates of a program over `shape` (plus a leading slot-row axis when `rows`). */
function coords(l: Layout, rows: boolean): { decl: string; at: string; row: string } {
  const rank = l.shape.length + (rows ? 1 : 0);
  const names = ['x', 'y', 'z', 'w'].slice(0, rank).map((x) => `c.${x}`);
  const type = rank === 1 ? 'int' : `ivec${rank}`;
  if (rank === 1) return { decl: 'int c = getOutputCoords();', at: 'c', row: '' };
  return {
    decl: `${type} c = getOutputCoords();`,
    at: names.slice(rows ? 1 : 0).join(', '),
    row: rows ? 'c.x' : '',
  };
}

/** The variable names of a program: W (weight only), G, S, then H, and D or R. */
function variables(a: BayesianStepAttrs, source: DenominatorSource, weight: boolean): string[] {
  const names = weight ? ['W', 'G', 'S'] : ['G', 'S'];
  if (a.curvature === 'given') names.push('H');
  if (source === 'shared') names.push('D');
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
  const k = a.gamma.length;
  const p = a.pivot;
  const gp = a.gamma[p] as number;
  const others = a.gamma.map((_, i) => i).filter((i) => i !== p);
  const c = coords(l, false);
  const T = sample(l);
  const flows = others.map(
    (i, r) =>
      `acc += ${lit((a.gamma[i] as number) - gp)} * (getS(${r}, ${c.at}) - getS(${k - 1 + i}, ${c.at}) * step);`,
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
      ${entryLines(a, l, c.at, source, { needV: true, flatIndex: c.at, per })}
      ${T} step = g / D;
      ${T} acc = ${lit(gp)} * (getW(${c.at}) - V * step);
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
        setOutput(gi * (getS(row, ${c.at}) - getS(vi, ${c.at}) * (g / D)));
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
      ${entryLines(a, l, c.at, source, { needV: false, flatIndex: c.at, per })}
      ${means}
      int i = row - ${k - 1};
      float g2 = ${select(
        'i',
        a.gamma.map((x) => x * x),
      )};
      float q = ${select('i', a.processNoise)};
      ${T} v = getS(row, ${c.at});
      ${T} hh = ${hh};
      setOutput(g2 * (v * (D - hh * v)) / D + q);
    }`,
  };
}

/** The finite terms t·V of every entry (t = ĝ², or ĥ when given), for the innovation sums. */
function termsProgram(a: BayesianStepAttrs, l: Layout): Program {
  const c = coords(l, false);
  return {
    variableNames: a.curvature === 'given' ? ['G', 'S', 'H'] : ['G', 'S'],
    outputShape: l.shape,
    packedInputs: l.packed,
    packedOutput: l.packed,
    userCode: `
    ${finiteOr0(l)}
    void main() {
      ${c.decl}
      ${entryLines(a, l, c.at, 'none', { needV: true })}
      setOutput(finiteOr0(t * V));
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

/** Packed programs for weights of rank 2 and 3; flat ones otherwise (and for per-row sums). */
function layoutOf(shape: number[], perRow: boolean): Layout {
  const n = shape.reduce((x, y) => x * y, 1);
  const packed = !perRow && (shape.length === 2 || shape.length === 3);
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

/**
 * The `BAYESIAN_INNOVATION` kernel of the `webgl` backend: one pass writing the finite terms t·V,
 * then the backend's own `Sum` to a scalar, which stays on the GPU.
 */
export function bayesianInnovationWebGL(args: BayesianStepArgs): tf.TensorInfo[] {
  const be = args.backend as WebGLBackendLike;
  const shape = args.inputs.gradient.shape;
  const n = shape.reduce((x, y) => x * y, 1);
  if (n === 0) return [call('Fill', be, {}, { shape: [], value: 0, dtype: 'float32' })];
  const run = new Run(be);
  try {
    const l = layoutOf(shape, false);
    const terms = run.temp(run.program(termsProgram(args.attrs, l), termInputs(run, l, args)));
    const axis = l.shape.map((_, i) => i);
    return [call('Sum', be, { x: terms }, { axis, keepDims: false })];
  } finally {
    run.dispose();
  }
}

/**
 * The `BAYESIAN_STEP` kernel of the `webgl` backend: two GPGPU passes (a program has one output),
 * the new weight and all 2k−1 new slot rows, each computing ĝ, V and D per entry. D is the
 * `denominator` input (`'shared'`), each entry's own (`'perWeight'`), or for `'perRow'` one more
 * pass of finite terms t·V summed per row by the backend's `Sum`. Weights of rank 2 and 3 run
 * packed programs (except `'perRow'`); others run flat ones.
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
    const l = layoutOf(shape, perRow);
    let source: DenominatorSource = 'entry';
    let per = 1;
    const ins = termInputs(run, l, args);
    if (attrs.innovation === 'shared') {
      if (inputs.denominator === undefined) {
        throw new Error(`${BAYESIAN}: the 'shared' innovation needs the denominator input`);
      }
      source = 'shared';
      ins.push(inputs.denominator);
    } else if (perRow) {
      source = 'rowSums';
      per = n / attrs.groups;
      const terms = run.temp(run.program(termsProgram(attrs, l), ins.slice()));
      const rows = run.as(terms, [attrs.groups, per]);
      ins.push(run.temp(call('Sum', be, { x: rows }, { axis: [1], keepDims: false })));
    }
    const value = run.as(inputs.value, l.shape);
    const nextW = run.program(weightProgram(attrs, l, source, per), [value, ...ins]);
    const nextS = run.program(slotProgram(attrs, l, source, per), ins);
    return [run.output(nextW, shape), run.output(nextS, [2 * k - 1, ...shape])];
  } finally {
    run.dispose();
  }
}
