// Checks of a backend's fused Bayesian kernels (BAYESIAN_STEP, BAYESIAN_INNOVATION) against the
// generic tfjs-ops path and the float64 mean-field Kalman filter of bayesian-reference.ts, in
// weights and in state. No test framework: each function computes on the active backend and
// returns plain numbers, so vitest (test/bayesian-fused.test.ts: cpu, wasm) and pages in Chromium
// (test/browser/bayesian-webgl.*, bayesian-webgpu.*) make their assertions on the same
// computations. Values are read back with `data()`, never `dataSync()`: tfjs-webgpu's synchronous
// read goes through a canvas, and on the SwiftShader adapter in headless Chromium it returns zeros.
import * as tf from '@tensorflow/tfjs';
import { bayesianMultiscale } from '../../src/index.js';
import {
  BAYESIAN_INNOVATION,
  BAYESIAN_STEP,
  hasBayesianKernels,
} from '../../src/kernels/bayesian-step-kernel.js';
import { maxAbs, maxAbsDiff, normals } from './backends.js';
import { type Case, Reference } from './bayesian-reference.js';

/** The cases every backend runs, by name; each runs 12 steps unless it says otherwise. */
export const BAYESIAN_CASES: Record<string, Case & { steps?: number }> = {};
for (const curvature of ['fisher', 'empiricalFisher', 'given'] as const) {
  for (const innovation of ['shared', 'perRow', 'perWeight'] as const) {
    BAYESIAN_CASES[`k=3, pivot 2, ${curvature}, ${innovation}`] = {
      gamma: [0.5, 0.9, 0.999],
      p: [0.3, 0.2, 0.1],
      sigma2: 0.5,
      curvature,
      innovation,
      shapes: [[5, 7], [13], [2, 3, 2], []],
    };
  }
}
Object.assign(BAYESIAN_CASES, {
  'k=1, fisher, shared': {
    gamma: [0.95],
    p: [1],
    sigma2: 1,
    curvature: 'fisher',
    innovation: 'shared',
    shapes: [[9], [4, 4]],
  },
  'k=5, pivot 4, fisher, shared': {
    gamma: [0.2, 0.6, 0.9, 0.99, 1],
    p: [0.5, 0.4, 0.3, 0.2, 0.1],
    sigma2: 2,
    curvature: 'fisher',
    innovation: 'shared',
    shapes: [[33, 3]],
  },
  // A pivot in the middle, the SIMD path (wasm) with its tail: 171 = 21·8 + 3 entries, 8, and 3.
  'k=5, pivot 3, empiricalFisher, shared': {
    gamma: [0.3, 0.95, 0.7, 0.999, 0.5],
    p: [0.2, 0.4, 0.6, 0.1, 0.3],
    sigma2: 0.8,
    curvature: 'empiricalFisher',
    innovation: 'shared',
    shapes: [[19, 9], [8], [3]],
  },
  // Many timescales (more than 127 locals in wasm's step), the pivot not last.
  'k=16, pivot 12, fisher, shared': {
    gamma: Array.from({ length: 16 }, (_, i) => 1 - 0.6 ** (((i + 3) % 16) + 1)),
    p: Array.from({ length: 16 }, (_, i) => 0.5 / (i + 1)),
    sigma2: 0.8,
    curvature: 'fisher',
    innovation: 'shared',
    shapes: [[9, 8], [5]],
  },
  'k=3, pivot 0, empiricalFisher, perRow': {
    gamma: [0.99, 0.3, 0.8],
    p: [0.2, 0.5, 0.3],
    sigma2: 0.7,
    curvature: 'empiricalFisher',
    innovation: 'perRow',
    shapes: [[7, 129], [3, 5, 7], [1], [1, 6]],
  },
  'k=4, pivot 1, fisher, perWeight': {
    gamma: [0.6, 0.999, 0.2, 0.9],
    p: [0.3, 0.1, 0.4, 0.2],
    sigma2: 1.5,
    curvature: 'fisher',
    innovation: 'perWeight',
    shapes: [[31, 17], [3, 3, 3], [101]],
  },
  'k=4, pivot 1, given, shared, n = 20001': {
    gamma: [0.6, 0.999, 0.2, 0.9],
    p: [0.3, 0.1, 0.4, 0.2],
    sigma2: 1.5,
    curvature: 'given',
    innovation: 'shared',
    shapes: [[20001], [99, 101], [5, 9, 11]],
  },
  'k=8, pivot 5, empiricalFisher, perWeight': {
    gamma: [0.1, 0.3, 0.5, 0.7, 0.8, 0.999, 0.9, 0.95],
    p: [0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1],
    sigma2: 0.9,
    curvature: 'empiricalFisher',
    innovation: 'perWeight',
    shapes: [[6, 11], [3, 4, 5], [7]],
  },
  'k=2, pivot 0, fisher, perRow, odd rows': {
    gamma: [1, 0.7],
    p: [0.2, 0.6],
    sigma2: 0.3,
    curvature: 'fisher',
    innovation: 'perRow',
    shapes: [[2001, 3], [5]],
  },
});

