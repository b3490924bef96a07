import * as tf from '@tensorflow/tfjs-core';
import { registerBayesianKernels } from './bayesian-step-kernel.js';
import {
  type MultiscaleStepArgs,
  type MultiscaleStepConstants,
  registerMultiscaleStepKernel,
} from './multiscale-step-kernel.js';
import {
  registerTridiagonalStepKernel,
  type TridiagonalStepArgs,
  type TridiagonalStepAttrs,
} from './tridiagonal-step-kernel.js';
import { bayesianInnovationWebGL, bayesianStepWebGL } from './webgl-bayesian.js';
import { call, lit, type Program, type WebGLBackendLike } from './webgl-program.js';

/**
 * The new weight, one GPGPU pass over w, g and the slot rows (every row's flow into w at once).
 * The constants are baked into the shader, so each optimizer compiles it once per shape.
 */
function weightProgram(n: number, r: number, a: MultiscaleStepConstants): Program {
  const flow = a.cross.slice(0, r).map((c, j) => `acc += ${lit(c)} * getS(${j}, i);`);
  return {
    variableNames: r === 0 ? ['W', 'G'] : ['W', 'G', 'S'],
    outputShape: [n],
    userCode: `void main() {
      int i = getOutputCoords();
      float acc = ${lit(a.pivotDecay)} * getW(i) - ${lit(a.totalRate)} * getG(i);
      ${flow.join('\n      ')}
      setOutput(acc);
    }`,
  };
}

/** The new slot rows `[r, n]`, one GPGPU pass over the rows and g. */
function slotProgram(n: number, r: number, a: MultiscaleStepConstants): Program {
  const coef = (values: number[]) =>
    values
      .slice(0, r - 1)
      .map((v, j) => `row == ${j} ? ${lit(v)} : `)
      .join('') + lit(values[r - 1] as number);
  return {
    variableNames: ['G', 'S'],
    outputShape: [r, n],
    userCode: `void main() {
      ivec2 rc = getOutputCoords();
      int row = rc.x;
      float d = ${coef(a.decays)};
      float rate = ${coef(a.rates)};
      setOutput(d * getS(row, rc.y) - rate * getG(rc.y));
    }`,
  };
}

const COORDS = ['x', 'y', 'z', 'w'];

/** A per-row constant, chosen by the row index `j` (a chain of selects, no dynamic indexing). */
function perRow(values: number[]): string {
  const r = values.length;
  return (
    values
      .slice(0, r - 1)
      .map((v, j) => `j == ${j} ? ${lit(v)} : `)
      .join('') + lit(values[r - 1] as number)
  );
}

/**
 * Packed (vec4 per texel, 2×2 entries) programs for weights of rank 2 or 3, the layout tfjs's
 * packed matMul and elementwise ops use, so training keeps its weights packed and a texel does
 * four entries. A slot row j of `[r, ...shape]` packs exactly like the weight, so texel (j, c…)
 * of the slot lines up with texel (c…) of the weight and the gradient.
 */
function packedPrograms(shape: number[], r: number, a: MultiscaleStepConstants): Program[] {
  const rank = shape.length;
  const type = rank === 2 ? 'ivec2' : 'ivec3';
  const at = COORDS.slice(0, rank)
    .map((x) => `c.${x}`)
    .join(', ');
  const flow = a.cross.slice(0, r).map((cj, j) => `acc += ${lit(cj)} * getS(${j}, ${at});`);
  const weight: Program = {
    variableNames: r === 0 ? ['W', 'G'] : ['W', 'G', 'S'],
    outputShape: shape,
    packedInputs: true,
    packedOutput: true,
    userCode: `void main() {
      ${type} c = getOutputCoords();
      vec4 acc = ${lit(a.pivotDecay)} * getWAtOutCoords() - ${lit(a.totalRate)} * getGAtOutCoords();
      ${flow.join('\n      ')}
      setOutput(acc);
    }`,
  };
  if (r === 0) return [weight];
  const inner = COORDS.slice(1, rank + 1)
    .map((x) => `c.${x}`)
    .join(', ');
  const slot: Program = {
    variableNames: ['G', 'S'],
    outputShape: [r, ...shape],
    packedInputs: true,
    packedOutput: true,
    userCode: `void main() {
      ${rank === 2 ? 'ivec3' : 'ivec4'} c = getOutputCoords();
      int j = c.x;
      float d = ${perRow(a.decays)};
      float rate = ${perRow(a.rates)};
      setOutput(d * getSAtOutCoords() - rate * getG(${inner}));
    }`,
  };
  return [weight, slot];
}

