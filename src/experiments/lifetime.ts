import * as tf from '@tensorflow/tfjs-core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { bennaFusiDynamics } from '../dynamics/benna-fusi.js';
import { diagonalize } from '../dynamics/diagonalize.js';
import { impulseResponse } from '../dynamics/impulse-response.js';
import type { LinearDynamics } from '../dynamics/linear-dynamics.js';
import { multiscaleDynamics } from '../dynamics/multiscale.js';
import { bennaFusi, multiscale } from '../optimizers/factories.js';
import { MultiscaleOptimizer } from '../optimizers/multiscale-optimizer.js';
import { fail, integerAtLeast, positive } from '../validate.js';
import { Random, subSeed } from './random.js';
import { firstCrossing, slope } from './stats.js';

/**
 * A synapse model for the memory-lifetime experiment: its float64 dynamics (for the closed form)
 * and a factory for the library's tf.Optimizer that runs the same dynamics (for the simulation).
 */
export interface SynapseModel {
  /** Display name. */
  name: string;
  /** The synapse as linear dynamics. */
  dynamics: LinearDynamics;
  /** A fresh tf.Optimizer for it; it must be a `MultiscaleOptimizer` (diagonal form). */
  optimizer(): tf.Optimizer;
}

/**
 * The two synapses the experiment compares: a Benna–Fusi chain of m = `beakers` beakers and a
 * single exponential synapse ω ← γω − g. The defaults (m = 6, γ = 0.98) keep every lifetime for
 * N ≤ 10⁴ within about a thousand steps, and inside Benna–Fusi's slowest timescale (~1.5·10⁴).
 */
export function synapseModels(options: { beakers?: number; decay?: number } = {}): SynapseModel[] {
  const m = integerAtLeast('synapseModels', 'beakers', options.beakers ?? 6, 1);
  const gamma = positive('synapseModels', 'decay', options.decay ?? 0.98);
  if (gamma >= 1)
    fail('synapseModels', 'decay', gamma, 'it must be < 1 so that the synapse forgets');
  return [
    {
      name: `Benna–Fusi m=${m}`,
      dynamics: bennaFusiDynamics({ learningRate: 1, beakers: m }),
      optimizer: () => bennaFusi({ learningRate: 1, beakers: m }),
    },
    {
      name: `exponential γ=${gamma}`,
      dynamics: multiscaleDynamics({ alpha: [1], gamma: [gamma] }),
      optimizer: () => multiscale({ alpha: [1], gamma: [gamma] }),
    },
  ];
}

/** The slowest timescale −1/ln γ_max of a (diagonalizable, leaky) synapse, in steps. */
export function slowestTimescale(d: LinearDynamics): number {
  const g = Math.abs(diagonalize(d).gamma[0] as number);
  return g >= 1 ? Number.POSITIVE_INFINITY : -1 / Math.log(g);
}

/** SNR of a stored pattern against its age, and the lifetime where it first falls below 1. */
export interface SnrCurve {
  /** Steps since the pattern was stored (1 = right after the step that stored it). */
  age: number[];
  /** SNR at each age. */
  snr: number[];
  /** First age with SNR < 1, interpolated in (log age, log SNR); Infinity if never. */
  lifetime: number;
}

/**
 * Closed-form SNR of the memory-lifetime experiment (Benna & Fusi 2016), from the impulse
 * response h of the synapse (float64, no sampling).
 *
 * One ±1 pattern ξ per step is the gradient, g = −ξ, so w(T) = Σ_s −h(T−s)·ξ^s. The overlap of a
 * pattern stored a steps ago with w has mean N·|h(a)| (the signal). The overlap with a pattern that
 * was never stored has mean 0 and variance E‖w‖² = N·Σ_t h(t)² at steady state (the noise). Hence
 *
 * $$ \mathrm{SNR}(a) = \frac{N\,|h(a)|}{\sqrt{N}\,\lVert h\rVert} = \sqrt N\,\frac{|h(a)|}{\lVert h\rVert}. $$
 *
 * ‖h‖ sums h² over 40 slowest timescales (so the truncated tail is below e^−80 of the total).
 */
