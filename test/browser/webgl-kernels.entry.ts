// Runs in headless Chromium (software WebGL2): the fused webgl MultiscaleStep kernel against the
// generic tfjs-ops path and a float64 reference. Assertions live in webgl-kernels.spec.ts.
import * as tf from '@tensorflow/tfjs';
import {
  bennaFusi,
  bennaFusiDynamics,
  type LinearDynamics,
  momentumDynamics,
  multiscale,
  pivotIndex,
} from '../../src/index.js';
import {
  hasMultiscaleStepKernel,
  MULTISCALE_STEP,
  runMultiscaleStepKernel,
} from '../../src/kernels/multiscale-step-kernel.js';
import {
  hasTridiagonalStepKernel,
  runTridiagonalStepKernel,
  tridiagonalStepOps,
} from '../../src/kernels/tridiagonal-step-kernel.js';
import { tridiagonalBands } from '../../src/optimizers/linear-dynamics-optimizer.js';
import { multiscaleStepOps, stepTensors } from '../../src/optimizers/multiscale-step.js';
import {
  coupledReference,
  multiscaleReference,
  roundingRatio,
  SHAPES,
  sampleMultiscale,
  scaledMiddle,
  uniforms,
} from '../kernels-reference.js';

async function setup(): Promise<{ backend: string; registered: boolean }> {
  tf.enableProdMode();
  await tf.setBackend('webgl');
  await tf.ready();
  return { backend: tf.getBackend(), registered: hasMultiscaleStepKernel('webgl') };
}

/** Worst error / float32-rounding bound of the fused and generic paths, per k and output. */
function agreement(k: number): Record<string, number> {
  const opt = multiscale(sampleMultiscale(k, 10 + k));
  const c = opt.constants;
  const t = k > 1 ? stepTensors(c) : null;
  const worst: Record<string, number> = { fusedW: 0, fusedS: 0, genericW: 0, genericS: 0 };
  SHAPES.forEach((shape, si) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const wv = uniforms(100 * k + si, n);
    const gv = uniforms(200 * k + si, n);
    const sv = k > 1 ? uniforms(300 * k + si, (k - 1) * n) : null;
    const ref = multiscaleReference(wv, gv, sv, c);
    tf.tidy(() => {
      const w = tf.tensor(wv, shape);
      const g = tf.tensor(gv, shape);
      const s = sv === null ? null : tf.tensor(sv, [k - 1, ...shape]);
      // Push the inputs to the GPU the way training does (outputs of a program, not uploads).
      const [wg, gg, sg] = [tf.add(w, 0), tf.add(g, 0), s === null ? null : tf.add(s, 0)];
      for (const [name, out] of [
        ['fused', runMultiscaleStepKernel(wg, gg, sg, c)],
        ['generic', multiscaleStepOps(wg, gg, sg, c, t)],
      ] as const) {
        if (!tf.util.arraysEqual(out.value.shape, shape)) throw new Error(`${name}: bad shape`);
        const ratioW = roundingRatio(out.value.dataSync(), ref.w, ref.scaleW, k + 2);
        worst[`${name}W`] = Math.max(worst[`${name}W`] as number, ratioW);
        if (out.slot !== null && sv !== null) {
          const ratioS = roundingRatio(out.slot.dataSync(), ref.s, ref.scaleS, k + 2);
          worst[`${name}S`] = Math.max(worst[`${name}S`] as number, ratioS);
        }
      }
    });
  });
  if (t) tf.dispose([t.decays, t.rates]);
  opt.dispose();
  return worst;
}

/** Optimizer steps on webgl: how many went through the kernel, tensors leaked, weights vs ops. */
function optimizerSteps(): { kernelCalls: number; leaked: number; maxDiff: number; scale: number } {
  const engine = tf.engine();
  const original = engine.runKernel.bind(engine);
  let kernelCalls = 0;
  engine.runKernel = ((name: string, ...rest: unknown[]) => {
    if (name === MULTISCALE_STEP) kernelCalls++;
    return (original as (...a: unknown[]) => unknown)(name, ...rest);
  }) as typeof engine.runKernel;
  const run = () => {
    const opt = multiscale({ alpha: [0.02, 0.1, -0.03, 0.05], gamma: [1, 0.95, 0.6, 0.3] });
    const w = tf.variable(tf.tensor(uniforms(5, 300), [20, 15]));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      const g = tf.tensor(uniforms(1000 + i, 300), [20, 15]);
      opt.applyGradients({ [w.name]: g });
      g.dispose();
      if (i === 0) Object.assign(run, { after1: tf.memory().numTensors });
    }
    const leaked = tf.memory().numTensors - (run as unknown as { after1: number }).after1;
    const out = Float32Array.from(w.dataSync());
    opt.dispose();
    w.dispose();
    return { out, leaked, before };
  };
  try {
    const fused = run();
    const calls = kernelCalls;
    const kernel = tf.getKernel(MULTISCALE_STEP, 'webgl');
    tf.unregisterKernel(MULTISCALE_STEP, 'webgl');
    let generic: ReturnType<typeof run>;
    try {
      generic = run();
    } finally {
      tf.registerKernel(kernel);
    }
    let maxDiff = 0;
    let scale = 0;
    for (let i = 0; i < fused.out.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs((fused.out[i] as number) - (generic.out[i] as number)));
      scale = Math.max(scale, Math.abs(generic.out[i] as number));
    }
    return { kernelCalls: calls, leaked: fused.leaked, maxDiff, scale };
  } finally {
    engine.runKernel = original;
  }
}

