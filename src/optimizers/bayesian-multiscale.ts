import * as tf from '@tensorflow/tfjs-core';
import { pivotIndex } from '../dynamics/linear-dynamics.js';
import { timescaleRetention } from '../dynamics/power-law-prior.js';
import {
  type BayesianStepAttrs,
  hasBayesianKernels,
  runBayesianInnovationKernel,
  runBayesianStepKernel,
} from '../kernels/bayesian-step-kernel.js';
import { registerBuiltinKernels } from '../kernels/index.js';
import { fail, finite, positive } from '../validate.js';
import {
  type NamedTensor,
  SlotOptimizer,
  type SlotUpdate,
  stackSubweights,
} from './slot-optimizer.js';

/** What a curvature function is told about the weight it must give a curvature for. */
export interface CurvatureContext {
  /** The variable's name (as in `tf.engine().registeredVariables`). */
  name: string;
  /** The variable's current value: the prior predictive mean of the observation. */
  value: tf.Tensor;
  /** ∂L/∂w at `value`, the gradient tfjs handed the optimizer. */
  gradient: tf.Tensor;
}

/**
 * A caller-supplied curvature: h ≥ 0 per weight, the diagonal of the loss's Gauss–Newton matrix
 * for the current observation, in the loss's own units (the optimizer divides it by σ²). For
 * L = ½(y − x·w)² it is x². Return a number, or a tensor that broadcasts to the variable's shape;
 * it runs inside `tf.tidy`. Negative, NaN or infinite values throw.
 */
export type CurvatureFunction = (context: CurvatureContext) => tf.Tensor | number;

/**
 * A curvature the optimizer estimates from the gradient alone (the drop-in for any network):
 * - `'fisher'` (default): the calibrated empirical Fisher. Under the model the squared gradient of
 *   the negative log-likelihood is E[ĝ²] = ĥ(1 + S) with S the predictive variance over σ²; solving
 *   that for ĥ with one sample removes the raw Fisher's overestimate. Exact for one scalar
 *   observation per step; a heuristic under batched `model.fit`.
 * - `'empiricalFisher'`: ĥ = ĝ², the plain diagonal empirical Fisher (kept for comparison).
 */
export type CurvatureEstimate = 'fisher' | 'empiricalFisher';

/**
 * How the innovation (predictive) variance is formed:
 * - `'shared'` (default): every weight the step updates explains the same scalar observation, so
 *   the denominator 1 + Σ_j ĥ_j V_j sums over all of them. This is the exact mean-field filter for
 *   a model with one scalar output trained one example per step; under batched `model.fit` (a
 *   batch of examples or several outputs per step) it is a heuristic that treats the batch as one
 *   observation.
 * - `'perRow'`: each variable is a stack of independent models along its first axis, each row
 *   explaining its own observation: the sum runs over the row only. For training many replicas
 *   (or an ensemble) side by side in one `[replicas, ...]` variable.
 * - `'perWeight'`: each weight has its own 1 + ĥ_j V_j, as if it were observed on its own. Equal to
 *   `'shared'` for a single weight; too confident when several weights share one observation.
 */
export type Innovation = 'shared' | 'perRow' | 'perWeight';

/** Configuration of a `BayesianMultiscaleOptimizer`. */
export interface BayesianMultiscaleConfig {
  /** τ_i > 0 in steps (Infinity allowed), γ_i = e^{−1/τ_i}. Give this or `gamma`. */
  timescales?: readonly number[];
  /** γ_i ∈ (0, 1], the per-step retention of each component. Give this or `timescales`. */
  gamma?: readonly number[];
  /**
   * p_i > 0, the prior (stationary) variance of each component, one number for all or one per
   * timescale. The process noise is q_i = p_i(1 − γ_i²); for γ_i = 1, p_i is the initial variance
   * and the component never drifts.
   */
  priorVariance: number | readonly number[];
  /**
   * σ² > 0: the loss L is taken to be σ² times the negative log-likelihood. For L = ½(y − ŷ)² it is
   * the observation-noise variance; for `tf.losses.meanSquaredError` on one example, pass 2σ².
   */
  observationNoise: number;
  /** A `CurvatureFunction`, or an estimate from the gradient. Default `'fisher'`. */
  curvature?: CurvatureEstimate | CurvatureFunction;
  /** Default `'shared'`. */
  innovation?: Innovation;
}