export function closedFormSnr(d: LinearDynamics, N: number, maxAge?: number): SnrCurve {
  positive('closedFormSnr', 'N', N);
  const tail = Math.min(5e6, Math.ceil(40 * slowestTimescale(d)) + 10);
  const h = impulseResponse(d, Math.max(tail, (maxAge ?? 0) + 1));
  let norm2 = 0;
  for (let t = 0; t < h.length; t++) norm2 += (h[t] as number) ** 2;
  const norm = Math.sqrt(norm2);
  const limit = maxAge ?? h.length;
  const age: number[] = [];
  const snr: number[] = [];
  for (let a = 0; a < limit; a++) {
    const value = (Math.sqrt(N) * Math.abs(h[a] as number)) / norm;
    age.push(a + 1);
    snr.push(value);
    if (maxAge === undefined && value < 1) break;
  }
  return { age, snr, lifetime: firstCrossing(age, snr, 1) };
}

/** Options of `simulateSnr`. */
export interface SimulationOptions {
  /** Number of synapses N ≥ 1. */
  N: number;
  /** PRNG seed. */
  seed: number;
  /** Largest age at which to measure the signal, in steps (≥ 2). */
  maxAge: number;
  /** Probe patterns averaged per age (trials × storage times). Default 4000. */
  samples?: number;
  /** Independent trials run side by side as rows of the weight tensor. Default ≈ 2¹⁴/N, 1…64. */
  trials?: number;
  /** Called with the fraction done, for progress bars. */
  onProgress?: (fraction: number) => void;
}

/** What `simulateSnr` measured. */
export interface SimulatedSnr extends SnrCurve {
  /** Mean overlap ξ·w of a stored pattern at each age. */
  signal: number[];
  /** √E‖w‖²: the exact std of η·w over never-stored ±1 patterns η, averaged over the run. */
  noise: number;
  /** The same spread sampled: std of η·w for one fresh random pattern η per step and trial. */
  sampledNoise: number;
  /** Trials (rows) and steps simulated. */
  trials: number;
  steps: number;
}

let simulationCount = 0;

/** Ages 1…8, then 24 log-spaced to maxAge (about 32 points in all). */
function ageGrid(maxAge: number): number[] {
  const ages = new Set<number>();
  for (let a = 1; a <= Math.min(8, maxAge); a++) ages.add(a);
  for (let j = 0; j <= 24; j++) ages.add(Math.round(8 * (maxAge / 8) ** (j / 24)));
  return [...ages].filter((a) => a >= 1 && a <= maxAge).sort((x, y) => x - y);
}

/** Samples per-weight subweights from the stationary covariance C_ij = α_iα_j/(1 − γ_iγ_j). */
function stationarySubweights(alpha: number[], gamma: number[], count: number, rng: Random) {
  const k = alpha.length;
  const C = new Matrix(
    alpha.map((ai, i) =>
      alpha.map((aj, j) => (ai * aj) / (1 - (gamma[i] as number) * (gamma[j] as number))),
    ),
  );
  const e = new EigenvalueDecomposition(C, { assumeSymmetric: true });
  const root = e.eigenvectorMatrix.mmul(
    Matrix.diag(e.realEigenvalues.map((l) => Math.sqrt(Math.max(l, 0)))),
  );
  const out = Array.from({ length: k }, () => new Float32Array(count));
  const z = new Float64Array(k);
  for (let n = 0; n < count; n++) {
    rng.normals(k, z);
    for (let i = 0; i < k; i++) {
      let v = 0;
      for (let j = 0; j < k; j++) v += root.get(i, j) * (z[j] as number);
      (out[i] as Float32Array)[n] = v;
    }
  }
  return out;
}

/**
 * Stochastic simulation of the memory-lifetime experiment with the library's own tf.Optimizer.
 *
 * `trials` independent populations of N synapses (rows of one [trials, N] weight) start in the
 * steady state (subweights drawn from their stationary covariance, so no burn-in is needed) and
 * receive one fresh random ±1 pattern per step as the gradient −ξ, through
 * `optimizer.applyGradients`. Every pattern stored in the first `samples/trials` steps is a probe:
 * its overlap ξ·w is recorded at each age on a grid, and the signal is the mean over probes. The
 * noise is √E‖w‖², the exact spread of η·w over never-stored patterns η given w, averaged over all
 * steps and trials (a sampled estimate with fresh random patterns is reported too). SNR and the
 * lifetime follow as in `closedFormSnr`, which this must agree with.
 */
