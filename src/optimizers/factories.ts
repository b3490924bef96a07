import { type BennaFusiOptions, bennaFusiSystem } from '../dynamics/benna-fusi.js';
import { diagonalize } from '../dynamics/diagonalize.js';
import { type FastWeightOptions, fastWeightConstants } from '../dynamics/fast-weights.js';
import { type LearningRateSpread, spreadLearningRate } from '../dynamics/learning-rate-spread.js';
import type { LinearDynamics } from '../dynamics/linear-dynamics.js';
import { type MomentumOptions, momentumSystem } from '../dynamics/momentum.js';
import { checkMultiscale } from '../dynamics/multiscale.js';
import { checkKeys, fail } from '../validate.js';
import { LinearDynamicsOptimizer } from './linear-dynamics-optimizer.js';
import { type MultiscaleConfig, MultiscaleOptimizer } from './multiscale-optimizer.js';
import { registerRecipe, withRecipe } from './recipe.js';

/**
 * Which coordinates an optimizer runs in. `'diagonal'` (default) runs the eigenvector
 * reparameterization on the fast multiscale path; `'coupled'` runs the original coupled state.
 * Both produce the same weights up to float32 rounding.
 */
export type Form = 'diagonal' | 'coupled';

/** Options shared by optimizers that can run in either form. */
export interface FormOption {
  /** `'diagonal'` (default) or `'coupled'`. */
  form?: Form;
}

/** The diagonal form, the default: the factory returns a `MultiscaleOptimizer`. */
export interface DiagonalForm {
  /** `'diagonal'` or left out. */
  form?: 'diagonal';
}

/** The coupled form: the factory returns a `LinearDynamicsOptimizer`. */
export interface CoupledForm {
  /** `'coupled'`. */
  form: 'coupled';
}

/**
 * Refuses dynamics whose effective learning rate η = −c·b (the diagonal form's Σα) is ≤ 0: their
 * first step would climb the gradient.
 */
function checkDescent(where: string, dynamics: LinearDynamics): void {
  const { input: b, readout: c } = dynamics;
  const eta = -c.reduce((acc, ci, i) => acc + ci * (b[i] as number), 0);
  if (!(eta > 0)) {
    fail(
      where,
      '−readout·input',
      eta,
      'the effective learning rate η = −c·b (= Σα of the diagonal form) must be > 0; otherwise ' +
        'the first step climbs the gradient (gradient ascent)',
    );
  }
}

/**
 * The shared path of every factory that offers both forms (momentum, bennaFusi, aggmo, qhm,
 * complexSynapse): runs `dynamics` as a `MultiscaleOptimizer` (`form` undefined or
 * `'diagonal'`, via `diagonalize`) or a `LinearDynamicsOptimizer` (`'coupled'`), with errors
 * labelled `where` (the factory's name). `check` sees the diagonal retentions first, in both
 * forms, for limits the coupled form shares with them (float32 resolution). Factories wrap the
 * result in `withRecipe(…, where, options)` and `registerRecipe(where, factory)` once.
 */
export function run(
  where: string,
  dynamics: LinearDynamics,
  form: unknown,
  check?: (gamma: readonly number[]) => void,
): MultiscaleOptimizer | LinearDynamicsOptimizer {
  if (form !== undefined && form !== 'diagonal' && form !== 'coupled') {
    fail(where, 'form', form, "it must be 'diagonal' or 'coupled'");
  }
  if (form === 'coupled') {
    if (check !== undefined) check(diagonalize(dynamics).gamma);
    checkDescent(where, dynamics);
    return new LinearDynamicsOptimizer(dynamics);
  }
  const { alpha, gamma, initialShare } = diagonalize(dynamics);
  check?.(gamma);
  checkMultiscale(where, { alpha, gamma });
  return new MultiscaleOptimizer({ alpha, gamma, initialShare });
}

/** Option names of `multiscale` in its two shapes. */
const MULTISCALE_KEYS = ['alpha', 'gamma', 'initialShare'];

/**
 * The multiscale optimizer as a `tf.Optimizer`, from its constants ordered slowest first
 * (`{alpha, gamma, initialShare?}`), or from one effective learning rate η = Σα_i spread over
 * timescales (`{learningRate, timescales, shares?}`, see `spreadLearningRate`):
 *
 * $$ \omega_i \leftarrow \gamma_i\,\omega_i - \alpha_i\,g, \qquad w = \sum_i \omega_i $$
 *
 * Refused: Σα ≤ 0 (the first step would climb the gradient) and γ < 1 that float32 rounds to 1
 * (timescales beyond ~3.4·10⁷ steps; see `FLOAT32_RETENTION_LIMIT`).
 * @example
 * model.compile({optimizer: multiscale({learningRate: 0.2, timescales: [Infinity, 10]}), loss: 'meanSquaredError'})
 * multiscale({alpha: [0.01, 0.1], gamma: [1, 0.9]}).alpha // [0.01, 0.1]
 */
export function multiscale(config: MultiscaleConfig | LearningRateSpread): MultiscaleOptimizer {
  const where = 'multiscale';
  const spread =
    config !== null &&
    typeof config === 'object' &&
    !Array.isArray(config) &&
    ('learningRate' in config || 'timescales' in config);
  if (spread && ('alpha' in config || 'gamma' in config)) {
    fail(
      where,
      'options',
      Object.keys(config),
      'pass either {alpha, gamma} or {learningRate, timescales}, not both',
    );
  }
  if (spread) {
    const constants = spreadLearningRate(where, config as LearningRateSpread);
    checkMultiscale(where, constants);
    return withRecipe(new MultiscaleOptimizer(constants), where, config);
  }
  checkKeys(where, config, MULTISCALE_KEYS);
  checkMultiscale(where, config as MultiscaleConfig);
  return withRecipe(new MultiscaleOptimizer(config as MultiscaleConfig), where, config);
}

