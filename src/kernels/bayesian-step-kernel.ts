import type * as tf from '@tensorflow/tfjs-core';
import { hasFusedKernel, registerFusedKernel, runFusedKernel } from './register.js';

/**
 * Name of the fused step of the Bayesian multiscale optimizer (`BayesianMultiscaleOptimizer`), for
 * one weight of n entries with k timescales. The slot holds 2k−1 rows: the k−1 means of the
 * subweights other than the pivot p (in timescale order), then the k variances v_i. With
 * ĝ = g/σ², V = Σ_i v_i, a curvature ĥ and an innovation D (below), every entry does
 *
 * $$ \omega_i \leftarrow \gamma_i\Big(\omega_i - \frac{v_i\,\hat g}{D}\Big), \qquad
 *    v_i \leftarrow \gamma_i^2\,\frac{v_i\,(D - \hat h\,v_i)}{D} + q_i, $$
 *
 * with the pivot's mean kept inside w (w ← γ_p(w − Vĝ/D) + Σ_{r≠p} (γ_r − γ_p)(ω_r − v_rĝ/D)).
 * - **inputs**: `value` (w), `gradient` (g), `slot` (`[2k−1, ...shape]`), and `sum` (a scalar:
 *   the `BAYESIAN_INNOVATION` sums of every weight added up, for `innovation: 'shared'`) and
 *   `curvature` (ĥ, the shape of w, for `curvature: 'given'`);
 * - **attrs** (`BayesianStepAttrs`);
 * - **outputs**: `[newValue, newSlot]`, fresh float32 tensors.
 *
 * D comes from a sum Σ over the entries that explain one observation (`'shared'`: the `sum` input,
 * over all weights; `'perRow'`: one row of the first axis; `'perWeight'`: one entry): D = 1 + Σ ĥV,
 * or for `'fisher'` D = (1 + √(1 + 4Σĝ²V))/2 with ĥ = ĝ²/D (`denominatorOf`). The kernel forms D
 * itself, so a `'shared'` step costs no scalar ops between the two kernels. Sums over a group skip non-finite terms, so a NaN
 * gradient entry stays in its entry.
 */
export const BAYESIAN_STEP = 'BayesianMultiscaleStep';

/**
 * Name of the reduction that the `'shared'` innovation needs before any weight moves: for one
 * weight, the scalar Σ_j t_j V_j over the entries whose term is finite, with t = ĝ² (`'fisher'`,
 * `'empiricalFisher'`) or t = ĥ (`'given'`).
 * - **inputs**: `gradient`, `slot` (as for `BAYESIAN_STEP`), `curvature` (ĥ, for `'given'`);
 * - **attrs**: `BayesianStepAttrs` (only `gamma.length`, `observationNoise` and `curvature` are
 *   read);
 * - **outputs**: `[sum]`, a float32 scalar.
 */
export const BAYESIAN_INNOVATION = 'BayesianMultiscaleInnovation';

/** Attributes of the two Bayesian kernels. */
export interface BayesianStepAttrs {
  /** γ_i, one per timescale. */
  gamma: number[];
  /** q_i = p_i(1 − γ_i²), one per timescale. */
  processNoise: number[];
  /** Index of the subweight stored in w. */
  pivot: number;
  /** σ². */
  observationNoise: number;
  /** Where ĥ comes from: ĝ²/D (`'fisher'`), ĝ² (`'empiricalFisher'`) or the `curvature` input. */
  curvature: 'fisher' | 'empiricalFisher' | 'given';
  /** `'shared'`: D comes from the `sum` input; else the groups below. */
  innovation: 'shared' | 'perRow' | 'perWeight';
  /** Number of groups of `'perRow'` (the first axis; n for a scalar). */
  groups: number;
}

/** Inputs of `BAYESIAN_STEP` (and, without `value` and `sum`, of `BAYESIAN_INNOVATION`). */
export interface BayesianStepInputs {
  value: tf.TensorInfo;
  gradient: tf.TensorInfo;
  slot: tf.TensorInfo;
  sum?: tf.TensorInfo;
  curvature?: tf.TensorInfo;
}

/** What a backend's Bayesian kernels receive. */
export interface BayesianStepArgs {
  inputs: BayesianStepInputs;
  attrs: BayesianStepAttrs;
  backend: tf.KernelBackend;
}

/** Registers a backend's `BAYESIAN_STEP` and `BAYESIAN_INNOVATION` implementations. */
export function registerBayesianKernels(
  backendName: string,
  step: (args: BayesianStepArgs) => tf.TensorInfo[],
  innovation: (args: BayesianStepArgs) => tf.TensorInfo[],
): void {
  registerFusedKernel(BAYESIAN_STEP, backendName, step);
  registerFusedKernel(BAYESIAN_INNOVATION, backendName, innovation);
}

