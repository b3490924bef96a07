// The benchmark itself, backend-agnostic: Node (cpu, wasm) runs it from bench/run.ts and headless
// Chromium (webgl) runs the same code bundled by esbuild (bench/webgl.entry.ts).
import * as tf from '@tensorflow/tfjs';
import { bayesianMultiscale, bennaFusi, multiscale, powerLaw } from '../src/index.js';
import {
  BAYESIAN_INNOVATION,
  BAYESIAN_STEP,
  type BayesianStepAttrs,
  bayesianStepLoop,
  hasBayesianKernels,
  innovationSum,
  runBayesianInnovationKernel,
  runBayesianStepKernel,
} from '../src/kernels/bayesian-step-kernel.js';
import { multiscaleStepLoop } from '../src/kernels/cpu.js';
import { MULTISCALE_STEP } from '../src/kernels/multiscale-step-kernel.js';

/** How much to measure. */
export interface BenchOptions {
  sizes: number[];
  ks: number[];
  /** Timed batches per variant (medians over these). */
  reps: number;
  /** Target milliseconds per timed batch (batches repeat steps to reach it). */
  batchMs: number;
  /** Samples in the synthetic model.fit data set. */
  fitSamples: number;
  /** Timed epochs per optimizer in the model.fit comparison. */
  fitEpochs: number;
}

/** One timed optimizer step at one size. */
export interface StepRow {
  n: number;
  name: string;
  k: number;
  ms: number;
  bytes: number;
}

