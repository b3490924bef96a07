import * as tf from '@tensorflow/tfjs-core';
import {
  checkDynamics,
  checkStable,
  type LinearDynamics,
  pivotIndex,
  restingState,
} from '../dynamics/linear-dynamics.js';
import { registerBuiltinKernels } from '../kernels/index.js';
import { type TridiagonalStepAttrs, tridiagonalStep } from '../kernels/tridiagonal-step-kernel.js';
import { configWithRecipe, restoreFromConfig } from './recipe.js';
import { SlotOptimizer, type SlotUpdate } from './slot-optimizer.js';

registerBuiltinKernels();

/**
 * The bands of T when the step can run as a tridiagonal one: T[i][j] = 0 for |i − j| > 1 and w
 * reads only the pivot coordinate (w = c_p·s_p). The pivot coordinate is rescaled to w itself
 * (T̃ = S·T·S⁻¹, b̃ = S·b with S = diag(1, …, c_p, …, 1)), so the slot rows keep their meaning.
 * Returns null for any other dynamics (they run the dense path).
 */
export function tridiagonalBands(d: LinearDynamics, pivot: number): TridiagonalStepAttrs | null {
  const { transition: T, input: b, readout: c } = d;
  const k = c.length;
  if (k < 2) return null;
  if (c.some((ci, i) => i !== pivot && ci !== 0)) return null;
  const entry = (i: number, j: number) => (T[i] as number[])[j] as number;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) if (Math.abs(i - j) > 1 && entry(i, j) !== 0) return null;
  }
  const scale = (i: number) => (i === pivot ? (c[pivot] as number) : 1);
  const t = (i: number, j: number) => (scale(i) * entry(i, j)) / scale(j);
  return {
    pivot,
    lower: Array.from({ length: k }, (_, i) => (i > 0 ? t(i, i - 1) : 0)),
    diag: Array.from({ length: k }, (_, i) => t(i, i)),
    upper: Array.from({ length: k }, (_, i) => (i < k - 1 ? t(i, i + 1) : 0)),
    input: Array.from({ length: k }, (_, i) => scale(i) * (b[i] as number)),
  };
}

/** Rows [start, start+count) of a 2-D tensor, as a one-element list (empty when count is 0). */
function rowRange(x: tf.Tensor, start: number, count: number): tf.Tensor[] {
  return count === 0 ? [] : [tf.slice(x, [start, 0], [count, -1])];
}

/** Constant tensors of the coupled step, kept for the optimizer's lifetime. */
interface CoupledTensors {
  /** Rows of T for the slot coordinates: (k−1) × k. */
  slotTransition: tf.Tensor2D;
  /** Entries of b for the slot coordinates: (k−1) × 1. */
  slotInput: tf.Tensor2D;
  /** cᵀT, so that the new weight is cᵀT·s + (c·b)·g: 1 × k. */
  weightTransition: tf.Tensor2D;
  /** c_i / c_p for the slot coordinates, to recover s_p from w: 1 × (k−1). */
  otherReadout: tf.Tensor2D;
}

/**
 * Runs any `LinearDynamics` in its original, coupled coordinates:
 *
 * $$ s \leftarrow T s + b\,g, \qquad w = c^\top s $$
 *
 * The weight stores the pivot coordinate (the largest |c_p|; for momentum and Benna–Fusi that is
 * w itself), so each weight keeps k−1 slot values, in one variable `${name}/state` of shape
 * `[k−1, ...shape]`. The other coordinates start at rest (zero), or at w·`initialState` when the
 * dynamics give one. A change of the weight from outside the optimizer (`variable.assign`,
 * `model.setWeights`) enters the state the same way, so it splits across the eigenmodes by the
 * diagonal form's `initialShare`, and both forms stay equal. T must be stable (`checkStable`).
 *
 * When T is tridiagonal and w reads one coordinate (Benna–Fusi chains, momentum, a k = 2 system
 * whose readout has one non-zero entry) a step costs a few multiply-adds per coordinate (the fused
 * `TridiagonalStep` kernel on cpu, wasm, webgl and webgpu, elementwise ops elsewhere); other T,
 * including k = 2 systems whose readout has two non-zero entries, run a dense (k−1)×k product per
 * weight.
 */
export class LinearDynamicsOptimizer extends SlotOptimizer {
  /**
   * Registered class name, used by `model.save`/`tf.loadLayersModel`. A model saved with
   * `includeOptimizer: true` loads only in a process that has imported `multiscale-optimizer`
   * (the import registers this class; otherwise tfjs reports an unknown class). For inference,
   * save without the optimizer (`model.save(url)`): plain tfjs loads that.
   */
  static get className(): string {
    return 'LinearDynamicsOptimizer';
  }

  /** The dynamics this optimizer runs (copied, so later edits to the input don't leak in). */
  readonly dynamics: LinearDynamics;
  /** The state coordinate stored in the weight itself. */
  readonly pivot: number;
  /** The bands of the tridiagonal fast path, or null when T needs the dense path. */
  private readonly bands: TridiagonalStepAttrs | null;
  private tensors: CoupledTensors | null = null;
  /** restingState(dynamics, 1) at the slot coordinates, or null when all zero. */
  private readonly slotShares: readonly number[] | null;

