import * as tf from '@tensorflow/tfjs-core';
import { pivotIndex } from '../dynamics/linear-dynamics.js';
import { checkMultiscale, type MultiscaleOptions } from '../dynamics/multiscale.js';
import { fail, finiteVector } from '../validate.js';
import {
  type MultiscaleStepConstants,
  type MultiscaleStepTensors,
  multiscaleStep,
  stepTensors,
} from './multiscale-step.js';
import { configWithRecipe, restoreFromConfig } from './recipe.js';
import { SlotOptimizer, type SlotUpdate, stackSubweights } from './slot-optimizer.js';

/** Configuration of a `MultiscaleOptimizer`. */
export interface MultiscaleConfig extends MultiscaleOptions {
  /**
   * How a weight's value when training starts splits across the subweights, summing to 1.
   * Default: all of it in the slowest subweight (largest |γ|). `diagonalize` supplies the split
   * that makes a reparameterized optimizer start where its coupled original does. A later change
   * of the weight from outside the optimizer (`variable.assign`, `model.setWeights`) splits the
   * same way, at the next step.
   */
  initialShare?: readonly number[];
}

/**
 * The multiscale optimizer: each weight is a sum of k subweights with their own learning rate α_i
 * and decay γ_i (Jones, Mozer et al.).
 *
 * $$ \omega_{ij} \leftarrow \gamma_i\,\omega_{ij} - \alpha_i\,\frac{\partial L}{\partial w_j},
 *    \qquad w_j = \sum_i \omega_{ij} $$
 *
 * The weight itself stores one subweight, so it keeps k−1 slot values per weight, in one
 * variable `${name}/subweights` of shape `[k−1, ...shape]`.
 */
export class MultiscaleOptimizer extends SlotOptimizer {
  /**
   * Registered class name, used by `model.save`/`tf.loadLayersModel`. A model saved with
   * `includeOptimizer: true` loads only in a process that has imported `multiscale-optimizer`
   * (the import registers this class; otherwise tfjs reports an unknown class). For inference,
   * save without the optimizer (`model.save(url)`): plain tfjs loads that.
   */
  static get className(): string {
    return 'MultiscaleOptimizer';
  }

  /** α_i, one per subweight. */
  readonly alpha: readonly number[];
  /** γ_i, one per subweight. */
  readonly gamma: readonly number[];
  /** ω_i(0) / w(0), one per subweight. */
  readonly initialShare: readonly number[];
  /** Index of the subweight stored in the weight itself (the slowest). */
  readonly pivot: number;
  /** Constants of the k−1-slot step. */
  readonly constants: MultiscaleStepConstants;
  private tensors: MultiscaleStepTensors | null = null;
  /** initialShare of the slot rows, or null when it is all in the pivot (nothing to route). */
  private readonly slotShares: readonly number[] | null;

  constructor(config: MultiscaleConfig) {
    super();
    checkMultiscale('multiscale', config);
    const k = config.gamma.length;
    this.alpha = [...config.alpha];
    this.gamma = [...config.gamma];
    this.gamma.forEach((g, i) => {
      if (g <= -1) {
        fail(
          'multiscale',
          `gamma[${i}]`,
          g,
          'a retention must lie in (-1, 1]: γ = -1 is an undamped oscillation that never decays',
        );
      }
    });
    const pivot = pivotIndex(
      this.gamma.map(() => 1),
      this.gamma,
    );
    this.pivot = pivot;
    if (config.initialShare === undefined) {
      this.initialShare = this.gamma.map((_, i) => (i === pivot ? 1 : 0));
    } else {
      const share = finiteVector('multiscale', 'initialShare', config.initialShare, k);
      const sum = share.reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-9) fail('multiscale', 'sum(initialShare)', sum, 'it must be 1');
      this.initialShare = share;
    }
    const others = this.gamma.map((_, i) => i).filter((i) => i !== pivot);
    const slotShares = others.map((i) => this.initialShare[i] as number);
    this.slotShares = slotShares.some((q) => q !== 0) ? slotShares : null;
    const gp = this.gamma[pivot] as number;
    this.constants = {
      pivotDecay: gp,
      totalRate: this.alpha.reduce((a, b) => a + b, 0),
      decays: others.map((i) => this.gamma[i] as number),
      rates: others.map((i) => this.alpha[i] as number),
      cross: others.map((i) => (this.gamma[i] as number) - gp),
    };
  }

  protected get slotRows(): number {
    return this.gamma.length - 1;
  }

  protected get slotName(): string {
    return 'subweights';
  }

  protected initialSlot(value: tf.Tensor): tf.Tensor {
    // All of w in the pivot (the default): zero rows, made without running a kernel. A stack would
    // bind the whole slot at once, more than one WebGPU binding may hold (k = 8 at N = 10⁸).
    if (this.slotShares === null) return tf.zeros([this.slotRows, ...value.shape]);
    const shares = this.initialShare.filter((_, i) => i !== this.pivot);
    return tf.stack(shares.map((q) => tf.mul(value, q)));
  }

  /** An outside change Δw of the weight splits like its initial value: row r gains Δw·share_r. */
  protected override outsideWriteShares(): readonly number[] | null {
    return this.slotShares;
  }

  protected update(value: tf.Tensor, gradient: tf.Tensor, slot: tf.Tensor | null): SlotUpdate {
    // The constant tensors are made only if the generic path runs (no fused kernel).
    const tensors = () => (this.tensors ??= stepTensors(this.constants));
    return multiscaleStep(value, gradient, slot, this.constants, tensors);
  }

  /**
   * The k subweights of a weight, in the order of `alpha`/`gamma`: shape `[k, ...shape]` (an
   * outside write since the last step already split by `initialShare`). The caller owns the
   * returned tensor. Takes a `tf.Variable` or a tfjs-layers `LayerVariable`
   * (`layer.trainableWeights[0]`), which it reads with `.read()`.
   */
  subweights(weight: tf.Variable | { read(): tf.Tensor }): tf.Tensor {
    const read = (weight as { read?: unknown } | null)?.read;
    const variable =
      weight instanceof tf.Variable
        ? weight
        : typeof read === 'function'
          ? (weight as { read(): tf.Tensor }).read()
          : weight;
    if (!(variable instanceof tf.Variable)) {
      fail(
        'MultiscaleOptimizer.subweights',
        'weight',
        weight,
        'pass a tf.Variable or a tfjs-layers LayerVariable (layer.trainableWeights[i])',
      );
    }
    return tf.tidy(() => {
      const slot = this.currentSlot(variable);
      const rows = slot ? tf.unstack(slot) : this.initialSlotRows(variable);
      return stackSubweights(variable, rows, this.pivot);
    });
  }

  private initialSlotRows(value: tf.Tensor): tf.Tensor[] {
    return this.slotRows === 0 ? [] : tf.unstack(this.initialSlot(value));
  }

  override dispose(): void {
    if (this.tensors) tf.dispose([this.tensors.decays, this.tensors.rates]);
    this.tensors = null;
    super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return configWithRecipe(this, {
      alpha: [...this.alpha],
      gamma: [...this.gamma],
      initialShare: [...this.initialShare],
    });
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return restoreFromConfig(cls, config, () => new cls(config));
  }
}

tf.serialization.registerClass(MultiscaleOptimizer);