/**
 * Cases for the GPU backends, whose reductions run in chunks (too slow for the cpu backend's
 * generic path in a unit test): more than 1024 partial sums per weight, where webgl's last pass
 * is the backend's own Sum.
 */
export const LARGE_REDUCTION_CASES: Record<string, Case & { steps?: number }> = {
  'k=1, empiricalFisher, shared, n > 2^18 flat and 2^20 packed': {
    gamma: [0.9],
    p: [0.5],
    sigma2: 1,
    curvature: 'empiricalFisher',
    innovation: 'shared',
    shapes: [[300001], [1100, 1001]],
    steps: 3,
  },
};

/** How `runCase` gets ĥ for `'given'` curvature, and what else it measures. */
export interface RunOptions {
  /**
   * `'ops'` (default): the curvature function computes h = 0.5 + sin²(w + 1) with tfjs ops on the
   * backend. `'values'`: the test computes it in float64 from the weights (read back
   * asynchronously) and the function hands it over as a tensor, so the optimizer's first-step
   * check of h reads values that are already on the CPU (webgpu: see the file's header).
   */
  curvature?: 'ops' | 'values';
  /** Counts the backend's reads to the CPU while a function runs (measured on the last step). */
  countReads?: (fn: () => void) => number;
}

/** What one run of a case reached, what the float64 reference expects, and what it ran. */
export interface CaseRun {
  out: { w: number[]; parts: number[]; variances: number[] }[];
  expected: { w: number[]; parts: number[]; variances: number[] }[];
  /** Kernels of the last step but one (`tf.profile`). */
  kernels: string[];
  /** Reads to the CPU during the last step (−1 without `countReads`). */
  reads: number;
  /** Backend buffers gained from the first step to the last (steps ≥ 2). */
  leaked: number;
  /** How far the first weight moved from its initial value (max |Δ|, float64 reference). */
  moved: number;
}

const read = async (t: tf.Tensor) => Array.from(await t.data());

/**
 * Runs `steps` steps of one optimizer (case `c`) on seeded gradients on the active backend; returns
 * the weights, subweights and variances it reached and what the float64 reference expects.
 */
export async function runCase(
  c: Case,
  steps: number,
  seed: number,
  options: RunOptions = {},
): Promise<CaseRun> {
  const values = options.curvature === 'values';
  const handed = new Map<string, Float32Array>();
  const opt = bayesianMultiscale({
    gamma: c.gamma,
    priorVariance: c.p,
    observationNoise: c.sigma2,
    innovation: c.innovation,
    curvature:
      c.curvature !== 'given'
        ? c.curvature
        : values
          ? ({ name, value }) => tf.tensor(handed.get(name) as Float32Array, value.shape)
          : ({ value }) => tf.add(0.5, tf.square(tf.sin(tf.add(value, 1)))),
  });
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const w0 = c.shapes.map((s, i) => Float32Array.from(normals(seed + i, size(s))));
  const vars = c.shapes.map((s, i) => tf.variable(tf.tensor(w0[i] as Float32Array, s)));
  const ref = new Reference(c, w0);
  let kernels: string[] = [];
  let reads = -1;
  let heldAfterFirst = 0;
  let leaked = 0;
  for (let t = 0; t < steps; t++) {
    const grads = c.shapes.map((s, i) =>
      Float32Array.from(normals(1000 * seed + 10 * t + i, size(s)), (x) => 0.7 * x),
    );
    // The curvature function above, in float64 on the float32 weights it will see.
    const curv =
      c.curvature === 'given'
        ? await Promise.all(
            vars.map(async (v) =>
              Float32Array.from(await v.data(), (x) => 0.5 + Math.sin(x + 1) ** 2),
            ),
          )
        : null;
    if (curv) for (const [i, v] of vars.entries()) handed.set(v.name, curv[i] as Float32Array);
    ref.step(grads, curv);
    const map: tf.NamedTensorMap = {};
    vars.forEach((v, i) => {
      // Through a program, as a gradient from backprop arrives (not a fresh upload).
      map[v.name] = tf.tidy(() => tf.mul(tf.tensor(grads[i] as Float32Array, c.shapes[i]), 1));
    });
    const step = () => opt.applyGradients(map);
    if (t === steps - 2) kernels = (await tf.profile(step)).kernelNames;
    else if (t === steps - 1 && options.countReads) {
      // Not under tf.profile, which reads every kernel's output back to check it.
      reads = options.countReads(step);
    } else step();
    tf.dispose(Object.values(map));
    // Buffers the backend holds (tensors, and a kernel's intermediates it failed to release).
    const held = tf.engine().backend.numDataIds();
    if (t === 0) heldAfterFirst = held;
    else if (t === steps - 1) leaked = held - heldAfterFirst;
  }
  const out = await Promise.all(
    vars.map(async (v) => {
      const parts = opt.subweights(v);
      const variances = opt.variances(v);
      const r = { w: await read(v), parts: await read(parts), variances: await read(variances) };
      tf.dispose([parts, variances]);
      return r;
    }),
  );
  const expected = vars.map((_, w) => ({
    w: ref.weight(w),
    parts: (ref.mu[w] as Float64Array[]).flatMap((m) => Array.from(m)),
    variances: (ref.v[w] as Float64Array[]).flatMap((m) => Array.from(m)),
  }));
  opt.dispose();
  tf.dispose(vars);
  const moved = maxAbsDiff(expected[0]?.w ?? [], w0[0] ?? []);
  return { out, expected, kernels, reads, leaked, moved };
}