/** The coupled Benna–Fusi chain (elementwise tridiagonal ops on webgl) against its diagonal form. */
function coupledVsDiagonal(): { maxDiff: number; scale: number; leaked: number } {
  let leaked = 0;
  const weights = (form: 'coupled' | 'diagonal') => {
    const opt = bennaFusi({ learningRate: 0.5, beakers: 5, form });
    const w = tf.variable(tf.tensor(uniforms(7, 64), [8, 8]));
    let after1 = 0;
    for (let i = 0; i < 100; i++) {
      const g = tf.tensor(uniforms(2000 + i, 64), [8, 8]);
      opt.applyGradients({ [w.name]: g });
      g.dispose();
      if (i === 0) after1 = tf.memory().numTensors;
    }
    leaked = Math.max(leaked, tf.memory().numTensors - after1);
    const out = Float32Array.from(w.dataSync());
    opt.dispose();
    w.dispose();
    return out;
  };
  const a = weights('coupled');
  const b = weights('diagonal');
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return { maxDiff, scale, leaked };
}

const coupledCases: Record<string, LinearDynamics> = {
  momentum: momentumDynamics({ learningRate: 0.1, momentum: 0.9 }),
  scaledMiddle,
  bennaFusi5: bennaFusiDynamics({ learningRate: 0.5, beakers: 5 }),
  bennaFusi8: bennaFusiDynamics({ learningRate: 0.5, beakers: 8 }),
};

/** TridiagonalStep kernel and ops fallback against the dense float64 step (worst ratios). */
function tridiagonalAgreement(name: string): Record<string, number> {
  const d = coupledCases[name] as LinearDynamics;
  const k = d.readout.length;
  const bands = tridiagonalBands(d, pivotIndex(d.readout));
  if (bands === null) throw new Error(`${name} is not tridiagonal`);
  if (!hasTridiagonalStepKernel('webgl')) throw new Error('no TridiagonalStep kernel on webgl');
  const worst: Record<string, number> = { kernelW: 0, kernelS: 0, opsW: 0, opsS: 0 };
  SHAPES.forEach((shape, si) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const wv = uniforms(400 * k + si, n);
    const gv = uniforms(500 * k + si, n);
    const sv = uniforms(600 * k + si, (k - 1) * n);
    const ref = coupledReference(d, wv, gv, sv);
    tf.tidy(() => {
      const w = tf.add(tf.tensor(wv, shape), 0);
      const g = tf.add(tf.tensor(gv, shape), 0);
      const s = tf.add(tf.tensor(sv, [k - 1, ...shape]), 0);
      for (const [label, out] of [
        ['kernel', runTridiagonalStepKernel(w, g, s, bands)],
        ['ops', tridiagonalStepOps(w, g, s, bands)],
      ] as const) {
        if (!tf.util.arraysEqual(out.value.shape, shape)) throw new Error(`${label}: bad shape`);
        if (!tf.util.arraysEqual(out.slot.shape, s.shape)) throw new Error(`${label}: bad slot`);
        const rw = roundingRatio(out.value.dataSync(), ref.w, ref.scaleW, 4);
        const rs = roundingRatio(out.slot.dataSync(), ref.s, ref.scaleS, 4);
        worst[`${label}W`] = Math.max(worst[`${label}W`] as number, rw);
        worst[`${label}S`] = Math.max(worst[`${label}S`] as number, rs);
      }
    });
  });
  return worst;
}

Object.assign(globalThis, {
  suite: { setup, agreement, optimizerSteps, coupledVsDiagonal, tridiagonalAgreement },
});
