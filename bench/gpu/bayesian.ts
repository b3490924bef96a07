/**
 * The Bayesian multiscale optimizer in the WebGPU benchmark (issue 14, target 1): one
 * `applyGradients` with the default options ('fisher' curvature, 'shared' innovation; k timescales
 * of a 1/f prior over τ = 1 … 10⁴, as `npm run bench` times it on cpu, wasm and webgl) through the
 * fused kernels (`src/kernels/webgpu/bayesian.ts`), the same step as generic tfjs ops (kernels
 * unregistered: the "before"), and a multiscale step with the same k, timed in the same run. Each
 * timed run's weights are checked, at entries spread over the whole array, against the filter
 * simulated in float64.
 */
import * as tf from '@tensorflow/tfjs-core';
import { multiscaleDynamics } from '../../src/dynamics/multiscale.js';
import { powerLaw } from '../../src/dynamics/power-law-prior.js';
import { BAYESIAN_INNOVATION, BAYESIAN_STEP } from '../../src/kernels/bayesian-step-kernel.js';
import { registerWebGPUKernels } from '../../src/kernels/webgpu/index.js';
import {
  type BayesianMultiscaleOptimizer,
  bayesianMultiscale,
} from '../../src/optimizers/bayesian-multiscale.js';
import { MultiscaleOptimizer } from '../../src/optimizers/multiscale-optimizer.js';
import {
  type BenchOptions,
  constants,
  guarded,
  stepsRun,
  sync,
  timeOptimizer,
  timeSteps,
} from './bench-core.js';

/** One measured row. */
export interface BayesianRow {
  n: number;
  k: number;
  /** Fused Bayesian step. */
  bayesianMs: number | null;
  /** The same step as generic tfjs ops. */
  genericMs: number | null;
  /** A multiscale step with the same k (fused). */
  multiscaleMs: number | null;
}

/** Worst relative error of a timed Bayesian run's weights against float64. */
export let worstBayesianError = 0;

const G = 0.001;
const W0 = 0.5;

function prior(k: number) {
  return powerLaw({ band: [1, 1e4], count: k, variance: 5 });
}

function optimizer(k: number): BayesianMultiscaleOptimizer {
  const p = prior(k);
  return bayesianMultiscale({
    gamma: p.gamma,
    priorVariance: p.priorVariance,
    observationNoise: 1,
  });
}

/**
 * w after `steps` steps of the default filter ('fisher', 'shared') on n equal entries (w = W0, a
 * constant gradient G), in float64: every entry has the same state, so the shared sum is n times
 * one entry's term.
 */
function simulate(k: number, n: number, steps: number): number {
  const { gamma, priorVariance, processNoise } = prior(k);
  const pivot = gamma.indexOf(Math.max(...gamma));
  const mu = gamma.map((_, i): number => (i === pivot ? W0 : 0));
  const v = [...priorVariance];
  for (let t = 0; t < steps; t++) {
    const V = v.reduce((a, b) => a + b, 0);
    const D = (1 + Math.sqrt(1 + 4 * n * G * G * V)) / 2;
    const h = (G * G) / D;
    for (let i = 0; i < k; i++) {
      const gi = gamma[i] as number;
      const vi = v[i] as number;
      mu[i] = gi * ((mu[i] as number) - (vi * G) / D);
      v[i] = gi * gi * (vi - (vi * vi * h) / D) + (processNoise[i] as number);
    }
  }
  return mu.reduce((a, b) => a + b, 0);
}