/** Runs `fn` with the Bayesian kernels of `backend` unregistered (the generic tfjs-ops path). */
export async function generic<T>(backend: string, fn: () => Promise<T>): Promise<T> {
  const kernels = [BAYESIAN_STEP, BAYESIAN_INNOVATION].map((name) => tf.getKernel(name, backend));
  for (const k of kernels) if (k) tf.unregisterKernel(k.kernelName, backend);
  try {
    if (hasBayesianKernels(backend)) throw new Error('the fused kernels are still registered');
    return await fn();
  } finally {
    for (const k of kernels) if (k) tf.registerKernel(k);
  }
}

/** max|actual − expected| and max|expected| of one quantity. */
export interface Comparison {
  diff: number;
  scale: number;
}

/** Per weight, a comparison of each quantity: the weights, the subweight means, the variances. */
export type PerWeight = Record<'w' | 'parts' | 'variances', Comparison>[];

/** The fused and the generic path of one case, each against the reference and each other. */
export interface Equivalence {
  fusedVsReference: PerWeight;
  genericVsReference: PerWeight;
  fusedVsGeneric: PerWeight;
  kernels: string[];
  genericKernels: string[];
  reads: number;
  leaked: { fused: number; generic: number };
  moved: number;
}

/** Runs case `c` on the fused path and the generic one (`steps` steps from `seed`) and compares. */
export async function compareCase(
  backend: string,
  c: Case,
  steps: number,
  seed: number,
  options: RunOptions = {},
): Promise<Equivalence> {
  const fused = await runCase(c, steps, seed, options);
  const ops = await generic(backend, () => runCase(c, steps, seed, options));
  const pair = (a: CaseRun['out'][number], b: CaseRun['out'][number]) => ({
    w: { diff: maxAbsDiff(a.w, b.w), scale: maxAbs(b.w) },
    parts: { diff: maxAbsDiff(a.parts, b.parts), scale: maxAbs(b.parts) },
    variances: { diff: maxAbsDiff(a.variances, b.variances), scale: maxAbs(b.variances) },
  });
  const at = (r: CaseRun, w: number) => {
    const x = r.out[w];
    if (x === undefined) throw new Error(`no output for weight ${w}`);
    return x;
  };
  return {
    fusedVsReference: fused.expected.map((want, w) => pair(at(fused, w), want)),
    genericVsReference: fused.expected.map((want, w) => pair(at(ops, w), want)),
    fusedVsGeneric: fused.expected.map((_, w) => pair(at(fused, w), at(ops, w))),
    kernels: fused.kernels,
    genericKernels: ops.kernels,
    reads: fused.reads,
    leaked: { fused: fused.leaked, generic: ops.leaked },
    moved: fused.moved,
  };
}

/**
 * The worst max|actual − expected| / max(max|expected|, 10⁻³) of the fused and the generic path
 * against the float64 reference, per output (weights, subweights, variances): six ratios.
 */