export async function simulateSnr(
  model: SynapseModel,
  options: SimulationOptions,
): Promise<SimulatedSnr> {
  const where = 'simulateSnr';
  const N = integerAtLeast(where, 'N', options.N, 1);
  const maxAge = integerAtLeast(where, 'maxAge', options.maxAge, 2);
  const samples = integerAtLeast(where, 'samples', options.samples ?? 4000, 1);
  const trials = integerAtLeast(
    where,
    'trials',
    options.trials ?? Math.min(64, Math.max(1, Math.round(2 ** 14 / N))),
    1,
  );
  const rng = new Random(options.seed);
  const storage = Math.ceil(samples / trials);
  const steps = storage + maxAge - 1;
  const grid = ageGrid(maxAge);
  const size = trials * N;
  const optimizer = model.optimizer();
  if (!(optimizer instanceof MultiscaleOptimizer)) {
    fail(
      where,
      'optimizer',
      optimizer.getClassName(),
      'it must be a MultiscaleOptimizer (diagonal form)',
    );
  }
  const { alpha, gamma, pivot } = optimizer;
  const parts = stationarySubweights([...alpha], [...gamma], size, rng);
  const w0 = new Float32Array(size);
  for (const part of parts)
    for (let n = 0; n < size; n++) w0[n] = (w0[n] as number) + (part[n] as number);
  const initial = tf.tensor2d(w0, [trials, N]);
  const weight = tf.variable(initial, true, `lifetime_w_${++simulationCount}`);
  initial.dispose();
  if (parts.length > 1) {
    const rows = parts.filter((_, i) => i !== pivot);
    const slot = tf.tensor3d(
      rows.reduce(
        (acc, r, i) => {
          acc.set(r, i * size);
          return acc;
        },
        new Float32Array(rows.length * size),
      ),
      [rows.length, trials, N],
    );
    const iterations = tf.scalar(0);
    await optimizer.setWeights([
      { name: 'iter', tensor: iterations },
      { name: `${weight.name}/subweights`, tensor: slot },
    ]);
    tf.dispose([slot, iterations]);
  }
  // Ring buffer of the patterns that may still be probed: index s mod (maxAge).
  const ring = new Int8Array(maxAge * size);
  const signalSum = new Float64Array(grid.length);
  const signalCount = new Float64Array(grid.length);
  let noiseSum = 0;
  let sampledSum = 0;
  let noiseCount = 0;
  const pattern = new Float32Array(size);
  const gradient = new Float32Array(size);
  const fresh = new Float32Array(size);
  try {
    for (let T = 0; T < steps; T++) {
      rng.signs(size, pattern);
      const slotOffset = (T % maxAge) * size;
      for (let n = 0; n < size; n++) {
        ring[slotOffset + n] = pattern[n] as number;
        gradient[n] = -(pattern[n] as number);
      }
      tf.tidy(() => {
        optimizer.applyGradients({ [weight.name]: tf.tensor2d(gradient, [trials, N]) });
      });
      const w = weight.dataSync();
      rng.signs(size, fresh);
      for (let r = 0; r < trials; r++) {
        let sq = 0;
        let dot = 0;
        for (let n = r * N; n < (r + 1) * N; n++) {
          const x = w[n] as number;
          sq += x * x;
          dot += (fresh[n] as number) * x;
        }
        noiseSum += sq;
        sampledSum += dot * dot;
        noiseCount++;
      }
      for (let g = 0; g < grid.length; g++) {
        const s = T - ((grid[g] as number) - 1);
        if (s < 0 || s >= storage) continue;
        const offset = (s % maxAge) * size;
        for (let r = 0; r < trials; r++) {
          let dot = 0;
          const base = r * N;
          for (let n = 0; n < N; n++)
            dot += (ring[offset + base + n] as number) * (w[base + n] as number);
          signalSum[g] = (signalSum[g] as number) + dot;
          signalCount[g] = (signalCount[g] as number) + 1;
        }
      }
      if (options.onProgress && T % 64 === 0) options.onProgress(T / steps);
    }
  } finally {
    weight.dispose();
    optimizer.dispose();
  }
  options.onProgress?.(1);
  const noise = Math.sqrt(noiseSum / noiseCount);
  const signal = grid.map((_, g) => (signalSum[g] as number) / (signalCount[g] as number));
  const snr = signal.map((s) => s / noise);
  return {
    age: grid,
    snr,
    signal,
    noise,
    sampledNoise: Math.sqrt(sampledSum / noiseCount),
    lifetime: firstCrossing(grid, snr, 1),
    trials,
    steps,
  };
}