/** Everything measured on one backend. */
export interface BackendResult {
  backend: string;
  /** GB/s of tfjs's own `add` of two large tensors (bytes read + written / time). */
  addGBs: number;
  /** GB/s of a plain large copy (`TypedArray.set`), the machine's floor (cpu only). */
  copyGBs: number | null;
  steps: StepRow[];
  /** Coupled vs diagonal Benna–Fusi: ms per step. */
  coupled: { n: number; m: number; diagonalMs: number; coupledMs: number }[];
  /** Fused kernel vs generic ops (kernel unregistered), k = 4. */
  fusedVsGeneric: { n: number; fusedMs: number; genericMs: number }[];
  fit: { samples: number; batch: number; momentumMs: number; multiscaleMs: number };
  /**
   * The Bayesian multiscale optimizer (default options, k timescales) vs a multiscale step with the
   * same k, timed together; `genericMs` is the tfjs-ops path (fused kernels unregistered: the
   * "before"), null where the backend has no fused Bayesian kernel (then `bayesianMs` is it).
   */
  bayesian: {
    n: number;
    k: number;
    multiscaleMs: number;
    bayesianMs: number;
    genericMs: number | null;
    /**
     * The two fused kernels alone, timed with the steps: the 'shared' innovation's reduction and
     * the step given its sum. Null where the backend has no fused Bayesian kernel.
     */
    parts: { innovationMs: number; stepMs: number } | null;
    /**
     * cpu only: the two kernels' loops alone, timed with the steps, writing into output arrays
     * reused from step to step (no allocation, no tfjs bookkeeping): the multiscale loop, and the
     * Bayesian innovation sum plus step loop; and the allocation of each step's outputs alone (a
     * fresh w and slot, one write per 4 kB page). Null elsewhere.
     */
    loops: {
      multiscaleMs: number;
      bayesianMs: number;
      allocMultiscaleMs: number;
      allocBayesianMs: number;
    } | null;
  }[];
  /**
   * cpu only: multiscale k = 4 vs a plain JS loop that moves the same bytes (reads w, g and 3
   * rows, writes w and 3 rows), with fresh output arrays per step (as every tfjs kernel has) and
   * with reused ones, all timed together.
   */
  jsLoop: {
    n: number;
    k: number;
    kernelMs: number;
    loopFreshMs: number;
    loopReusedMs: number;
  } | null;
  tensors: { name: string; after1: number; after1000: number }[];
  memory: { name: string; slotsPerWeight: number; stateFloatsPerParam: number }[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Waits for queued GPU work (a tiny readback); a no-op cost on cpu/wasm. */
async function sync(t: tf.Tensor): Promise<void> {
  if (tf.getBackend() === 'webgl' || tf.getBackend() === 'webgpu') {
    const one = tf.tidy(() => tf.slice(t.reshape([-1]), [0], [1]).add(0));
    await one.data();
    one.dispose();
  }
}

interface Variant {
  name: string;
  run: () => void;
  /** A tensor whose value depends on the step (to sync on). */
  probe: () => tf.Tensor;
}

/**
 * Interleaved timing: each rep runs every variant once (in rotating order) as a batch of steps,
 * so machine load that comes and goes hits all variants alike; returns median ms per step.
 */
async function timeVariants(variants: Variant[], o: BenchOptions): Promise<Map<string, number>> {
  const steps = new Map<string, number>();
  for (const v of variants) {
    // Warm-up (JIT, shader compile, slot creation), then size the batch.
    v.run();
    v.run();
    await sync(v.probe());
    const t0 = performance.now();
    v.run();
    await sync(v.probe());
    const once = Math.max(performance.now() - t0, 0.01);
    steps.set(v.name, Math.max(1, Math.min(200, Math.round(o.batchMs / once))));
  }
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let rep = 0; rep < o.reps; rep++) {
    for (let j = 0; j < variants.length; j++) {
      const v = variants[(j + rep) % variants.length] as Variant;
      const b = steps.get(v.name) as number;
      const t0 = performance.now();
      for (let s = 0; s < b; s++) v.run();
      await sync(v.probe());
      times.get(v.name)?.push((performance.now() - t0) / b);
    }
  }
  return new Map([...times].map(([name, ts]) => [name, median(ts)]));
}

/** Weights are [N/100, 100] matrices, like dense kernels (webgl runs those packed). */
const weightShape = (n: number) => [n / 100, 100];

function optimizerVariant(name: string, opt: tf.Optimizer, n: number, seed: number) {
  const w = tf.variable(tf.randomNormal(weightShape(n), 0, 1, 'float32', seed));
  const g = tf.randomNormal(weightShape(n), 0, 1e-3, 'float32', seed + 1);
  return {
    variant: { name, run: () => opt.applyGradients({ [w.name]: g }), probe: () => w } as Variant,
    dispose: () => {
      opt.dispose();
      tf.dispose([w, g]);
    },
  };
}

/** k timescales spread from 1 down: γ = 1, 0.9, 0.99 …; positive α. */
function multiscaleFor(k: number) {
  const gamma = Array.from({ length: k }, (_, i) => (i === 0 ? 1 : 1 - 0.5 ** (i + 1)));
  return multiscale({ alpha: gamma.map((_, i) => 0.01 / (i + 1)), gamma });
}

async function addFloor(o: BenchOptions): Promise<number> {
  const n = 1 << 22;
  const a = tf.randomNormal([n]);
  const b = tf.randomNormal([n]);
  let c: tf.Tensor | null = null;
  const t = await timeVariants(
    [
      {
        name: 'add',
        run: () => {
          c?.dispose();
          c = tf.add(a, b);
        },
        probe: () => c as tf.Tensor,
      },
    ],
    o,
  );
  tf.dispose([a, b, c as unknown as tf.Tensor]);
  return (3 * 4 * n) / ((t.get('add') as number) * 1e6);
}

function copyFloor(): number {
  const n = 1 << 24;
  const src = new Float32Array(n).fill(1);
  const dst = new Float32Array(n);
  const ts: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    dst.set(src);
    ts.push(performance.now() - t0);
  }
  return (2 * 4 * n) / (median(ts.slice(3)) * 1e6);
}

async function stepTable(o: BenchOptions): Promise<StepRow[]> {
  const rows: StepRow[] = [];
  for (const n of o.sizes) {
    const made = [
      optimizerVariant('tf.train.sgd', tf.train.sgd(0.01), n, 1),
      optimizerVariant('tf.train.momentum', tf.train.momentum(0.01, 0.9), n, 2),
      ...o.ks.map((k) => optimizerVariant(`multiscale k=${k}`, multiscaleFor(k), n, 10 + k)),
    ];
    const t = await timeVariants(
      made.map((m) => m.variant),
      o,
    );
    for (const m of made) m.dispose();
    const bytes = (name: string, k: number) =>
      4 * n * (name === 'tf.train.sgd' ? 3 : name === 'tf.train.momentum' ? 5 : 2 * k + 1);
    for (const [name, ms] of t) {
      const k = name.startsWith('multiscale')
        ? Number(name.split('=')[1])
        : name.endsWith('sgd')
          ? 1
          : 2;
      rows.push({ n, name, k, ms, bytes: bytes(name, k) });
    }
  }
  return rows;
}