export function worstRatios(r: Equivalence): Record<string, number> {
  const worst: Record<string, number> = {};
  for (const [label, per] of [
    ['fused', r.fusedVsReference],
    ['generic', r.genericVsReference],
  ] as const) {
    for (const q of per) {
      for (const [part, { diff, scale }] of Object.entries(q)) {
        const key = `${label} ${part}`;
        const ratio = diff / Math.max(scale, 1e-3);
        worst[key] = Math.max(worst[key] ?? 0, Number.isNaN(ratio) ? Infinity : ratio);
      }
    }
  }
  return worst;
}

/**
 * A named case (`BAYESIAN_CASES`, `LARGE_REDUCTION_CASES`) on `backend`: its `worstRatios`, and
 * what the fused path ran.
 */
export async function equivalence(
  backend: string,
  name: string,
): Promise<{ worst: Record<string, number>; kernels: string[]; leaked: Equivalence['leaked'] }> {
  const c = BAYESIAN_CASES[name] ?? LARGE_REDUCTION_CASES[name];
  if (c === undefined) throw new Error(`no Bayesian case ${name}`);
  const r = await compareCase(backend, c, c.steps ?? 12, 3);
  return { worst: worstRatios(r), kernels: r.kernels, leaked: r.leaked };
}

/**
 * One step of two variables with one gradient entry NaN (and again with it 0): whether that entry
 * went NaN, whether all others stayed finite, and the others' largest difference from the run with
 * 0 (relative to their size).
 */
export async function nanEntry(
  backend: string,
  innovation: 'shared' | 'perRow',
  path: 'fused' | 'generic',
): Promise<{ nan: boolean; othersFinite: boolean; relDiff: number }> {
  const go = async (gv: number[]) => {
    const opt = bayesianMultiscale({
      timescales: [3, 300],
      priorVariance: 1,
      observationNoise: 1,
      innovation,
    });
    const a = tf.variable(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]));
    const b = tf.variable(tf.tensor1d([0.5, -0.5]));
    const ga = tf.tensor2d(gv, [2, 3]);
    const gb = tf.tensor1d([0.3, 0.1]);
    opt.applyGradients({ [a.name]: ga, [b.name]: gb });
    const out = [...(await read(a)), ...(await read(b))];
    opt.dispose();
    tf.dispose([a, b, ga, gb]);
    return out;
  };
  const both = async () => [
    await go([0.1, Number.NaN, -0.2, 0.4, 0.5, -0.6]),
    await go([0.1, 0, -0.2, 0.4, 0.5, -0.6]),
  ];
  const [withNaN, withZero] = (path === 'fused' ? await both() : await generic(backend, both)) as [
    number[],
    number[],
  ];
  const others = (x: number[]) => x.filter((_, i) => i !== 1);
  return {
    nan: Number.isNaN(withNaN[1]),
    othersFinite: others(withNaN).every(Number.isFinite),
    relDiff: maxAbsDiff(others(withNaN), others(withZero)) / maxAbs(others(withZero)),
  };
}

/**
 * Zero-size variables (`[0]`, `[0, 3]`, `[3, 0]`) stepped twice beside a normal one, under every
 * innovation: whether they kept their shapes, and whether the other weight came out exactly as
 * without them.
 */
export async function emptyWeights(
  backend: string,
  path: 'fused' | 'generic',
): Promise<{ shapesKept: boolean; emptyChangesNothing: boolean }> {
  let shapesKept = true;
  let emptyChangesNothing = true;
  for (const innovation of ['shared', 'perRow', 'perWeight'] as const) {
    for (const shape of [[0], [0, 3], [3, 0]]) {
      const go = async (withEmpty: boolean) => {
        const opt = bayesianMultiscale({
          timescales: [3, 300],
          priorVariance: 1,
          observationNoise: 1,
          innovation,
        });
        const empty = tf.variable(tf.zeros(shape));
        const other = tf.variable(tf.tensor1d([0.5, -1]));
        const ge = tf.zeros(shape);
        const go = tf.tensor1d([0.3, -0.2]);
        const map: tf.NamedTensorMap = { [other.name]: go };
        if (withEmpty) map[empty.name] = ge;
        opt.applyGradients(map);
        opt.applyGradients(map);
        const out = { shape: empty.shape, w: await read(other) };
        opt.dispose();
        tf.dispose([empty, other, ge, go]);
        return out;
      };
      const both = async () => [await go(true), await go(false)] as const;
      const [got, without] = path === 'fused' ? await both() : await generic(backend, both);
      shapesKept &&= tf.util.arraysEqual(got.shape, shape);
      emptyChangesNothing &&= tf.util.arraysEqual(got.w, without.w);
    }
  }
  return { shapesKept, emptyChangesNothing };
}