/** Options of `runLifetime`. */
export interface LifetimeOptions {
  /** Master seed. */
  seed: number;
  /** Sizes N simulated (and compared with the closed form). Default 10², 10³, 10⁴. */
  sizes?: number[];
  /** Sizes for the closed-form curve. Default 13 log-spaced from 10² to 10⁶. */
  curveSizes?: number[];
  /** Probe patterns per age in the simulation. Default 6000 (quick: 3000). */
  samples?: number;
  /** Quick sizes. */
  quick?: boolean;
  /** Benna–Fusi chain length (see `synapseModels`). */
  beakers?: number;
  /** Exponential synapse's decay (see `synapseModels`). */
  decay?: number;
  /** Called with (fraction done, label). */
  onProgress?: (fraction: number, label: string) => void;
}

/** One (model, N) lifetime: closed form, and simulated where N was simulated. */
export interface LifetimeRow {
  /** Synapse name. */
  model: string;
  /** Number of synapses. */
  N: number;
  /** Closed-form lifetime (steps). */
  closedForm: number;
  /** NaN where N was not simulated. */
  simulated: number;
  /** simulated / closedForm − 1. */
  relativeError: number;
  /** Noise measured in the simulation over its closed form √(N)·‖h‖ (NaN if not simulated). */
  noiseRatio: number;
}

/** Lifetime-vs-N slopes on log–log axes (and per decade of N for the exponential). */
export interface LifetimeSlope {
  /** Synapse name. */
  model: string;
  /** d log(lifetime) / d log N over the simulated sizes, closed form. */
  closedFormSlope: number;
  /** The same from the simulation. */
  simulatedSlope: number;
  /** Closed-form lifetime gained per decade of N over the simulated sizes (steps). */
  stepsPerDecade: number;
}

/** Result of `runLifetime`. */
export interface LifetimeResult {
  /** One row per (synapse, N). */
  rows: LifetimeRow[];
  /** One per synapse. */
  slopes: LifetimeSlope[];
  /** Slowest timescale of each synapse, in steps. */
  slowestTimescales: Record<string, number>;
}

/**
 * Benna & Fusi's memory-lifetime experiment for a Benna–Fusi chain and an exponential synapse:
 * the lifetime in closed form over a range of N, and by stochastic simulation with the library's
 * tf.Optimizers at the simulated sizes, with the log–log slopes of lifetime against N.
 */
export async function runLifetime(options: LifetimeOptions): Promise<LifetimeResult> {
  const sizes = options.sizes ?? [100, 1000, 10000];
  sizes.forEach((N, i) => {
    integerAtLeast('runLifetime', `sizes[${i}]`, N, 1);
  });
  const curveSizes =
    options.curveSizes ?? Array.from({ length: 13 }, (_, i) => Math.round(100 * 10 ** (i / 3)));
  const samples = options.samples ?? (options.quick ? 3000 : 6000);
  const models = synapseModels({
    ...(options.beakers === undefined ? {} : { beakers: options.beakers }),
    ...(options.decay === undefined ? {} : { decay: options.decay }),
  });
  const rows: LifetimeRow[] = [];
  const slopes: LifetimeSlope[] = [];
  const slowestTimescales: Record<string, number> = {};
  const totalWork = models.length * sizes.reduce((a, N) => a + N, 0);
  let work = 0;
  for (const [mi, model] of models.entries()) {
    slowestTimescales[model.name] = slowestTimescale(model.dynamics);
    const norm = Math.sqrt(
      impulseResponse(
        model.dynamics,
        Math.min(5e6, Math.ceil(40 * slowestTimescale(model.dynamics)) + 10),
      ).reduce((a, x) => a + x * x, 0),
    );
    const sim: number[] = [];
    const closed: number[] = [];
    for (const N of [...new Set([...curveSizes, ...sizes])].sort((a, b) => a - b)) {
      const c = closedFormSnr(model.dynamics, N);
      let simulated = Number.NaN;
      let noiseRatio = Number.NaN;
      if (sizes.includes(N)) {
        const s = await simulateSnr(model, {
          N,
          seed: subSeedOf(options.seed, mi, N),
          maxAge: Math.ceil(1.5 * c.lifetime) + 4,
          samples,
          onProgress: (f) =>
            options.onProgress?.((work + f * N) / totalWork, `${model.name}, N=${N}`),
        });
        work += N;
        simulated = s.lifetime;
        noiseRatio = s.noise / (Math.sqrt(N) * norm);
        sim.push(simulated);
        closed.push(c.lifetime);
      }
      rows.push({
        model: model.name,
        N,
        closedForm: c.lifetime,
        simulated,
        relativeError: simulated / c.lifetime - 1,
        noiseRatio,
      });
    }
    const logN = sizes.map(Math.log);
    slopes.push({
      model: model.name,
      closedFormSlope: slope(logN, closed.map(Math.log)),
      simulatedSlope: slope(logN, sim.map(Math.log)),
      stepsPerDecade: slope(sizes.map(Math.log10), closed),
    });
  }
  return { rows, slopes, slowestTimescales };
}