async function coupledTable(o: BenchOptions, n: number) {
  const out: BackendResult['coupled'] = [];
  for (const m of [4, 8]) {
    const made = (['diagonal', 'coupled'] as const).map((form) =>
      optimizerVariant(form, bennaFusi({ learningRate: 0.5, beakers: m, form }), n, 40 + m),
    );
    const t = await timeVariants(
      made.map((x) => x.variant),
      o,
    );
    for (const x of made) x.dispose();
    out.push({
      n,
      m,
      diagonalMs: t.get('diagonal') as number,
      coupledMs: t.get('coupled') as number,
    });
  }
  return out;
}

async function fusedVsGeneric(o: BenchOptions, n: number) {
  const backend = tf.getBackend();
  const kernel = tf.getKernel(MULTISCALE_STEP, backend);
  const fused = optimizerVariant('fused', multiscaleFor(4), n, 50);
  const tf1 = await timeVariants([fused.variant], o);
  fused.dispose();
  if (kernel === undefined) return [];
  tf.unregisterKernel(MULTISCALE_STEP, backend);
  try {
    const generic = optimizerVariant('generic', multiscaleFor(4), n, 50);
    const tg = await timeVariants([generic.variant], { ...o, reps: Math.max(3, o.reps >> 1) });
    generic.dispose();
    return [{ n, fusedMs: tf1.get('fused') as number, genericMs: tg.get('generic') as number }];
  } finally {
    tf.registerKernel(kernel);
  }
}

async function fitComparison(o: BenchOptions): Promise<BackendResult['fit']> {
  const samples = o.fitSamples;
  const batch = 32;
  const x = tf.randomNormal([samples, 784], 0, 1, 'float32', 3);
  const labels = tf.randomUniform([samples], 0, 10, 'int32', 4);
  const y = tf.oneHot(labels, 10);
  const makeModel = (optimizer: tf.Optimizer) => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [784],
          units: 256,
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }),
        }),
        tf.layers.dense({
          units: 10,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }),
        }),
      ],
    });
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    return model;
  };
  const models = {
    momentum: makeModel(tf.train.momentum(0.01, 0.9)),
    multiscale: makeModel(multiscaleFor(4)),
  };
  const times: Record<string, number[]> = { momentum: [], multiscale: [] };
  const epoch = async (name: 'momentum' | 'multiscale') => {
    const t0 = performance.now();
    await models[name].fit(x, y, { epochs: 1, batchSize: batch, shuffle: false, verbose: 0 });
    await sync(models[name].getWeights()[0] as tf.Tensor);
    return performance.now() - t0;
  };
  await epoch('momentum');
  await epoch('multiscale');
  for (let e = 0; e < o.fitEpochs; e++) {
    for (const name of (e % 2 ? ['multiscale', 'momentum'] : ['momentum', 'multiscale']) as (
      | 'momentum'
      | 'multiscale'
    )[]) {
      times[name]?.push(await epoch(name));
    }
  }
  for (const m of Object.values(models)) {
    m.optimizer.dispose();
    m.dispose();
  }
  tf.dispose([x, labels, y]);
  return {
    samples,
    batch,
    momentumMs: median(times.momentum as number[]),
    multiscaleMs: median(times.multiscale as number[]),
  };
}

/** The Bayesian optimizer's default setup with k timescales (a 1/f prior over τ = 1 … 10⁴). */
function bayesianFor(k: number) {
  const prior = powerLaw({ band: [1, 1e4], count: k, variance: 5 });
  return bayesianMultiscale({
    gamma: prior.gamma,
    priorVariance: prior.priorVariance,
    observationNoise: 1,
  });
}