/**
 * The `MultiscaleStep` kernel of the `webgl` backend: two GPGPU passes (a program has one output),
 * one for the new weight and one for all the new slot rows, instead of about seven ops. Weights
 * of rank 2 and 3 (dense and most conv kernels) run packed programs; others run unpacked ones
 * over the flattened entries.
 */
export function multiscaleStepWebGL({
  inputs,
  attrs,
  backend,
}: MultiscaleStepArgs): tf.TensorInfo[] {
  const be = backend as WebGLBackendLike;
  const n = inputs.value.shape.reduce((a, b) => a * b, 1);
  const r = inputs.slot === undefined ? 0 : attrs.decays.length;
  const rank = inputs.value.shape.length;
  if (rank === 2 || rank === 3) {
    const [weight, slot] = packedPrograms(inputs.value.shape, r, attrs);
    const { value, gradient } = inputs;
    const ins = inputs.slot === undefined ? [value, gradient] : [value, gradient, inputs.slot];
    const outputs = [be.runWebGLProgram(weight as Program, ins, 'float32')];
    if (slot !== undefined && inputs.slot !== undefined) {
      outputs.push(be.runWebGLProgram(slot, [gradient, inputs.slot], 'float32'));
    }
    return outputs;
  }
  const temps: tf.TensorInfo[] = [];
  const reshape = (x: tf.TensorInfo, shape: number[]) => {
    const out = call('Reshape', be, { x }, { shape });
    temps.push(out);
    return out;
  };
  const w = reshape(inputs.value, [n]);
  const g = reshape(inputs.gradient, [n]);
  const s = inputs.slot === undefined ? null : reshape(inputs.slot, [r, n]);
  const nextW = be.runWebGLProgram(weightProgram(n, r, attrs), s ? [w, g, s] : [w, g], 'float32');
  temps.push(nextW);
  const outputs = [call('Reshape', be, { x: nextW }, { shape: inputs.value.shape })];
  if (inputs.slot !== undefined && s !== null) {
    const nextS = be.runWebGLProgram(slotProgram(n, r, attrs), [g, s], 'float32');
    temps.push(nextS);
    outputs.push(call('Reshape', be, { x: nextS }, { shape: inputs.slot.shape }));
  }
  for (const t of temps) be.disposeIntermediateTensorInfo(t);
  return outputs;
}

/**
 * Packed programs for the tridiagonal step of a rank-2/3 weight: the weight (coordinate p) and
 * the slot rows. A slot row j samples its neighbours x_{j±1}, each either w (coordinate p) or a
 * slot row, so every row is read from the same texel position.
 */