function subSeedOf(seed: number, model: number, N: number): number {
  return subSeed(seed, 100 + model, N);
}

/** Initial SNR and lifetime of one synapse model for N synapses (closed form). */
export interface SnrSummary {
  /** SNR right after storage (age 1): √N·|h(0)|/‖h‖. */
  initialSnr: number;
  /** Age where the SNR falls to 1 (continuous in age); 1 if it starts below 1, Infinity if never. */
  lifetime: number;
}

/**
 * Initial SNR and lifetime of `closedFormSnr`, from the diagonal form, so it costs O(k²) and not
 * O(k²·t) (needed for N up to 10⁶ and chains whose slowest timescale is 10⁶ steps):
 *
 * $$ \lVert h\rVert^2 = \sum_{i,j}\frac{\alpha_i\alpha_j}{1-\gamma_i\gamma_j}, \qquad
 *    \mathrm{SNR}(a) = \sqrt N\,\frac{\lvert h(a-1)\rvert}{\lVert h\rVert},
 *    \quad h(t) = -\sum_i \alpha_i\gamma_i^{\,t} $$
 *
 * and the lifetime solves SNR(a) = 1 by bisection in a (|h| must fall monotonically, as it does
 * for every synapse with α_i > 0 and γ_i ∈ [0, 1)).
 * @example
 * snrSummary(multiscaleDynamics({alpha: [1], gamma: [0.5]}), 4).initialSnr // 1.7320508075688772
 */
export function snrSummary(d: LinearDynamics, N: number): SnrSummary {
  positive('snrSummary', 'N', N);
  const { alpha, gamma } = diagonalize(d);
  let norm2 = 0;
  alpha.forEach((ai, i) => {
    alpha.forEach((aj, j) => {
      const gg = (gamma[i] as number) * (gamma[j] as number);
      if (gg >= 1) fail('snrSummary', 'dynamics', d, 'every γ_i must be < 1 (a leaky synapse)');
      norm2 += (ai * aj) / (1 - gg);
    });
  });
  const scale = Math.sqrt(N / norm2);
  const snrAt = (age: number) => {
    let h = 0;
    for (let i = 0; i < alpha.length; i++) {
      h -= (alpha[i] as number) * (gamma[i] as number) ** (age - 1);
    }
    return scale * Math.abs(h);
  };
  const initialSnr = snrAt(1);
  if (initialSnr < 1) return { initialSnr, lifetime: 1 };
  let lo = 1;
  let hi = 2;
  while (snrAt(hi) >= 1) {
    lo = hi;
    hi *= 2;
    if (hi > 1e15) return { initialSnr, lifetime: Number.POSITIVE_INFINITY };
  }
  for (let iteration = 0; iteration < 100 && hi - lo > 1e-9 * hi; iteration++) {
    const mid = 0.5 * (lo + hi);
    if (snrAt(mid) >= 1) lo = mid;
    else hi = mid;
  }
  return { initialSnr, lifetime: 0.5 * (lo + hi) };
}