/** What the first pass of a `'shared'` step hands to the per-weight updates. */
interface SharedStep {
  /** Σ t·V over every weight's finite terms (the kernels and `updateOps` form D from it). */
  sum: tf.Scalar;
  curvature: Map<string, tf.Tensor>;
}

const where = 'bayesianMultiscale';

// The fused kernels register with the module that dispatches to them.
registerBuiltinKernels();

/** Keeps the finite entries of `x` and zeroes the others (a NaN gradient stays in its entry). */
function finiteOnly(x: tf.Tensor): tf.Tensor {
  return tf.where(tf.isFinite(x), x, tf.zerosLike(x));
}

/** Stands in for a curvature function that `fromConfig` could not restore. */
function missingCurvature(): never {
  throw new Error(
    `${where}: this optimizer was restored from a config whose curvature was a function, which ` +
      'cannot be serialized; call setCurvature(fn) before training it.',
  );
}

/**
 * The Bayesian multiscale optimizer (Jones et al., ICLR 2023): a diagonal (mean-field) Kalman
 * filter over weights that drift as a sum of AR(1) processes, one per timescale. Each weight j is
 * a sum of subweights, w_j = Σ_i ω_ij, and each subweight keeps a mean and a variance, so the
 * learning rate of every timescale adapts to how uncertain it is.
 *
 * **One step.** With ĝ = g/σ² and ĥ = h/σ² the gradient and curvature of the negative
 * log-likelihood, V_j = Σ_i v_ij and D = 1 + Σ_j ĥ_j V_j (`'shared'`: over every weight of the
 * step; `'perRow'`: over one row of a variable) or D_j = 1 + ĥ_j V_j (`'perWeight'`), the update
 *
 * $$ \omega_{ij} \leftarrow \omega_{ij} - \frac{v_{ij}\,\hat g_j}{D}, \qquad
 *    v_{ij} \leftarrow v_{ij} - \frac{v_{ij}^2\,\hat h_j}{D} $$
 *
 * is followed by the prior step to the next observation,
 *
 * $$ \omega_{ij} \leftarrow \gamma_i\,\omega_{ij}, \qquad
 *    v_{ij} \leftarrow \gamma_i^2\,v_{ij} + q_i, \qquad q_i = p_i(1-\gamma_i^2). $$
 *
 * **Ordering.** tfjs evaluates the gradient at the weights as they are before the step. For that
 * gradient to carry the Kalman residual, the weights must already be the prior predictive mean of
 * the observation; so the prior step of observation t+1 closes step t (update, then predict), and
 * training starts from the prior: ω = w₀ in the slowest subweight, v_i = p_i. Between steps the
 * model's weights are exactly what an online learner should predict the next target with.
 *
 * **Derivation (linear-Gaussian case).** Let y = x·w + e, e ~ N(0, σ²), L = ½(y − x·w)², and a
 * prior ω_ij ~ N(μ_ij, v_ij), independent. Each ω_ij enters y with coefficient x_j, so the
 * innovation variance is s = σ² + Σ_ij x_j² v_ij = σ²(1 + Σ_j ĥ_j V_j) with ĥ_j = x_j²/σ², and the
 * Kalman gain is K_ij = v_ij x_j / s. The residual r = y − x·μ gives ĝ_j = −x_j r/σ², so
 *
 * $$ \mu_{ij} + K_{ij} r = \mu_{ij} - \frac{v_{ij}\hat g_j}{1 + \sum_k \hat h_k V_k},\qquad
 *    \big[P - K s K^\top\big]_{(ij),(ij)} = v_{ij} - \frac{v_{ij}^2 \hat h_j}{1 + \sum_k \hat h_k V_k}.$$
 *
 * Keeping only the diagonal of the posterior covariance (the mean-field projection) and applying
 * the prior step gives exactly the rule above with `'shared'`; for one weight it is the per-weight
 * rule. `test/bayesian-multiscale.test.ts` checks both against a float64 Kalman filter.
 *
 * **Curvature.** A `CurvatureFunction` supplies an exact h. For any network the default `'fisher'`
 * estimates it from the gradient: since E[ĝ_j²] = ĥ_j(1 + S) with S = Σ_k ĥ_k V_k, one sample
 * gives S = (√(1 + 4A) − 1)/2 with A = Σ_j ĝ_j² V_j, and ĥ_j = ĝ_j²/(1 + S). The raw empirical
 * Fisher ĥ = ĝ² overestimates h by the factor r²/σ², so it shrinks the step exactly when the
 * residual is large. Gauss–Newton needs per-example Jacobians, which an optimizer that sees only
 * the gradient does not have. How the estimates compare on the 1/f-drift benchmark is measured by
 * `npm run experiments -- drift --plugin src/experiments/drift-bayesian.ts` (see
 * `src/experiments/RESULTS.md`).
 *
 * **Exact, and where it is a heuristic.** `'fisher'` calibration and the `'shared'` innovation are
 * exact for one scalar observation per step (one example, one output: then every weight's gradient
 * is x_j times the same residual). Under batched `model.fit` (a mean loss over many examples, or
 * several outputs) the gradient sums over observations, and both are heuristics: the filter then
 * treats the batch as one observation.
 *
 * **Bad gradients and curvatures.** A non-finite gradient entry (NaN, ±∞) changes only its own
 * entry: sums over weights (the `'shared'` and `'perRow'` innovations) skip non-finite terms. A
 * curvature function's values are checked on each variable's first step (a clear error); later
 * steps are not read back (that would stall a GPU backend): an entry that is negative or not
 * finite becomes NaN in that entry's state.
 *
 * **Kernels.** On cpu, wasm, webgl and webgpu one step of a weight is one fused pass
 * (`BAYESIAN_STEP`, in `src/kernels/`), and the `'shared'` innovation's sum is a reduction on the
 * backend, never read back; any other backend runs the same step as tfjs ops.
 *
 * **Memory.** One stacked slot `${name}/posterior` of shape `[2k−1, ...shape]`: the k−1 means not
 * stored in the weight itself (the slowest subweight lives in w), then the k variances.
 */
