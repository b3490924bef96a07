import * as tf from '@tensorflow/tfjs-core';
import {
  type MultiscaleStepArgs,
  type MultiscaleStepAttrs,
  registerMultiscaleStepKernel,
} from './multiscale-step-kernel.js';

/** The parts of `@tensorflow/tfjs-backend-webgl`'s `GPGPUProgram` used here (one output each). */
interface Program {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
}

/** The parts of `MathBackendWebGL` used here. */
interface WebGLBackendLike extends tf.KernelBackend {
  runWebGLProgram(program: Program, inputs: tf.TensorInfo[], dtype: 'float32'): tf.TensorInfo;
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void;
}

/** A float32 constant as a GLSL literal (exact: nine significant digits round-trip a float32). */
function lit(x: number): string {
  return `(${Math.fround(x).toExponential(9)})`;
}

/**
 * One GPGPU program for the whole step: its output is the new stacked state `[k, n]`, rows
 * 0 … k−2 the new slot rows and row k−1 the new weight, so a step is one pass that reads w, g and
 * the slot once. The weight and slot are then views of that texture (webgl slices contiguous rows
 * without copying). The constants are baked into the shader, so each optimizer compiles it once.
 */
function stepProgram(n: number, r: number, a: MultiscaleStepAttrs): Program {
  const weight = `${lit(a.pivotDecay)} * getW(i) - ${lit(a.totalRate)} * g`;
  if (r === 0) {
    return {
      variableNames: ['W', 'G'],
      outputShape: [n],
      userCode: `void main() {
        int i = getOutputCoords();
        float g = getG(i);
        setOutput(${weight});
      }`,
    };
  }
  const rows = a.decays.map(
    (d, j) =>
      `if (row == ${j}) { setOutput(${lit(d)} * getS(${j}, i) - ${lit(a.rates[j] as number)} * g); return; }`,
  );
  const flow = a.cross.map((c, j) => `acc += ${lit(c)} * getS(${j}, i);`);
  return {
    variableNames: ['W', 'G', 'S'],
    outputShape: [r + 1, n],
    userCode: `void main() {
      ivec2 rc = getOutputCoords();
      int row = rc.x;
      int i = rc.y;
      float g = getG(i);
      ${rows.join('\n      ')}
      float acc = ${weight};
      ${flow.join('\n      ')}
      setOutput(acc);
    }`,
  };
}

/** Runs another registered webgl kernel (Reshape, Slice) on TensorInfos. */
function call(
  name: string,
  backend: tf.KernelBackend,
  inputs: Record<string, tf.TensorInfo>,
  attrs: Record<string, unknown>,
): tf.TensorInfo {
  const kernel = tf.getKernel(name, 'webgl');
  if (kernel === undefined) throw new Error(`MultiscaleStep (webgl): no ${name} kernel`);
  return kernel.kernelFunc({
    inputs,
    backend,
    attrs: attrs as tf.NamedAttrMap,
  }) as tf.TensorInfo;
}

/**
 * The `MultiscaleStep` kernel of the `webgl` backend: one GPGPU pass (`stepProgram`) writes the new
 * stacked state; the new weight and slot are zero-copy views of its rows.
 */
export function multiscaleStepWebGL({
  inputs,
  attrs,
  backend,
}: MultiscaleStepArgs): tf.TensorInfo[] {
  const be = backend as WebGLBackendLike;
  const n = inputs.value.shape.reduce((a, b) => a * b, 1);
  const r = inputs.slot === undefined ? 0 : attrs.decays.length;
  const temps: tf.TensorInfo[] = [];
  const reshape = (x: tf.TensorInfo, shape: number[]) => {
    const out = call('Reshape', be, { x }, { shape });
    temps.push(out);
    return out;
  };
  const flat = [reshape(inputs.value, [n]), reshape(inputs.gradient, [n])];
  if (inputs.slot !== undefined) flat.push(reshape(inputs.slot, [r, n]));
  const state = be.runWebGLProgram(stepProgram(n, r, attrs), flat, 'float32');
  let outputs: tf.TensorInfo[];
  if (inputs.slot === undefined) {
    outputs = [call('Reshape', be, { x: state }, { shape: inputs.value.shape })];
  } else {
    const w = call('Slice', be, { x: state }, { begin: [r, 0], size: [1, n] });
    const s = call('Slice', be, { x: state }, { begin: [0, 0], size: [r, n] });
    temps.push(w, s);
    outputs = [
      call('Reshape', be, { x: w }, { shape: inputs.value.shape }),
      call('Reshape', be, { x: s }, { shape: inputs.slot.shape }),
    ];
  }
  temps.push(state);
  for (const t of temps) be.disposeIntermediateTensorInfo(t);
  return outputs;
}

/** Registers `multiscaleStepWebGL` for the `webgl` backend. */
export function registerWebGLKernels(): void {
  registerMultiscaleStepKernel('webgl', multiscaleStepWebGL);
}