async function bayesianTable(o: BenchOptions, n: number): Promise<BackendResult['bayesian']> {
  const k = 5;
  const backend = tf.getBackend();
  const made = [
    optimizerVariant('multiscale', multiscaleFor(k), n, 60),
    optimizerVariant('bayesian', bayesianFor(k), n, 61),
  ];
  // The JS-loop kernels need ~10 calls before V8's optimizing compiler has them.
  for (const m of made) for (let i = 0; i < 10; i++) m.variant.run();
  const loops = backend === 'cpu' ? kernelLoops(n, k) : null;
  const parts = hasBayesianKernels(backend) ? kernelParts(n, k) : null;
  const t = await timeVariants(
    [...made.map((m) => m.variant), ...(loops?.variants ?? []), ...(parts?.variants ?? [])],
    o,
  );
  loops?.dispose();
  parts?.dispose();
  for (const m of made) m.dispose();
  const kernels = [BAYESIAN_STEP, BAYESIAN_INNOVATION].map((name) => tf.getKernel(name, backend));
  let genericMs: number | null = null;
  if (kernels.every((x) => x !== undefined)) {
    for (const x of kernels) tf.unregisterKernel(x?.kernelName as string, backend);
    try {
      const generic = optimizerVariant('generic', bayesianFor(k), n, 61);
      const few = { ...o, reps: Math.max(3, o.reps >> 1), batchMs: Math.min(o.batchMs, 30) };
      genericMs = (await timeVariants([generic.variant], few)).get('generic') as number;
      generic.dispose();
    } finally {
      for (const x of kernels) if (x) tf.registerKernel(x);
    }
  }
  return [
    {
      n,
      k,
      multiscaleMs: t.get('multiscale') as number,
      bayesianMs: t.get('bayesian') as number,
      genericMs,
      parts:
        parts === null
          ? null
          : {
              innovationMs: t.get('innovation') as number,
              stepMs: t.get('stepKernel') as number,
            },
      loops:
        loops === null
          ? null
          : {
              multiscaleMs: t.get('loopM') as number,
              bayesianMs: t.get('loopB') as number,
              allocMultiscaleMs: t.get('allocM') as number,
              allocBayesianMs: t.get('allocB') as number,
            },
    },
  ];
}

/**
 * The kernel attributes of `bayesianFor(k)` (the optimizer the table times) for a weight of n
 * entries: its γ, q, pivot, σ² and innovation, with its default 'fisher' curvature.
 */
function defaultAttrs(k: number, n: number): BayesianStepAttrs {
  const opt = bayesianFor(k);
  return {
    gamma: [...opt.gamma],
    processNoise: [...opt.processNoise],
    pivot: opt.pivot,
    observationNoise: opt.observationNoise,
    curvature: 'fisher',
    innovation: opt.innovation,
    groups: n,
  };
}

/**
 * The two fused Bayesian kernels run alone on the backend (`innovation`: the 'shared' reduction
 * of one weight; `stepKernel`: the step given that sum), with the default attributes.
 */
function kernelParts(n: number, k: number): { variants: Variant[]; dispose: () => void } {
  const attrs = defaultAttrs(k, n);
  const value = tf.randomNormal(weightShape(n), 0, 1, 'float32', 70);
  const gradient = tf.randomNormal(weightShape(n), 0, 1e-3, 'float32', 71);
  const slot = tf.abs(tf.randomNormal([2 * k - 1, ...weightShape(n)], 0, 1, 'float32', 72));
  const sum = tf.scalar(3);
  let kept: tf.Tensor[] = [value];
  const keep = (ts: tf.Tensor[]) => {
    if (kept[0] !== value) tf.dispose(kept);
    kept = ts;
  };
  return {
    variants: [
      {
        name: 'innovation',
        run: () => keep([runBayesianInnovationKernel({ gradient, slot }, attrs)]),
        probe: () => kept[0] as tf.Tensor,
      },
      {
        name: 'stepKernel',
        run: () => {
          const out = runBayesianStepKernel({ value, gradient, slot, sum }, attrs);
          keep([out.value, out.slot]);
        },
        probe: () => kept[0] as tf.Tensor,
      },
    ],
    dispose: () => {
      keep([value]);
      tf.dispose([value, gradient, slot, sum]);
    },
  };
}