export class BayesianMultiscaleOptimizer extends SlotOptimizer {
  /** Registered class name, used by `model.save`/`tf.loadLayersModel`. */
  static get className(): string {
    return 'BayesianMultiscaleOptimizer';
  }

  /** γ_i, one per timescale. */
  readonly gamma: readonly number[];
  /** p_i, the prior variance of each component. */
  readonly priorVariance: readonly number[];
  /** q_i = p_i(1 − γ_i²). */
  readonly processNoise: readonly number[];
  /** σ². */
  readonly observationNoise: number;
  /** How the innovation variance is formed. */
  readonly innovation: Innovation;
  /** Index of the subweight stored in the weight itself (the slowest). */
  readonly pivot: number;
  private curvature: CurvatureEstimate | CurvatureFunction;
  private shared: SharedStep | null = null;
  /** Variables whose curvature function's values were checked (on their first step). */
  private readonly curvatureChecked = new Set<string>();

  constructor(config: BayesianMultiscaleConfig) {
    super();
    if (config === null || typeof config !== 'object') {
      fail(where, 'config', config, 'pass {timescales | gamma, priorVariance, observationNoise}');
    }
    this.gamma = BayesianMultiscaleOptimizer.checkGamma(config);
    const k = this.gamma.length;
    const p = config.priorVariance;
    this.priorVariance =
      typeof p === 'number'
        ? this.gamma.map(() => positive(where, 'priorVariance', p))
        : BayesianMultiscaleOptimizer.positiveVector('priorVariance', p, k);
    this.processNoise = this.priorVariance.map((v, i) => v * (1 - (this.gamma[i] as number) ** 2));
    this.observationNoise = positive(where, 'observationNoise', config.observationNoise);
    const innovation = config.innovation ?? 'shared';
    if (innovation !== 'shared' && innovation !== 'perRow' && innovation !== 'perWeight') {
      fail(where, 'innovation', innovation, "it must be 'shared', 'perRow' or 'perWeight'");
    }
    this.innovation = innovation;
    this.curvature = BayesianMultiscaleOptimizer.checkCurvature(config.curvature ?? 'fisher');
    this.pivot = pivotIndex(
      this.gamma.map(() => 1),
      this.gamma,
    );
  }