/**
 * Fast weights (Hinton & Plaut 1987; Ba et al. 2016): a slow part that never decays plus a fast
 * part that keeps `fastRetention` γ_f of itself per step.
 *
 * $$ \omega_s \leftarrow \omega_s - \alpha_s g, \quad
 *    \omega_f \leftarrow \gamma_f\,\omega_f - \alpha_f g, \quad w = \omega_s + \omega_f $$
 * @example
 * fastWeights({slowLearningRate: 0.01, fastLearningRate: 0.3, fastRetention: 0.95}).gamma // [1, 0.95]
 */
export function fastWeights(options: FastWeightOptions): MultiscaleOptimizer {
  const where = 'fastWeights';
  const constants = fastWeightConstants(where, options);
  checkMultiscale(where, constants);
  return withRecipe(new MultiscaleOptimizer(constants), where, options);
}

/**
 * Momentum, by default as the negative fast weight it is (γ = (1, β), α_fast < 0); with
 * `form: 'coupled'` as the familiar velocity update v ← βv + g, w ← w − ηv. Matches
 * `tf.train.momentum(η, β, nesterov)` (Polyak 1964; Nesterov 1983), and `setWeights` accepts a
 * `tf.train.momentum` checkpoint's `${name}/momentum` slots (see `convertForeignSlot`).
 * @example
 * momentum({learningRate: 0.1, momentum: 0.9}).gamma // [1, 0.9]
 */
export function momentum(options: MomentumOptions & DiagonalForm): MultiscaleOptimizer;
export function momentum(options: MomentumOptions & CoupledForm): LinearDynamicsOptimizer;
export function momentum(
  options: MomentumOptions & FormOption,
): MultiscaleOptimizer | LinearDynamicsOptimizer;
export function momentum(
  options: MomentumOptions & FormOption,
): MultiscaleOptimizer | LinearDynamicsOptimizer {
  const where = 'momentum';
  const dynamics = momentumSystem(where, options, ['form']);
  return withRecipe(run(where, dynamics, options.form), where, options);
}

/**
 * The Benna–Fusi synapse (Benna & Fusi, Nature Neuroscience 2016), by default as its decoupled
 * eigenmodes; `form: 'coupled'` runs the chain of beakers itself (see `bennaFusiDynamics`).
 * As a float32 optimizer it takes at most the beakers whose slowest timescale float32 can still
 * decay (m ≤ 11 with the default constants); more throws, naming the timescale.
 * @example
 * bennaFusi({learningRate: 0.5, beakers: 6}).alpha.length // 6
 */
export function bennaFusi(options: BennaFusiOptions & DiagonalForm): MultiscaleOptimizer;
export function bennaFusi(options: BennaFusiOptions & CoupledForm): LinearDynamicsOptimizer;
export function bennaFusi(
  options: BennaFusiOptions & FormOption,
): MultiscaleOptimizer | LinearDynamicsOptimizer;
export function bennaFusi(
  options: BennaFusiOptions & FormOption,
): MultiscaleOptimizer | LinearDynamicsOptimizer {
  const where = 'bennaFusi';
  const dynamics = bennaFusiSystem(where, options, ['form']);
  const m = dynamics.readout.length;
  const float32Limit = (gamma: readonly number[]) => {
    if (gamma.length < m) {
      fail(
        where,
        'beakers',
        m,
        `only ${gamma.length} of its ${m} modes are distinct in float64 (the slowest ones ` +
          'merge); use fewer beakers',
      );
    }
    const lost = gamma.filter((g) => g !== 1 && Math.fround(g) === 1);
    if (lost.length > 0) {
      const slowest = Math.max(...gamma.filter((g) => g !== 1));
      fail(
        where,
        'beakers',
        m,
        `${lost.length} of its ${m} timescales lie beyond float32's resolution: the slowest, ` +
          `τ ≈ ${(-1 / Math.log(slowest)).toPrecision(3)} steps, has 1 − γ = ` +
          `${(1 - slowest).toPrecision(3)} < 2⁻²⁵ ≈ 2.98e-8, so in float32 it would never decay. ` +
          'Use fewer beakers (at most 11 with the default capacities and couplings), or ' +
          'bennaFusiDynamics for float64 math',
      );
    }
  };
  return withRecipe(run(where, dynamics, options.form, float32Limit), where, options);
}

/**
 * Any linear optimizer s ← T s + b g, w = c·s, run in its coupled coordinates. Refused: an
 * effective learning rate −c·b ≤ 0 (the diagonal form's Σα; the first step would climb the
 * gradient).
 * @example
 * linearDynamicsOptimizer(momentumDynamics({learningRate: 0.1, momentum: 0.9})).getClassName() // 'LinearDynamicsOptimizer'
 */
export function linearDynamicsOptimizer(dynamics: LinearDynamics): LinearDynamicsOptimizer {
  const where = 'linearDynamicsOptimizer';
  checkKeys(where, dynamics, ['transition', 'input', 'readout', 'initialState']);
  const optimizer = new LinearDynamicsOptimizer(dynamics); // checks shapes and stability first
  checkDescent(where, optimizer.dynamics); // it holds no tensors yet: nothing to free on a throw
  return optimizer;
}

registerRecipe('multiscale', multiscale);
registerRecipe('fastWeights', fastWeights);
registerRecipe('momentum', momentum);
registerRecipe('bennaFusi', bennaFusi);