/** Whether `backendName` (default: the active backend) has the fused Bayesian kernels. */
export function hasBayesianKernels(backendName?: string): boolean {
  return (
    hasFusedKernel(BAYESIAN_STEP, backendName) && hasFusedKernel(BAYESIAN_INNOVATION, backendName)
  );
}

/** Runs the active backend's `BAYESIAN_STEP`. Call inside `tf.tidy`. */
export function runBayesianStepKernel(
  inputs: {
    value: tf.Tensor;
    gradient: tf.Tensor;
    slot: tf.Tensor;
    sum?: tf.Tensor;
    curvature?: tf.Tensor;
  },
  attrs: BayesianStepAttrs,
): { value: tf.Tensor; slot: tf.Tensor } {
  const [value, slot] = runFusedKernel(BAYESIAN_STEP, inputs, attrs) as [tf.Tensor, tf.Tensor];
  return { value, slot };
}

/** Runs the active backend's `BAYESIAN_INNOVATION`: the scalar Σ t·V of one weight. */
export function runBayesianInnovationKernel(
  inputs: { gradient: tf.Tensor; slot: tf.Tensor; curvature?: tf.Tensor },
  attrs: BayesianStepAttrs,
): tf.Scalar {
  return runFusedKernel(BAYESIAN_INNOVATION, inputs, attrs)[0] as tf.Scalar;
}

/**
 * The innovation D of a sum Σ of terms t·V: D = (1 + √(1 + 4Σ))/2 for `'fisher'` (the root of
 * D(D − 1) = Σ, since ĥ = ĝ²/D), else 1 + Σ.
 */
export function denominatorOf(sum: number, curvature: BayesianStepAttrs['curvature']): number {
  return curvature === 'fisher' ? (1 + Math.sqrt(1 + 4 * sum)) / 2 : 1 + sum;
}

/**
 * Float32 arrays and entry offsets of one Bayesian step: on cpu separate arrays at offset 0, on
 * wasm the one heap with each tensor's offset. `h` is used for `'given'` curvature only.
 */
export interface BayesianArrays {
  w: Float32Array;
  wAt: number;
  g: Float32Array;
  gAt: number;
  s: Float32Array;
  sAt: number;
  h: Float32Array | null;
  hAt: number;
  outW: Float32Array;
  outWAt: number;
  outS: Float32Array;
  outSAt: number;
}

/** Entries per block of `innovationSum` and `bayesianStepLoop`: their scratch stays in L1/L2. */
const BLOCK = 1024;

/** Per-block float64 scratch rows, allocated once (the loops are synchronous, never re-entered). */
const scratchRows: Float64Array[] = [];
function scratch(row: number): Float64Array {
  scratchRows[row] ??= new Float64Array(BLOCK);
  return scratchRows[row];
}

/**
 * V[j] = Σ_{i<k} s[at + i·n + j] for j < m, in float64: the total variance of m entries, row by
 * row (each row streams through memory once).
 */
function sumRows(V: Float64Array, s: Float32Array, at: number, n: number, k: number, m: number) {
  V.fill(0, 0, m);
  for (let i = 0; i < k; i++) {
    const row = at + i * n;
    for (let j = 0; j < m; j++) V[j] = (V[j] as number) + (s[row + j] as number);
  }
}

/**
 * Σ t_j V_j over entries [from, to) whose term is finite (t = ĝ² or ĥ), in float64: the
 * innovation sum of one weight (`from = 0, to = n`) or one `'perRow'` group. Block by block it adds
 * Σ_i Σ_j t_j v_ij, row by row (no per-entry V is stored); a block whose sum is not finite is
 * summed again term by term, skipping the non-finite ones (a finite sum of float64 terms has no
 * infinite or NaN term).
 */