  constructor(dynamics: LinearDynamics) {
    super();
    checkDynamics(dynamics, 'linearDynamicsOptimizer');
    checkStable(dynamics, 'linearDynamicsOptimizer');
    this.dynamics = {
      transition: dynamics.transition.map((row) => [...row]),
      input: [...dynamics.input],
      readout: [...dynamics.readout],
      ...(dynamics.initialState ? { initialState: [...dynamics.initialState] } : {}),
    };
    this.pivot = pivotIndex(this.dynamics.readout);
    this.bands = tridiagonalBands(this.dynamics, this.pivot);
    const s0 = Array.from(restingState(this.dynamics, 1)).filter((_, i) => i !== this.pivot);
    this.slotShares = s0.some((x) => x !== 0) ? s0 : null;
  }

  protected get slotRows(): number {
    return this.dynamics.readout.length - 1;
  }

  protected get slotName(): string {
    return 'state';
  }

  protected initialSlot(value: tf.Tensor): tf.Tensor {
    const s0 = this.dynamics.initialState;
    if (s0 === undefined) return tf.zeros([this.slotRows, ...value.shape]);
    const others = s0.filter((_, i) => i !== this.pivot);
    return tf.stack(others.map((x) => tf.mul(value, x)));
  }

  /**
   * An outside change Δw of the weight enters the state as a weight's initial value does:
   * Δw·s₀ with s₀ = `restingState(dynamics, 1)` (all of it in the pivot coordinate unless the
   * dynamics give an `initialState`). This is what the diagonal form's `initialShare` routes.
   */
  protected override outsideWriteShares(): readonly number[] | null {
    return this.slotShares;
  }

  private constants(): CoupledTensors {
    if (this.tensors === null) {
      const { transition: T, input: b, readout: c } = this.dynamics;
      const k = c.length;
      const p = this.pivot;
      const others = c.map((_, i) => i).filter((i) => i !== p);
      // cᵀT in float64, so the weight's update is one product over the state.
      const weightRow =
        T[0]?.map((_, j) =>
          c.reduce((acc, ci, i) => acc + ci * ((T[i] as number[])[j] as number), 0),
        ) ?? [];
      this.tensors = tf.tidy(() => ({
        slotTransition: tf.keep(
          tf.tensor2d(
            others.map((i) => T[i] as number[]),
            [k - 1, k],
          ),
        ),
        slotInput: tf.keep(
          tf.tensor2d(
            others.map((i) => b[i] as number),
            [k - 1, 1],
          ),
        ),
        weightTransition: tf.keep(tf.tensor2d(weightRow, [1, k])),
        otherReadout: tf.keep(
          tf.tensor2d(
            others.map((i) => (c[i] as number) / (c[p] as number)),
            [1, k - 1],
          ),
        ),
      }));
    }
    return this.tensors;
  }

  protected update(value: tf.Tensor, gradient: tf.Tensor, slot: tf.Tensor | null): SlotUpdate {
    const { input: b, readout: c } = this.dynamics;
    const k = c.length;
    const p = this.pivot;
    const n = value.size;
    const g = tf.reshape(gradient, [1, n]);
    const w = tf.reshape(value, [1, n]);
    const weightInput = c.reduce((acc, ci, i) => acc + ci * (b[i] as number), 0);
    if (slot === null) {
      // k = 1: w ← T₀₀·w + c·b·g
      const decay = (this.dynamics.transition[0] as number[])[0] as number;
      return { value: tf.add(tf.mul(value, decay), tf.mul(gradient, weightInput)), slot: null };
    }
    if (this.bands !== null) return tridiagonalStep(value, gradient, slot, this.bands);
    const t = this.constants();
    const rows = tf.reshape(slot, [k - 1, n]);
    // s_p = (w − Σ_{i≠p} c_i s_i) / c_p, then the full state s = [rows before p; s_p; rows after].
    const cp = c[p] as number;
    const onlyPivot = c.every((ci, i) => i === p || ci === 0);
    let pivotRow = cp === 1 ? w : tf.div(w, cp);
    if (!onlyPivot) pivotRow = tf.sub(pivotRow, tf.matMul(t.otherReadout, rows));
    const state = tf.concat(
      [...rowRange(rows, 0, p), pivotRow, ...rowRange(rows, p, k - 1 - p)],
      0,
    );
    const nextRows = tf.add(tf.matMul(t.slotTransition, state), tf.matMul(t.slotInput, g));
    // The last op runs in the weight's own shape: the wasm backend records a tensor's shape per
    // buffer, and a reshaped [1, n] buffer assigned to a rank-1 bias breaks its fused matMul.
    const carried = tf.reshape(tf.matMul(t.weightTransition, state), value.shape);
    return {
      value: tf.add(carried, tf.mul(gradient, weightInput)),
      slot: tf.reshape(nextRows, slot.shape),
    };
  }

  override dispose(): void {
    if (this.tensors) tf.dispose(Object.values(this.tensors));
    this.tensors = null;
    super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return configWithRecipe(this, {
      transition: this.dynamics.transition.map((row) => [...row]),
      input: [...this.dynamics.input],
      readout: [...this.dynamics.readout],
      ...(this.dynamics.initialState ? { initialState: [...this.dynamics.initialState] } : {}),
    });
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return restoreFromConfig(cls, config, () => new cls(config));
  }
}

tf.serialization.registerClass(LinearDynamicsOptimizer);