/**
 * cpu: the multiscale and Bayesian kernels' loops over arrays allocated once (`loopM`, `loopB`),
 * with the Bayesian optimizer's default attributes for k timescales; and each step's output
 * allocation alone (`allocM`, `allocB`: a fresh w and slot, written once per 4 kB page, as a
 * kernel's first writes fault the pages in).
 */
function kernelLoops(n: number, k: number): { variants: Variant[]; dispose: () => void } {
  const fill = (len: number, seed: number, scale = 1) =>
    Float32Array.from(tf.randomNormal([len], 0, scale, 'float32', seed).dataSync(), Math.abs);
  const w = fill(n, 1);
  const g = fill(n, 2, 1e-3);
  const sM = fill((k - 1) * n, 3);
  const sB = fill((2 * k - 1) * n, 4);
  const outW = new Float32Array(n);
  const outM = new Float32Array((k - 1) * n);
  const outB = new Float32Array((2 * k - 1) * n);
  const attrs = defaultAttrs(k, n);
  const arrays = { w, wAt: 0, g, gAt: 0, s: sB, sAt: 0, h: null, hAt: 0 };
  const rowsM = Array.from({ length: k - 1 }, (_, j) => 0.9 - 0.1 * j);
  const probe = tf.scalar(0);
  return {
    variants: [
      {
        name: 'loopM',
        run: () => multiscaleStepLoop(w, g, sM, outW, outM, rowsM, rowsM, rowsM, 1, 0.01),
        probe: () => probe,
      },
      { name: 'allocM', run: () => touchFresh(n, (k - 1) * n), probe: () => probe },
      { name: 'allocB', run: () => touchFresh(n, (2 * k - 1) * n), probe: () => probe },
      {
        name: 'loopB',
        run: () => {
          const a = { ...arrays, outW, outWAt: 0, outS: outB, outSAt: 0 };
          const sum = innovationSum(a, n, 0, n, attrs);
          bayesianStepLoop(a, n, attrs, (1 + Math.sqrt(1 + 4 * sum)) / 2);
        },
        probe: () => probe,
      },
    ],
    dispose: () => probe.dispose(),
  };
}

/** Allocates a w-sized and a slot-sized Float32Array and writes one entry per 4 kB page of each. */
function touchFresh(n: number, slot: number): number {
  let sum = 0;
  for (const len of [n, slot]) {
    const a = new Float32Array(len);
    for (let i = 0; i < len; i += 1024) a[i] = 1;
    sum += a[len - 1] as number;
  }
  return sum;
}

/** cpu: the fused k = 4 step against plain JS loops over the same bytes, in one timing. */
async function jsLoopTable(o: BenchOptions, n: number): Promise<BackendResult['jsLoop']> {
  const k = 4;
  const fill = (len: number, seed: number) =>
    Float32Array.from(tf.randomNormal([len], 0, 1, 'float32', seed).dataSync());
  const w = fill(n, 1);
  const g = fill(n, 2);
  const slot = fill((k - 1) * n, 3);
  let outW = new Float32Array(n);
  let outS = new Float32Array((k - 1) * n);
  /** Reads w, g and the k−1 rows once, writes w and the rows once: the kernel's bytes. */
  const loop = (fresh: boolean) => () => {
    if (fresh) {
      outW = new Float32Array(n);
      outS = new Float32Array((k - 1) * n);
    }
    for (let i = 0; i < n; i++) {
      const gi = g[i] as number;
      let acc = (w[i] as number) - gi;
      for (let j = 0, at = i; j < k - 1; j++, at += n) {
        const x = slot[at] as number;
        acc += x;
        outS[at] = x - gi;
      }
      outW[i] = acc;
    }
  };
  const probe = tf.scalar(0);
  const kernel = optimizerVariant('kernel', multiscaleFor(k), n, 70);
  const t = await timeVariants(
    [
      kernel.variant,
      { name: 'fresh', run: loop(true), probe: () => probe },
      { name: 'reused', run: loop(false), probe: () => probe },
    ],
    o,
  );
  kernel.dispose();
  probe.dispose();
  return {
    n,
    k,
    kernelMs: t.get('kernel') as number,
    loopFreshMs: t.get('fresh') as number,
    loopReusedMs: t.get('reused') as number,
  };
}