/**
 * The retention γ that maximizes an exponential synapse's lifetime for N synapses. Its lifetime is
 * 1 + ln(N(1−γ²))/(−2 ln γ); setting the derivative in λ = −ln γ to zero gives
 *
 * $$ \frac{2\lambda e^{-2\lambda}}{1-e^{-2\lambda}} = \ln\!\big(N(1-e^{-2\lambda})\big) $$
 *
 * solved here by bisection. For large N, 1 − γ ≈ e/(2N): the lifetime is ≈ N/e and the initial
 * SNR √(N(1−γ²)) ≈ √e ≈ 1.65 (Benna & Fusi 2016: a tuned exponential synapse starts barely
 * above threshold).
 * @example
 * 1 - tunedRetention(1e6) // 0.000001359…
 */
export function tunedRetention(N: number): number {
  positive('tunedRetention', 'N', N);
  if (N <= Math.E) fail('tunedRetention', 'N', N, 'it must be > e, or no retention lifts SNR to 1');
  // f(λ) = ln(N(1−e^(−2λ))) − 2λe^(−2λ)/(1−e^(−2λ)) rises with λ, from −∞ at λ → 0.
  const f = (lambda: number) => {
    const x = -Math.expm1(-2 * lambda);
    return Math.log(N * x) - (2 * lambda * Math.exp(-2 * lambda)) / x;
  };
  let lo = 1e-12;
  let hi = 1;
  while (f(hi) < 0) hi *= 2;
  for (let iteration = 0; iteration < 200; iteration++) {
    const mid = Math.sqrt(lo * hi);
    if (f(mid) < 0) lo = mid;
    else hi = mid;
    if (hi / lo - 1 < 1e-14) break;
  }
  return Math.exp(-Math.sqrt(lo * hi));
}

/**
 * The number of Benna–Fusi beakers (default constants) whose slowest timescale first reaches N
 * steps: a chain long enough that the lifetime can grow with N instead of saturating.
 * @example
 * beakersFor(1000) // 4
 */
export function beakersFor(N: number): number {
  positive('beakersFor', 'N', N);
  for (let m = 1; m <= 40; m++) {
    if (slowestTimescale(bennaFusiDynamics({ learningRate: 1, beakers: m })) >= N) return m;
  }
  return fail('beakersFor', 'N', N, 'it must be ≤ the slowest timescale of 40 beakers');
}

/** One point of `lifetimeScaling`. */
export interface LifetimeScalingRow extends SnrSummary {
  /** 'Benna–Fusi', 'exponential, fixed γ' or 'exponential, tuned γ'. */
  model: string;
  /** Number of synapses. */
  N: number;
  /** The synapse's parameter at this N: beakers m, or the retention γ. */
  parameter: number;
}

/**
 * Lifetime and initial SNR against N for three synapses, in closed form (`snrSummary`): a
 * Benna–Fusi chain with `beakersFor(N)` beakers (lifetime ∝ N up to a log, initial SNR ∝ √N up to
 * a log), an exponential synapse with fixed retention (initial SNR ∝ √N, lifetime ∝ ln N) and one
 * with its retention tuned to N (`tunedRetention`: lifetime ≈ N/e, initial SNR ≈ 1.65).
 * @example
 * lifetimeScaling({sizes: [1e4]}).length // 3
 */
export function lifetimeScaling(
  options: { sizes?: readonly number[]; retention?: number } = {},
): LifetimeScalingRow[] {
  const sizes =
    options.sizes ?? Array.from({ length: 13 }, (_, i) => Math.round(100 * 10 ** (i / 3)));
  const fixed = positive('lifetimeScaling', 'retention', options.retention ?? 0.98);
  if (fixed >= 1) fail('lifetimeScaling', 'retention', fixed, 'it must be < 1');
  const rows: LifetimeScalingRow[] = [];
  sizes.forEach((N, j) => {
    positive('lifetimeScaling', `sizes[${j}]`, N);
    const m = beakersFor(N);
    const tuned = tunedRetention(N);
    rows.push(
      {
        model: 'Benna–Fusi',
        N,
        parameter: m,
        ...snrSummary(bennaFusiDynamics({ learningRate: 1, beakers: m }), N),
      },
      {
        model: 'exponential, fixed γ',
        N,
        parameter: fixed,
        ...snrSummary(multiscaleDynamics({ alpha: [1], gamma: [fixed] }), N),
      },
      {
        model: 'exponential, tuned γ',
        N,
        parameter: tuned,
        ...snrSummary(multiscaleDynamics({ alpha: [1], gamma: [tuned] }), N),
      },
    );
  });
  return rows;
}