function tridiagonalPrograms(shape: number[], r: number, a: TridiagonalStepAttrs): Program[] {
  const rank = shape.length;
  const k = r + 1;
  const p = a.pivot;
  const at = COORDS.slice(0, rank)
    .map((x) => `c.${x}`)
    .join(', ');
  const sample = (m: number) =>
    m === p ? 'getWAtOutCoords()' : `getS(${m < p ? m : m - 1}, ${at})`;
  const terms = [`${lit(a.diag[p] as number)} * getWAtOutCoords()`];
  if (p > 0) terms.push(`${lit(a.lower[p] as number)} * ${sample(p - 1)}`);
  if (p < k - 1) terms.push(`${lit(a.upper[p] as number)} * ${sample(p + 1)}`);
  terms.push(`${lit(a.input[p] as number)} * getGAtOutCoords()`);
  const weight: Program = {
    variableNames: ['W', 'G', 'S'],
    outputShape: shape,
    packedInputs: true,
    packedOutput: true,
    userCode: `void main() {
      ${rank === 2 ? 'ivec2' : 'ivec3'} c = getOutputCoords();
      setOutput(${terms.join(' + ')});
    }`,
  };
  const inner = COORDS.slice(1, rank + 1)
    .map((x) => `c.${x}`)
    .join(', ');
  // Coordinate j of slot row `row`; x(m) samples coordinate m (clamped; its coefficient is 0).
  const coords = Array.from({ length: k }, (_, j) => j).filter((j) => j !== p);
  const byRow = (values: number[]) => perRow(coords.map((j) => values[j] as number));
  const slot: Program = {
    variableNames: ['W', 'G', 'S'],
    outputShape: [r, ...shape],
    packedInputs: true,
    packedOutput: true,
    userCode: `
    vec4 x(int m, ${rank === 2 ? 'ivec3' : 'ivec4'} c) {
      m = clamp(m, 0, ${k - 1});
      if (m == ${p}) return getW(${inner});
      return getS(m < ${p} ? m : m - 1, ${inner});
    }
    void main() {
      ${rank === 2 ? 'ivec3' : 'ivec4'} c = getOutputCoords();
      int j = c.x;
      int coord = j < ${p} ? j : j + 1;
      float l = ${byRow(a.lower)};
      float d = ${byRow(a.diag)};
      float u = ${byRow(a.upper)};
      float b = ${byRow(a.input)};
      setOutput(l * x(coord - 1, c) + d * getSAtOutCoords() + u * x(coord + 1, c)
        + b * getG(${inner}));
    }`,
  };
  return [weight, slot];
}

/**
 * The `TridiagonalStep` kernel of the `webgl` backend: two packed passes (weight, slot rows).
 * Weights of other ranks are viewed as rank 2 (`[size / last, last]`) first.
 */
export function tridiagonalStepWebGL({
  inputs,
  attrs,
  backend,
}: TridiagonalStepArgs): tf.TensorInfo[] {
  const be = backend as WebGLBackendLike;
  const shape = inputs.value.shape;
  const r = attrs.diag.length - 1;
  const size = shape.reduce((x, y) => x * y, 1);
  const last = shape.length === 0 ? 1 : (shape[shape.length - 1] as number);
  const view = shape.length === 2 || shape.length === 3 ? shape : [size / last, last];
  const temps: tf.TensorInfo[] = [];
  const as = (x: tf.TensorInfo, to: number[]) => {
    if (tf.util.arraysEqual(x.shape, to)) return x;
    const out = call('Reshape', be, { x }, { shape: to });
    temps.push(out);
    return out;
  };
  const w = as(inputs.value, view);
  const g = as(inputs.gradient, view);
  const s = as(inputs.slot, [r, ...view]);
  const [weight, slot] = tridiagonalPrograms(view, r, attrs) as [Program, Program];
  const nextW = be.runWebGLProgram(weight, [w, g, s], 'float32');
  const nextS = be.runWebGLProgram(slot, [w, g, s], 'float32');
  const outputs = [nextW, nextS];
  if (view !== shape) {
    temps.push(nextW, nextS);
    outputs[0] = call('Reshape', be, { x: nextW }, { shape });
    outputs[1] = call('Reshape', be, { x: nextS }, { shape: inputs.slot.shape });
  }
  for (const t of temps) be.disposeIntermediateTensorInfo(t);
  return outputs;
}

/** Registers the `webgl` kernels (`MultiscaleStep`, `TridiagonalStep`, the Bayesian step). */
export function registerWebGLKernels(): void {
  registerMultiscaleStepKernel('webgl', multiscaleStepWebGL);
  registerTridiagonalStepKernel('webgl', tridiagonalStepWebGL);
  registerBayesianKernels('webgl', bayesianStepWebGL, bayesianInnovationWebGL);
}