function tensorCounts(): BackendResult['tensors'] {
  const out: BackendResult['tensors'] = [];
  const cases: [string, () => tf.Optimizer][] = [
    ['multiscale k=4', () => multiscaleFor(4)],
    ['bennaFusi m=4 coupled', () => bennaFusi({ learningRate: 0.5, beakers: 4, form: 'coupled' })],
    ['tf.train.momentum', () => tf.train.momentum(0.01, 0.9)],
  ];
  for (const [name, make] of cases) {
    const opt = make();
    const w = tf.variable(tf.randomNormal(weightShape(10_000)));
    const g = tf.randomNormal(weightShape(10_000), 0, 1e-3);
    opt.applyGradients({ [w.name]: g });
    const after1 = tf.memory().numTensors;
    for (let i = 1; i < 1000; i++) opt.applyGradients({ [w.name]: g });
    out.push({ name, after1, after1000: tf.memory().numTensors });
    opt.dispose();
    tf.dispose([w, g]);
  }
  return out;
}

async function memoryTable(): Promise<BackendResult['memory']> {
  const out: BackendResult['memory'] = [];
  const n = 1000;
  const cases: [string, () => tf.Optimizer][] = [
    ['tf.train.sgd', () => tf.train.sgd(0.01)],
    ['tf.train.momentum', () => tf.train.momentum(0.01, 0.9)],
    ['tf.train.adam', () => tf.train.adam(0.01)],
    ...[1, 2, 4, 8].map(
      (k) => [`multiscale k=${k}`, () => multiscaleFor(k)] as [string, () => tf.Optimizer],
    ),
    ['bennaFusi m=8 coupled', () => bennaFusi({ learningRate: 0.5, beakers: 8, form: 'coupled' })],
  ];
  for (const [name, make] of cases) {
    const opt = make();
    const w = tf.variable(tf.zeros([n]));
    const g = tf.zeros([n]);
    opt.applyGradients({ [w.name]: g });
    const slots = (await opt.getWeights()).filter((s) => s.name !== 'iter');
    const floats = slots.reduce((a, s) => a + s.tensor.size, 0);
    out.push({ name, slotsPerWeight: slots.length, stateFloatsPerParam: floats / n });
    opt.dispose();
    tf.dispose([w, g]);
  }
  return out;
}

/** Runs the whole benchmark on the active backend. */
export async function runBenchmark(
  o: BenchOptions,
  log: (s: string) => void = () => {},
): Promise<BackendResult> {
  const backend = tf.getBackend();
  log(`${backend}: floors`);
  const addGBs = await addFloor(o);
  const copyGBs = backend === 'cpu' ? copyFloor() : null;
  log(`${backend}: optimizer steps`);
  const steps = await stepTable(o);
  const big = o.sizes[o.sizes.length - 1] as number;
  log(`${backend}: coupled vs diagonal`);
  const coupled = await coupledTable(o, big);
  log(`${backend}: fused vs generic`);
  const fvg = await fusedVsGeneric(o, Math.min(big, 100_000));
  log(`${backend}: tensor counts, memory`);
  const tensors = tensorCounts();
  const memory = await memoryTable();
  log(`${backend}: Bayesian multiscale`);
  // SwiftShader (webgl in this run) is a software renderer: 10⁵ keeps its generic step short.
  const bayesian = await bayesianTable(o, backend === 'webgl' ? Math.min(big, 100_000) : big);
  const jsLoop = backend === 'cpu' ? await jsLoopTable(o, big) : null;
  log(`${backend}: model.fit`);
  const fit = await fitComparison(o);
  return {
    backend,
    addGBs,
    copyGBs,
    steps,
    coupled,
    fusedVsGeneric: fvg,
    fit,
    tensors,
    memory,
    bayesian,
    jsLoop,
  };
}