export function innovationSum(
  a: BayesianArrays,
  n: number,
  from: number,
  to: number,
  attrs: BayesianStepAttrs,
): number {
  const k = attrs.gamma.length;
  const inv = 1 / attrs.observationNoise;
  const given = attrs.curvature === 'given';
  const { g, s } = a;
  const h = a.h ?? g;
  const v0 = a.sAt + (k - 1) * n;
  const t = scratch(0);
  let sum = 0;
  for (let i0 = from; i0 < to; i0 += BLOCK) {
    const m = Math.min(BLOCK, to - i0);
    const gAt = a.gAt + i0;
    const hAt = a.hAt + i0;
    for (let j = 0; j < m; j++) {
      if (given) t[j] = h[hAt + j] as number;
      else {
        const gh = (g[gAt + j] as number) * inv;
        t[j] = gh * gh;
      }
    }
    // Four partial sums per row, so the adds do not wait on each other.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const m4 = m - (m % 4);
    for (let i = 0; i < k; i++) {
      const row = v0 + i * n + i0;
      let j = 0;
      for (; j < m4; j += 4) {
        s0 += (t[j] as number) * (s[row + j] as number);
        s1 += (t[j + 1] as number) * (s[row + j + 1] as number);
        s2 += (t[j + 2] as number) * (s[row + j + 2] as number);
        s3 += (t[j + 3] as number) * (s[row + j + 3] as number);
      }
      for (; j < m; j++) s0 += (t[j] as number) * (s[row + j] as number);
    }
    const block = s0 + s1 + (s2 + s3);
    sum += Number.isFinite(block) ? block : finiteTerms(t, s, v0 + i0, n, k, m);
  }
  return sum;
}

/** Σ t_j V_j over the m entries of a block whose term is finite (V summed in float64). */
function finiteTerms(
  t: Float64Array,
  s: Float32Array,
  at: number,
  n: number,
  k: number,
  m: number,
): number {
  const V = scratch(6);
  sumRows(V, s, at, n, k, m);
  let sum = 0;
  for (let j = 0; j < m; j++) {
    const term = (t[j] as number) * (V[j] as number);
    if (Number.isFinite(term)) sum += term;
  }
  return sum;
}

/**
 * The Bayesian step over all n entries, as a JS loop over float32 arrays (float64 arithmetic,
 * one rounding per stored value): the cpu kernel, and the wasm kernel over its heap. `shared` is
 * the `'shared'` innovation's D (ignored otherwise). In blocks of entries, one simple loop per
 * slot row, so every row streams through memory once (rows n floats apart alias in the cache
 * when visited entry by entry). Entries before `from` are left alone (`'shared'` only).
 */
export function bayesianStepLoop(
  a: BayesianArrays,
  n: number,
  attrs: BayesianStepAttrs,
  shared: number,
  from = 0,
): void {
  // 'perRow': blocks never straddle a row, so each block has one D (rows longer than a block are
  // summed first, over the whole row).
  const groups = attrs.innovation === 'perRow' ? attrs.groups : 0;
  const per = groups > 0 ? n / groups : 0;
  const perWeight = attrs.innovation === 'perWeight';
  let rowEnd = 0;
  let rowD = shared;
  for (let i0 = from; i0 < n; ) {
    if (per > 0 && i0 >= rowEnd) {
      rowEnd = i0 + per;
      rowD = denominatorOf(innovationSum(a, n, i0, rowEnd, attrs), attrs.curvature);
    }
    const i1 = Math.min(n, i0 + BLOCK, per > 0 ? rowEnd : n);
    if (perWeight) perEntryBlock(a, n, attrs, i0, i1 - i0);
    else sharedBlock(a, n, attrs, i0, i1 - i0, rowD);
    i0 = i1;
  }
}

/**
 * Entries [i0, i0 + m) of the step when one D holds for all of them (`'shared'`, `'perRow'`):
 * with r = 1/D, STEP = ĝr and c = ĥr per entry, one loop per timescale, the pivot's first, that
 * updates its variance and (other than the pivot's) its mean, and adds its part of w (so the old
 * v_i is read once and V = Σ v_i is never formed):
 * w ← γ_p(w − v_p·STEP) + Σ_{i≠p} [(γ_i − γ_p)(ω_i − v_i·STEP) − γ_p·v_i·STEP].
 */