  private static checkGamma(config: BayesianMultiscaleConfig): number[] {
    const { timescales, gamma } = config;
    if ((timescales === undefined) === (gamma === undefined)) {
      fail(where, 'timescales/gamma', { timescales, gamma }, 'give exactly one of the two');
    }
    if (timescales !== undefined) {
      if (!Array.isArray(timescales) || timescales.length === 0) {
        fail(where, 'timescales', timescales, 'it must be a non-empty array of steps > 0');
      }
      return timescales.map((tau, i) => timescaleRetention(tau, where, `timescales[${i}]`));
    }
    if (!Array.isArray(gamma) || gamma.length === 0) {
      fail(where, 'gamma', gamma, 'it must be a non-empty array of retentions in (0, 1]');
    }
    return gamma.map((g, i) => {
      const x = finite(where, `gamma[${i}]`, g);
      if (!(x > 0 && x <= 1)) fail(where, `gamma[${i}]`, g, 'each retention must lie in (0, 1]');
      return x;
    });
  }

  private static positiveVector(name: string, value: unknown, k: number): number[] {
    if (!Array.isArray(value) || value.length !== k) {
      fail(where, name, value, `pass one number, or ${k} (one per timescale)`);
    }
    return value.map((v, i) => positive(where, `${name}[${i}]`, v));
  }

  private static checkCurvature(c: unknown): CurvatureEstimate | CurvatureFunction {
    if (c === 'fisher' || c === 'empiricalFisher' || typeof c === 'function') {
      return c as CurvatureEstimate | CurvatureFunction;
    }
    return fail(where, 'curvature', c, "pass 'fisher', 'empiricalFisher' or a function");
  }

  /** Replaces the curvature (for instance after `fromConfig`, which cannot restore a function). */
  setCurvature(curvature: CurvatureEstimate | CurvatureFunction): void {
    this.curvature = BayesianMultiscaleOptimizer.checkCurvature(curvature);
    this.curvatureChecked.clear();
  }

  protected get slotRows(): number {
    return 2 * this.gamma.length - 1;
  }

  protected get slotName(): string {
    return 'posterior';
  }

  protected initialSlot(value: tf.Tensor): tf.Tensor {
    const k = this.gamma.length;
    const rows: tf.Tensor[] = [];
    for (let r = 0; r < k - 1; r++) rows.push(tf.zerosLike(value));
    for (const p of this.priorVariance) rows.push(tf.fill(value.shape, p));
    return tf.stack(rows);
  }

