import * as tf from '@tensorflow/tfjs-core';

/** A tensor with a name, as `Optimizer.getWeights` returns them (tfjs does not export the type). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** What a `SlotOptimizer` step returns: the new weight and, when it keeps one, the new slot. */
export interface SlotUpdate {
  value: tf.Tensor;
  slot: tf.Tensor | null;
}

/** The tfjs-layers suffix that makes a re-created variable's name unique (`kernel` → `kernel_1`). */
const uniquifier = /_\d+$/;

/**
 * Base class for optimizers that keep one stacked slot variable per weight, of shape
 * `[rows, ...weightShape]`, keyed by the weight's *name* (tfjs's own optimizers key slots by
 * position, which breaks when one optimizer trains different sets of variables).
 *
 * It implements `applyGradients` (named-map and array forms), `getWeights`/`setWeights` (iterations
 * first, then one `${name}/${slotName}` entry per weight), and `dispose`. Subclasses supply the
 * slot layout and the update.
 */
export abstract class SlotOptimizer extends tf.Optimizer {
  private readonly slots = new Map<string, tf.Variable>();
  /** Slots restored by `setWeights` that no live variable has claimed yet. */
  private readonly unclaimed = new Set<string>();

  /** Rows in the stacked slot per weight (0: no slot at all). */
  protected abstract get slotRows(): number;
  /** Name of the slot in `getWeights`, after the variable's name and a slash. */
  protected abstract get slotName(): string;
  /** The slot a weight starts with, given its current value: shape `[slotRows, ...shape]`. */
  protected abstract initialSlot(value: tf.Tensor): tf.Tensor;
  /** One step for one weight. Runs inside `tf.tidy`. */
  protected abstract update(
    value: tf.Tensor,
    gradient: tf.Tensor,
    slot: tf.Tensor | null,
  ): SlotUpdate;

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((item) => [item.name, item.tensor] as const)
      : Object.entries(variableGradients);
    for (const [name, gradient] of entries) {
      if (gradient == null) continue;
      const value = tf.engine().registeredVariables[name];
      if (value === undefined) {
        throw new Error(`${this.getClassName()}: no variable named "${name}" is registered.`);
      }
      const slot = this.slotFor(name, value);
      tf.tidy(() => {
        const next = this.update(value, gradient, slot);
        value.assign(next.value);
        if (slot && next.slot) slot.assign(next.slot);
      });
    }
    this.incrementIterations();
  }

  /**
   * The slot of the named weight: its own, one restored by `setWeights`, or a new one. Subclasses
   * that need every slot before the per-weight loop (a step shared across weights) call it too.
   */
  protected slotFor(name: string, value: tf.Variable): tf.Variable | null {
    if (this.slotRows === 0) return null;
    let slot = this.slots.get(name) ?? this.claimRestored(name);
    if (slot === undefined) {
      slot = tf.tidy(() => tf.variable(this.initialSlot(value), false));
      this.slots.set(name, slot);
    }
    const expected = [this.slotRows, ...value.shape];
    if (!tf.util.arraysEqual(slot.shape, expected)) {
      throw new Error(
        `${this.getClassName()}: the slot for "${name}" has shape [${slot.shape}], but the ` +
          `variable needs [${expected}]; was the state saved from a different model?`,
      );
    }
    return slot;
  }

  /** A restored slot saved under this name, or under the same name before tfjs-layers made it unique. */
  private claimRestored(name: string): tf.Variable | undefined {
    const base = name.replace(uniquifier, '');
    const candidates = [...this.unclaimed].filter(
      (saved) => saved === name || saved.replace(uniquifier, '') === base,
    );
    const saved = candidates.includes(name)
      ? name
      : candidates.length === 1
        ? candidates[0]
        : undefined;
    if (saved === undefined) return undefined;
    const slot = this.slots.get(saved) as tf.Variable;
    this.unclaimed.delete(saved);
    this.slots.delete(saved);
    this.slots.set(name, slot);
    return slot;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const slots = [...this.slots].map(([name, tensor]) => ({
      name: `${name}/${this.slotName}`,
      tensor,
    }));
    return [await this.saveIterations(), ...slots];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const suffix = `/${this.slotName}`;
    this.disposeSlots();
    for (const { name, tensor } of rest) {
      if (!name.endsWith(suffix)) {
        throw new Error(
          `${this.getClassName()}.setWeights: weight "${name}" is not a "${this.slotName}" slot; ` +
            'was it saved by a different optimizer?',
        );
      }
      const key = name.slice(0, -suffix.length);
      this.slots.set(key, tf.variable(tensor, false));
      this.unclaimed.add(key);
    }
  }

  /** The slot kept for a weight, by the weight's name (undefined before its first step). */
  getSlot(name: string): tf.Variable | undefined {
    return this.slots.get(name);
  }

  private disposeSlots(): void {
    for (const slot of this.slots.values()) slot.dispose();
    this.slots.clear();
    this.unclaimed.clear();
  }

  /** Frees every slot and the iteration counter. */
  override dispose(): void {
    this.disposeSlots();
    super.dispose();
  }
}