/** Times one Bayesian step on n entries and checks the weights against `simulate`. */
async function timeBayesian(k: number, n: number, reps: number, log: (l: string) => void) {
  const opt = optimizer(k);
  const w = tf.variable(tf.fill([n], W0));
  const g = tf.fill([n], G);
  const grads = { [w.name]: g };
  try {
    const ms = await timeSteps(() => opt.applyGradients(grads), n, reps);
    const want = simulate(k, n, stepsRun);
    const at = [0, 1, Math.floor(n / 3), Math.floor(n / 2) + 1, n - 2, n - 1];
    const picked = tf.tidy(() => tf.concat(at.map((i) => tf.slice(w, [i], [1]))));
    const got = (await picked.data()) as Float32Array;
    picked.dispose();
    // Relative to the larger of w and w₀: w shrinks towards 0 under a constant gradient, and its
    // float32 rounding is that of the subweights, which stay of w₀'s size.
    const err =
      Math.max(...Array.from(got, (x) => Math.abs(x - want))) / Math.max(Math.abs(want), W0);
    worstBayesianError = Math.max(worstBayesianError, err);
    if (!(err <= 1e-4)) log(`VALUE CHECK FAILED: Bayesian k=${k} n=${n}: rel. error ${err}`);
    return ms;
  } finally {
    tf.dispose([w, g]);
    opt.dispose();
    await sync();
  }
}

/** Runs the Bayesian rows (k = 5 unless given) for every size. */
export async function runBayesianBench(options: BenchOptions, k = 5): Promise<BayesianRow[]> {
  const { log, reps } = options;
  registerWebGPUKernels();
  const rows: BayesianRow[] = [];
  for (const n of options.sizes) {
    const c = constants(k);
    const multiscaleMs = await guarded(
      `multiscale n=${n} k=${k}`,
      () =>
        timeOptimizer(
          new MultiscaleOptimizer(c),
          n,
          reps,
          { label: `multiscale k=${k}`, dynamics: multiscaleDynamics(c), pivot: 0 },
          log,
        ),
      log,
    );
    const bayesianMs = await guarded(
      `Bayesian n=${n} k=${k}`,
      () => timeBayesian(k, n, reps, log),
      log,
    );
    const kernels = [BAYESIAN_STEP, BAYESIAN_INNOVATION].map((name) =>
      tf.getKernel(name, 'webgpu'),
    );
    for (const x of kernels) if (x) tf.unregisterKernel(x.kernelName, 'webgpu');
    let genericMs: number | null;
    try {
      genericMs = await guarded(
        `Bayesian generic n=${n} k=${k}`,
        () => timeBayesian(k, n, reps, log),
        log,
      );
    } finally {
      registerWebGPUKernels();
    }
    const row = { n, k, bayesianMs, genericMs, multiscaleMs };
    rows.push(row);
    log(formatBayesianRow(row));
  }
  return rows;
}

/** The header of the Bayesian table (Markdown). */
export const bayesianHeader = [
  '| N | k | Bayesian fused ms | generic tfjs ops ms | generic / fused | multiscale k ms | Bayesian / multiscale (target ≤ 3) |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];

const ms = (x: number | null) => (x === null ? 'n/a' : x < 0.1 ? x.toFixed(4) : x.toFixed(3));
const ratio = (a: number | null, b: number | null) =>
  a === null || b === null ? 'n/a' : (a / b).toFixed(2);

/** One row of the Bayesian table (Markdown). */
export function formatBayesianRow(r: BayesianRow): string {
  return (
    `| ${r.n.toExponential(0)} | ${r.k} | ${ms(r.bayesianMs)} | ${ms(r.genericMs)} | ` +
    `${ratio(r.genericMs, r.bayesianMs)} | ${ms(r.multiscaleMs)} | ${ratio(r.bayesianMs, r.multiscaleMs)} |`
  );
}

/** Issue 14's target 1 on the rows: the fused Bayesian step ≤ 3× a multiscale step, k = 5, N = 10⁶. */
export function bayesianTargets(rows: BayesianRow[]): string[] {
  const row = rows.find((r) => r.n === 1e6 && r.k === 5);
  if (row === undefined) return [];
  const x =
    row.bayesianMs !== null && row.multiscaleMs !== null ? row.bayesianMs / row.multiscaleMs : null;
  return [
    `Bayesian k=5, N=1e6: ${x === null ? 'n/a' : `${x.toFixed(2)}×`} a multiscale k=5 step (target ≤ 3×): ${x !== null && x <= 3 ? 'met' : 'NOT met'}`,
  ];
}