  /**
   * A `'shared'` step needs Σ_j ĥ_j V_j over every weight before any weight moves: a first pass
   * computes it (and calls a curvature function once per weight), then the base class steps each
   * weight with it.
   */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    if (this.innovation !== 'shared') {
      super.applyGradients(variableGradients);
      return;
    }
    const weights = this.trainedWeights(variableGradients);
    const curvature = new Map<string, tf.Tensor>();
    const fused = hasBayesianKernels();
    try {
      const sum = tf.tidy(() => {
        let total: tf.Tensor | null = null;
        for (const { name, value, gradient } of weights) {
          const slot = this.claimSlot(name, value);
          let h: tf.Tensor | undefined;
          if (typeof this.curvature === 'function') {
            h = this.userCurvature(name, value, gradient);
            curvature.set(name, tf.keep(h));
          }
          // Σ ĥV (or Σ ĝ²V) over this weight's entries whose term is finite: on the backend,
          // never read back.
          const term = fused
            ? runBayesianInnovationKernel({ gradient, slot, curvature: h }, this.attrs(value))
            : this.innovationSumOps(gradient, slot, h);
          total = total === null ? term : tf.add(total, term);
        }
        // D is formed from the sum inside the step (one scalar op fewer per step on a GPU).
        return (total ?? tf.scalar(0)) as tf.Scalar;
      });
      this.shared = { sum, curvature };
      super.applyGradients(variableGradients);
    } finally {
      if (this.shared) this.shared.sum.dispose();
      for (const h of curvature.values()) h.dispose();
      this.shared = null;
    }
  }

  /** The slot of a weight, created or claimed as the base class's own loop would. */
  private claimSlot(name: string, value: tf.Variable): tf.Tensor {
    return this.slotFor(name, value) as tf.Variable;
  }

  /** ĥ = h/σ² from the caller's function, flattened, after checking h is finite and ≥ 0. */
  private userCurvature(name: string, value: tf.Tensor, gradient: tf.Tensor): tf.Tensor {
    const fn = this.curvature as CurvatureFunction;
    const raw = fn({ name, value, gradient });
    const h = typeof raw === 'number' ? tf.scalar(raw) : raw;
    if (!(h instanceof tf.Tensor)) {
      fail(
        where,
        `curvature("${name}")`,
        raw,
        'a curvature function must return a number or tensor',
      );
    }
    let full: tf.Tensor;
    try {
      full = tf.broadcastTo(h, value.shape);
    } catch {
      fail(where, `curvature("${name}").shape`, h.shape, `it must broadcast to [${value.shape}]`);
    }
    if (!this.curvatureChecked.has(name)) {
      // Checked on a variable's first step only: reading values back every step would stall a
      // GPU backend. Later, an entry that is negative or not finite becomes NaN in that entry.
      const values = full.dataSync();
      const bad = Array.from(values).find((x) => !(x >= 0 && Number.isFinite(x)));
      if (bad !== undefined)
        fail(where, `curvature("${name}")`, bad, 'a curvature must be finite and ≥ 0');
      this.curvatureChecked.add(name);
    } else {
      full = tf.where(tf.logicalAnd(tf.isFinite(full), tf.greaterEqual(full, 0)), full, Number.NaN);
    }
    return tf.div(full, this.observationNoise);
  }

  /**
   * The slot as rows of the weight's shape: k−1 means (non-pivot subweights) and k variances. Row by
   * row, every op below is a plain elementwise op on contiguous data; reductions over the first
   * axis, gathers and column broadcasts are slow on the cpu and wasm backends.
   */
  private splitSlot(slot: tf.Tensor): { means: tf.Tensor[]; variances: tf.Tensor[] } {
    const k = this.gamma.length;
    // One contiguous slice per row: wasm's Unpack kernel (tf.unstack) is ~20× slower than this.
    const shape = slot.shape.slice(1);
    const rows = Array.from({ length: this.slotRows }, (_, r) =>
      tf.reshape(tf.slice(slot, [r, ...shape.map(() => 0)], [1, ...shape]), shape),
    );
    return { means: rows.slice(0, k - 1), variances: rows.slice(k - 1) };
  }

  private totalVariance(variances: tf.Tensor[]): tf.Tensor {
    return variances.slice(1).reduce((acc, v) => tf.add(acc, v), variances[0] as tf.Tensor);
  }

  /** The fused kernels' attributes for a weight of `value`'s shape. */
  private attrs(value: tf.Tensor): BayesianStepAttrs {
    return {
      gamma: [...this.gamma],
      processNoise: [...this.processNoise],
      pivot: this.pivot,
      observationNoise: this.observationNoise,
      curvature: typeof this.curvature === 'function' ? 'given' : this.curvature,
      innovation: this.innovation,
      groups:
        this.innovation === 'perRow' && value.rank > 0 ? (value.shape[0] as number) : value.size,
    };
  }

  /** Σ t·V over one weight with tfjs ops (t = ĥ when given, else ĝ²), non-finite terms skipped. */
  private innovationSumOps(
    gradient: tf.Tensor,
    slot: tf.Tensor,
    h: tf.Tensor | undefined,
  ): tf.Tensor {
    if (gradient.size === 0) return tf.scalar(0);
    const total = this.totalVariance(this.splitSlot(slot).variances);
    const t = h ?? tf.square(tf.div(gradient, this.observationNoise));
    return tf.sum(finiteOnly(tf.mul(t, total)));
  }

  protected update(value: tf.Tensor, gradient: tf.Tensor, slot: tf.Tensor | null): SlotUpdate {
    const name = (value as tf.Variable).name;
    let h: tf.Tensor | undefined;
    if (typeof this.curvature === 'function') {
      h = this.shared
        ? (this.shared.curvature.get(name) as tf.Tensor)
        : this.userCurvature(name, value, gradient);
    }
    if (hasBayesianKernels()) {
      return runBayesianStepKernel(
        {
          value,
          gradient,
          slot: slot as tf.Tensor,
          sum: this.shared?.sum,
          curvature: h,
        },
        this.attrs(value),
      );
    }
    return this.updateOps(value, gradient, slot as tf.Tensor, h);
  }

  /**
   * The step with generic tfjs ops: the path of backends without the fused kernels, and the
   * reference the kernels are tested against. `h` is ĥ from a curvature function.
   */
  private updateOps(
    value: tf.Tensor,
    gradient: tf.Tensor,
    slot: tf.Tensor,
    given: tf.Tensor | undefined,
  ): SlotUpdate {
    const n = value.size;
    // Nothing to do, and tfjs's cpu slice fails on empty tensors.
    if (n === 0) return { value: tf.clone(value), slot: tf.clone(slot) };
    const { means, variances } = this.splitSlot(slot);
    const total = this.totalVariance(variances);
    const g = tf.div(gradient, this.observationNoise);
    let h: tf.Tensor;
    let d: tf.Tensor;
    if (this.shared) {
      const sum = this.shared.sum;
      // S(1 + S) = A  ⇒  1 + S = (1 + √(1 + 4A)) / 2
      d =
        this.curvature === 'fisher'
          ? tf.div(tf.add(1, tf.sqrt(tf.add(1, tf.mul(4, sum)))), 2)
          : tf.add(1, sum);
      if (this.curvature === 'fisher') h = tf.div(tf.square(g), d);
      else h = given ?? tf.square(g);
    } else {
      // Σ ĥV over each group of weights that shares one observation: one weight ('perWeight'),
      // or one row of this variable ('perRow'); then spread back over the group. A group's sum
      // skips non-finite terms, so a NaN gradient stays in its entry.
      const rowsOfGroups = this.innovation === 'perRow' && value.rank > 0 ? value.shape[0] : n;
      const groupSum = (x: tf.Tensor) =>
        rowsOfGroups === n
          ? x
          : tf.reshape(
              tf.broadcastTo(
                tf.sum(tf.reshape(finiteOnly(x), [rowsOfGroups, n / rowsOfGroups]), 1, true),
                [rowsOfGroups, n / rowsOfGroups],
              ),
              value.shape,
            );
      if (this.curvature === 'fisher') {
        // ĥ(1 + S) = ĝ², S = Σ ĥV  ⇒  1 + S = (1 + √(1 + 4A)) / 2 with A = Σ ĝ²V, ĥ = ĝ²/D
        const g2 = tf.square(g);
        const a = groupSum(tf.mul(total, g2));
        d = tf.div(tf.add(1, tf.sqrt(tf.add(1, tf.mul(4, a)))), 2);
        h = tf.div(g2, d);
      } else {
        h = given ?? tf.square(g);
        d = tf.add(1, groupSum(tf.mul(h, total)));
      }
    }
    const step = tf.div(g, d);
    // Posterior, then prior step. v ← v − v²ĥ/D = v (D − ĥv)/D stays positive since D ≥ 1 + ĥv.
    const nextVariances = variances.map((v, i) => {
      const posterior = tf.div(tf.mul(v, tf.sub(d, tf.mul(h, v))), d);
      const gi = this.gamma[i] as number;
      return tf.add(tf.mul(posterior, gi * gi), this.processNoise[i] as number);
    });
    const others = this.gamma.map((_, i) => i).filter((i) => i !== this.pivot);
    const gp = this.gamma[this.pivot] as number;
    let next = tf.mul(tf.sub(value, tf.mul(total, step)), gp);
    const nextMeans = means.map((m, r) => {
      const i = others[r] as number;
      const posterior = tf.sub(m, tf.mul(variances[i] as tf.Tensor, step));
      // w = ω_p + Σ_r ω_r, and ω_p ← γ_p ω_p: w ← γ_p w + Σ_r (γ_r − γ_p) ω_r.
      next = tf.add(next, tf.mul(posterior, (this.gamma[i] as number) - gp));
      return tf.mul(posterior, this.gamma[i] as number);
    });
    // Every row has the weight's shape, so no result is a reshape (wasm keys buffers by shape).
    return { value: next, slot: tf.stack([...nextMeans, ...nextVariances]) };
  }

  /** The k subweight means of a weight, in the order of `gamma`: shape `[k, ...shape]`. Caller owns it. */
  subweights(variable: tf.Variable): tf.Tensor {
    return tf.tidy(() => {
      const k = this.gamma.length;
      const slot = this.getSlot(variable.name) ?? this.initialSlot(variable);
      return stackSubweights(variable, tf.unstack(slot).slice(0, k - 1), this.pivot);
    });
  }

  /** The k subweight variances of a weight, in the order of `gamma`: `[k, ...shape]`. Caller owns it. */
  variances(variable: tf.Variable): tf.Tensor {
    return tf.tidy(() => {
      const k = this.gamma.length;
      const slot = this.getSlot(variable.name) ?? this.initialSlot(variable);
      return tf.stack(tf.unstack(slot).slice(k - 1));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      gamma: [...this.gamma],
      priorVariance: [...this.priorVariance],
      observationNoise: this.observationNoise,
      innovation: this.innovation,
      curvature: typeof this.curvature === 'function' ? 'function' : this.curvature,
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const curvature = config.curvature === 'function' ? missingCurvature : config.curvature;
    return new cls({ ...config, curvature });
  }
}

tf.serialization.registerClass(BayesianMultiscaleOptimizer);

/**
 * The exact Gauss–Newton diagonal for one example of a squared loss with one output,
 * L = ½(y − ŷ)²: since ∂L/∂w = J·(ŷ − y), J² = g²/(y − ŷ)². `squaredResidual` returns (y − ŷ)² of
 * the step being taken (twice the loss value `computeGradients` returned). Whether it beats the
 * drop-in `'fisher'` on a task is an empirical question; `teacherDriftExperiment`
 * (src/experiments/drift-bayesian-mlp.ts) measures it on an MLP tracking a drifting teacher.
 * @example
 * const w = tf.variable(tf.tensor1d([0.5, -0.5]));
 * const x = tf.tensor1d([1, 2]);
 * const loss = () => tf.mul(0.5, tf.square(tf.sub(1, tf.sum(tf.mul(w, x))))) as tf.Scalar;
 * let r2 = 0;
 * const opt = bayesianMultiscale({timescales: [10, 1000], priorVariance: 0.1,
 *   observationNoise: 0.04, curvature: gaussNewtonCurvature(() => r2)});
 * const {value, grads} = opt.computeGradients(loss, [w]);
 * r2 = 2 * value.dataSync()[0];
 * opt.applyGradients(grads);
 */
export function gaussNewtonCurvature(squaredResidual: () => number): CurvatureFunction {
  return ({ gradient }) => tf.div(tf.square(gradient), Math.max(squaredResidual(), 1e-12));
}

/**
 * The Bayesian multiscale optimizer as a `tf.Optimizer`; see `BayesianMultiscaleOptimizer`.
 * @example
 * const prior = powerLaw({band: [1, 1e4], count: 5, variance: 5});
 * const opt = bayesianMultiscale({gamma: prior.gamma, priorVariance: prior.priorVariance,
 *   observationNoise: 1});
 */
export function bayesianMultiscale(config: BayesianMultiscaleConfig): BayesianMultiscaleOptimizer {
  return new BayesianMultiscaleOptimizer(config);
}