/**
 * A scalar variable (beside a `[0, 3]` one) stepped twice with 'empiricalFisher' curvature:
 * whether the empty one kept its shape, and the scalar's error relative to the scalar Kalman
 * filter in float64.
 */
export async function scalarWeight(
  backend: string,
  path: 'fused' | 'generic',
): Promise<{ shapeKept: boolean; relError: number }> {
  const go = async () => {
    const opt = bayesianMultiscale({
      gamma: [0.9],
      priorVariance: 2,
      observationNoise: 0.5,
      curvature: 'empiricalFisher',
    });
    const empty = tf.variable(tf.zeros([0, 3]));
    const scalar = tf.variable(tf.scalar(1.5));
    const gs = tf.scalar(0.4);
    const ge = tf.zeros([0, 3]);
    opt.applyGradients({ [empty.name]: ge, [scalar.name]: gs });
    opt.applyGradients({ [empty.name]: ge, [scalar.name]: gs });
    const out = { shape: empty.shape, w: (await read(scalar))[0] as number };
    opt.dispose();
    tf.dispose([empty, scalar, gs, ge]);
    return out;
  };
  const got = path === 'fused' ? await go() : await generic(backend, go);
  // Float64: ĝ = g/σ², h = ĝ², D = 1 + hV, μ ← γ(μ − vĝ/D), v ← γ²(v − v²h/D) + p(1 − γ²).
  let mu = 1.5;
  let v = 2;
  for (let t = 0; t < 2; t++) {
    const gh = 0.4 / 0.5;
    const D = 1 + gh * gh * v;
    mu = 0.9 * (mu - (v * gh) / D);
    v = 0.81 * (v - (v * v * gh * gh) / D) + 2 * (1 - 0.81);
  }
  return {
    shapeKept: tf.util.arraysEqual(got.shape, [0, 3]),
    relError: Math.abs(got.w - mu) / Math.abs(mu),
  };
}

/**
 * 20 training steps of a `[40, 30]` and a `[7]` weight (`'fisher'` curvature, the given
 * innovation) on `backend`: how many went through the fused kernels, how many reads back to the
 * CPU the steps after the first made, and how many tensors steps 2–20 leaked.
 */
export function optimizerSteps(
  backend: string,
  innovation: 'shared' | 'perRow' | 'perWeight' = 'shared',
): {
  stepCalls: number;
  innovationCalls: number;
  reads: number;
  leaked: number;
} {
  const engine = tf.engine();
  const original = engine.runKernel.bind(engine);
  const be = tf.backend();
  const readSync = be.readSync;
  const read = be.read;
  let stepCalls = 0;
  let innovationCalls = 0;
  let reads = 0;
  engine.runKernel = ((name: string, ...rest: unknown[]) => {
    if (name === BAYESIAN_STEP) stepCalls++;
    if (name === BAYESIAN_INNOVATION) innovationCalls++;
    return (original as (...a: unknown[]) => unknown)(name, ...rest);
  }) as typeof engine.runKernel;
  if (tf.getBackend() !== backend) throw new Error(`the active backend is ${tf.getBackend()}`);
  const opt = bayesianMultiscale({
    timescales: [3, 30, 300],
    priorVariance: 1,
    observationNoise: 1,
    innovation,
  });
  const a = tf.variable(tf.tensor(Float32Array.from(normals(1, 1200)), [40, 30]));
  const b = tf.variable(tf.tensor(Float32Array.from(normals(2, 7)), [7]));
  let after1 = 0;
  try {
    for (let t = 0; t < 20; t++) {
      const ga = tf.tidy(() =>
        tf.mul(tf.tensor(Float32Array.from(normals(10 + t, 1200)), [40, 30]), 0.3),
      );
      const gb = tf.tidy(() => tf.mul(tf.tensor(Float32Array.from(normals(100 + t, 7)), [7]), 0.3));
      if (t === 1) {
        be.readSync = (id) => {
          reads++;
          return readSync.call(be, id);
        };
        be.read = (id) => {
          reads++;
          return read.call(be, id);
        };
      }
      opt.applyGradients({ [a.name]: ga, [b.name]: gb });
      tf.dispose([ga, gb]);
      if (t === 0) after1 = tf.memory().numTensors;
    }
  } finally {
    engine.runKernel = original;
    be.readSync = readSync;
    be.read = read;
  }
  const leaked = tf.memory().numTensors - after1;
  opt.dispose();
  tf.dispose([a, b]);
  return { stepCalls, innovationCalls, reads, leaked };
}