function sharedBlock(
  a: BayesianArrays,
  n: number,
  attrs: BayesianStepAttrs,
  i0: number,
  m: number,
  D: number,
): void {
  const k = attrs.gamma.length;
  const { gamma, processNoise } = attrs;
  const p = attrs.pivot;
  const gp = gamma[p] as number;
  const inv = 1 / attrs.observationNoise;
  const r = 1 / D;
  const fisher = attrs.curvature === 'fisher';
  const given = attrs.curvature === 'given';
  const { w, g, s, outW, outS } = a;
  const h = a.h ?? g;
  const vAt = a.sAt + (k - 1) * n + i0;
  const oVAt = a.outSAt + (k - 1) * n + i0;
  const step = scratch(2);
  const cc = scratch(3);
  const next = scratch(5);
  const gAt = a.gAt + i0;
  const hAt = a.hAt + i0;
  {
    const g2 = gp * gp;
    const q = processNoise[p] as number;
    const at = vAt + p * n;
    const out = oVAt + p * n;
    const wAt = a.wAt + i0;
    for (let j = 0; j < m; j++) {
      const gh = (g[gAt + j] as number) * inv;
      const st = gh * r;
      const c = (given ? (h[hAt + j] as number) : fisher ? gh * gh * r : gh * gh) * r;
      step[j] = st;
      cc[j] = c;
      const v = s[at + j] as number;
      outS[out + j] = g2 * v * (1 - c * v) + q;
      next[j] = gp * ((w[wAt + j] as number) - v * st);
    }
  }
  for (let row = 0, i = 0; i < k; i++) {
    if (i === p) continue;
    const gi = gamma[i] as number;
    const g2 = gi * gi;
    const q = processNoise[i] as number;
    const cross = gi - gp;
    const at = vAt + i * n;
    const out = oVAt + i * n;
    const mAt = a.sAt + row * n + i0;
    const mOut = a.outSAt + row * n + i0;
    row++;
    for (let j = 0; j < m; j++) {
      const v = s[at + j] as number;
      const vs = v * (step[j] as number);
      outS[out + j] = g2 * v * (1 - (cc[j] as number) * v) + q;
      const post = (s[mAt + j] as number) - vs;
      outS[mOut + j] = gi * post;
      next[j] = (next[j] as number) + cross * post - gp * vs;
    }
  }
  const oW = a.outWAt + i0;
  for (let j = 0; j < m; j++) outW[oW + j] = next[j] as number;
}

/** Entries [i0, i0 + m) of the step with `'perWeight'` innovation: one D per entry. */
function perEntryBlock(
  a: BayesianArrays,
  n: number,
  attrs: BayesianStepAttrs,
  i0: number,
  m: number,
): void {
  const k = attrs.gamma.length;
  const gamma = attrs.gamma;
  const p = attrs.pivot;
  const gp = gamma[p] as number;
  const inv = 1 / attrs.observationNoise;
  const fisher = attrs.curvature === 'fisher';
  const given = attrs.curvature === 'given';
  const { w, g, s, outW, outS } = a;
  const h = a.h ?? w;
  const others = gamma.map((_, i) => i).filter((i) => i !== p);
  const vAt = a.sAt + (k - 1) * n;
  const oVAt = a.outSAt + (k - 1) * n;
  const V = scratch(1);
  const step = scratch(2);
  const hh = scratch(3);
  const invD = scratch(4);
  const next = scratch(5);
  sumRows(V, s, vAt + i0, n, k, m);
  const gAt = a.gAt + i0;
  const hAt = a.hAt + i0;
  for (let j = 0; j < m; j++) {
    const gh = (g[gAt + j] as number) * inv;
    const g2 = gh * gh;
    const t = given ? (h[hAt + j] as number) : g2;
    const d = fisher
      ? (1 + Math.sqrt(1 + 4 * g2 * (V[j] as number))) / 2
      : 1 + t * (V[j] as number);
    const r = 1 / d;
    invD[j] = r;
    hh[j] = fisher ? g2 * r : t;
    step[j] = gh * r;
  }
  for (let i = 0; i < k; i++) {
    const gi = gamma[i] as number;
    const g2 = gi * gi;
    const qi = attrs.processNoise[i] as number;
    const at = vAt + i * n + i0;
    const out = oVAt + i * n + i0;
    for (let j = 0; j < m; j++) {
      const vi = s[at + j] as number;
      outS[out + j] = g2 * vi * (1 - (hh[j] as number) * vi * (invD[j] as number)) + qi;
    }
  }
  const wAt = a.wAt + i0;
  for (let j = 0; j < m; j++)
    next[j] = gp * ((w[wAt + j] as number) - (V[j] as number) * (step[j] as number));
  for (let r = 0; r < k - 1; r++) {
    const i = others[r] as number;
    const gi = gamma[i] as number;
    const cross = gi - gp;
    const mAt = a.sAt + r * n + i0;
    const vi = vAt + i * n + i0;
    const out = a.outSAt + r * n + i0;
    for (let j = 0; j < m; j++) {
      const posterior = (s[mAt + j] as number) - (s[vi + j] as number) * (step[j] as number);
      next[j] = (next[j] as number) + cross * posterior;
      outS[out + j] = gi * posterior;
    }
  }
  const oW = a.outWAt + i0;
  for (let j = 0; j < m; j++) outW[oW + j] = next[j] as number;
}
