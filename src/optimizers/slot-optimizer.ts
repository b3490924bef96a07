import * as tf from '@tensorflow/tfjs-core';
import { convertForeignSlot, type ForeignSlot } from './migration.js';

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

/** One weight of a step: its name, the registered variable and its gradient. */
export interface TrainedWeight {
  name: string;
  value: tf.Variable;
  gradient: tf.Tensor;
}

/** The tfjs-layers suffix that makes a re-created variable's name unique (`kernel` → `kernel_1`). */
const uniquifier = /_\d+$/;

/** What the optimizer keeps for one weight. */
interface SlotRecord {
  /** The stacked slot, `[slotRows, ...shape]`. */
  variable: tf.Variable;
  /** The weight it belongs to; null for a slot restored by `setWeights` that no weight claimed yet. */
  owner: tf.Variable | null;
  /**
   * The weight as this optimizer last left it: a `tf.clone`, which shares the weight's buffer (no
   * copy: one more tensor handle, no more data buffers, though `tf.memory().numBytes` counts it).
   * `Variable.assign` gives the weight a new buffer, so a different buffer means someone else
   * wrote the weight since. Null when outside writes are not routed, or before the first step.
   */
  written: tf.Tensor | null;
}

/**
 * The k subweights of a weight from its k−1 stored ones: the pivot subweight is w − Σ others, put
 * back at index `pivot`. Shape `[k, ...shape]`; call inside `tf.tidy`.
 */
export function stackSubweights(value: tf.Tensor, others: tf.Tensor[], pivot: number): tf.Tensor {
  const pivotPart = others.reduce((acc, row) => tf.sub(acc, row), value);
  const all = [...others];
  all.splice(pivot, 0, pivotPart);
  return tf.stack(all);
}

/**
 * Base class for optimizers that keep one stacked slot variable per weight, of shape
 * `[rows, ...weightShape]`, keyed by the weight's *name* (tfjs's own optimizers key slots by
 * position, which breaks when one optimizer trains different sets of variables).
 *
 * It implements `applyGradients` (named-map and array forms), `getWeights`/`setWeights` (iterations
 * first, then one `${name}/${slotName}` entry per weight), and `dispose`. Subclasses supply the
 * slot layout and the update.
 *
 * **Weights without a gradient.** A weight absent from a step's gradient map (or given `null`) is
 * not touched by that step: it neither learns nor decays, as with `tf.train.momentum`. To let every
 * weight decay at every step, pass a zero gradient for the weights that have none
 * (`tf.zerosLike(variable)`).
 *
 * **Outside writes.** A write to a weight that does not come from this optimizer
 * (`variable.assign`, `model.setWeights`, loading weights, pruning) is a change Δw of the weight
 * as if it had happened at rest: a subclass that stores part of the weight in its slot
 * (`outsideWriteShares`) moves Δw·share_r into slot row r at the next step, so the change splits
 * across the subweights as the weight's initial value does (`initialShare`), and the diagonal and
 * coupled forms of one optimizer stay equal.
 *
 * **Variables that go away.** The slot of a disposed variable is freed at the next step (or
 * `getWeights`), and a new variable that reuses its name starts fresh.
 */
export abstract class SlotOptimizer extends tf.Optimizer {
  private readonly slots = new Map<string, SlotRecord>();
  /** Whether restored slots were checked for owners since the last `setWeights`. */
  private restoreChecked = true;

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

  /**
   * How a change of the weight made outside the optimizer enters the slot: one factor per slot row
   * (row r gains Δw·share_r; the weight's own coordinate keeps the rest). Null (the default) when
   * all of it stays in the weight's own coordinate, which needs no bookkeeping.
   */
  protected outsideWriteShares(): readonly number[] | null {
    return null;
  }

  /**
   * One step: updates every weight in `variableGradients` (a named map or `getWeights`-style
   * array). A weight absent from the map, or with a `null` gradient, is not touched (see the class
   * comment for how to decay every weight every step).
   */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    for (const { name, value, gradient } of this.trainedWeights(variableGradients)) {
      const slot = this.slotFor(name, value);
      tf.tidy(() => {
        const next = this.update(value, gradient, slot);
        value.assign(next.value);
        if (slot && next.slot) slot.assign(next.slot);
      });
      this.rememberWrite(name, value);
    }
    this.incrementIterations();
    this.checkRestored();
  }

  /**
   * The weights of one step: the gradient map or array normalised to name, variable and gradient,
   * `null` gradients left out, each variable checked (registered, float32). Also frees the slots of
   * disposed variables. Subclasses that override `applyGradients` start from this.
   */
  protected trainedWeights(variableGradients: tf.NamedTensorMap | NamedTensor[]): TrainedWeight[] {
    this.releaseDisposed();
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((item) => [item.name, item.tensor] as const)
      : Object.entries(variableGradients);
    const out: TrainedWeight[] = [];
    for (const [name, gradient] of entries) {
      if (gradient == null) continue;
      const value = tf.engine().registeredVariables[name];
      if (value === undefined) {
        throw new Error(
          `${this.getClassName()}.applyGradients: no variable named "${name}" is registered.`,
        );
      }
      for (const [what, dtype] of [
        ['variable', value.dtype],
        ['gradient of', gradient.dtype],
      ] as const) {
        if (dtype !== 'float32') {
          throw new Error(
            `${this.getClassName()}.applyGradients: the ${what} "${name}" has dtype ${dtype}; ` +
              'this optimizer trains float32 variables only.',
          );
        }
      }
      out.push({ name, value, gradient });
    }
    return out;
  }

  /**
   * The slot of the named weight: its own, one restored by `setWeights`, or a new one. Moves any
   * outside write into it first. Subclasses that need every slot before the per-weight loop (a
   * step shared across weights) call it too.
   */
  protected slotFor(name: string, value: tf.Variable): tf.Variable | null {
    if (this.slotRows === 0) return null;
    let record = this.slots.get(name);
    if (record !== undefined && record.owner !== null && record.owner !== value) {
      // tfjs refuses a second live variable with one name: the owner was disposed.
      this.release(name);
      record = undefined;
    }
    record ??= this.claimRestored(name, value);
    if (record === undefined) {
      record = {
        variable: tf.tidy(() => tf.variable(this.initialSlot(value), false)),
        owner: value,
        written: null,
      };
      this.slots.set(name, record);
    }
    const slot = record.variable;
    const expected = [this.slotRows, ...value.shape];
    if (!tf.util.arraysEqual(slot.shape, expected)) {
      throw new Error(
        `${this.getClassName()}: the slot for "${name}" has shape [${slot.shape}], but the ` +
          `variable needs [${expected}]; was the state saved from a different model?`,
      );
    }
    this.absorbOutsideWrite(record, value);
    return slot;
  }

  /**
   * The slot of `variable` with outside writes moved in, for reading (undefined before its first
   * step). A restored slot saved under the variable's exact name counts as its own.
   */
  protected currentSlot(variable: tf.Variable): tf.Variable | undefined {
    this.releaseDisposed();
    const record = this.slots.get(variable.name);
    if (record === undefined || (record.owner !== null && record.owner !== variable)) {
      return undefined;
    }
    if (record.owner !== null) this.absorbOutsideWrite(record, variable);
    return record.variable;
  }

  /** Moves a change of the weight made since this optimizer's last write into the slot rows. */
  private absorbOutsideWrite(record: SlotRecord, value: tf.Variable): void {
    const shares = this.outsideWriteShares();
    if (shares === null) return;
    const { written } = record;
    if (written !== null && written.dataId !== value.dataId) {
      const slot = record.variable;
      tf.tidy(() => {
        const change = tf.sub(value, written);
        const column = tf.tensor(shares as number[], [shares.length, ...value.shape.map(() => 1)]);
        slot.assign(tf.add(slot, tf.mul(column, change)));
      });
    }
    this.keepWritten(record, value);
  }

  /** Records the weight as this optimizer just wrote it (when outside writes are routed). */
  private rememberWrite(name: string, value: tf.Variable): void {
    const record = this.slots.get(name);
    if (record !== undefined && this.outsideWriteShares() !== null) this.keepWritten(record, value);
  }

  private keepWritten(record: SlotRecord, value: tf.Variable): void {
    if (record.written?.dataId === value.dataId) return;
    record.written?.dispose();
    record.written = tf.keep(tf.clone(value));
  }

  /** A restored slot saved under this name, or under the same name before tfjs-layers made it unique. */
  private claimRestored(name: string, value: tf.Variable): SlotRecord | undefined {
    const base = name.replace(uniquifier, '');
    const candidates = [...this.slots]
      .filter(([saved, r]) => r.owner === null && saved.replace(uniquifier, '') === base)
      .map(([saved]) => saved);
    let saved: string | undefined;
    if (candidates.includes(name)) saved = name;
    else if (candidates.length === 1) saved = candidates[0];
    else if (candidates.length > 1) {
      console.warn(
        `${this.getClassName()}: restored slots ${candidates.map((c) => `"${c}"`).join(', ')} ` +
          `all match variable "${name}" by name; none was used, so "${name}" starts fresh.`,
      );
    }
    if (saved === undefined) return undefined;
    const record = this.slots.get(saved) as SlotRecord;
    this.slots.delete(saved);
    record.owner = value;
    this.slots.set(name, record);
    return record;
  }

  /**
   * After the first step since `setWeights`: warns once about restored slots that match no
   * registered variable (neither by name nor by name before tfjs-layers made it unique).
   */
  private checkRestored(): void {
    if (this.restoreChecked) return;
    this.restoreChecked = true;
    const bases = new Set(
      Object.keys(tf.engine().registeredVariables).map((n) => n.replace(uniquifier, '')),
    );
    const orphans = [...this.slots]
      .filter(([saved, r]) => r.owner === null && !bases.has(saved.replace(uniquifier, '')))
      .map(([saved]) => `"${saved}"`);
    if (orphans.length > 0) {
      console.warn(
        `${this.getClassName()}: restored slots for ${orphans.join(', ')} match no variable; ` +
          'they are kept but unused (was the state saved from a different model?).',
      );
    }
  }

  override async getWeights(): Promise<NamedTensor[]> {
    this.releaseDisposed();
    for (const record of this.slots.values()) {
      if (record.owner !== null) this.absorbOutsideWrite(record, record.owner);
    }
    const slots = [...this.slots].map(([name, record]) => ({
      name: `${name}/${this.slotName}`,
      tensor: record.variable,
    }));
    return [await this.saveIterations(), ...slots];
  }

  /**
   * Another optimizer's saved state for one weight, converted into this optimizer's slot, or null
   * when it has no meaning here (see `convertForeignSlot`: `tf.train.momentum`'s velocity loads
   * into `momentum()`). `setWeights` calls it for entries that are not this optimizer's slots.
   */
  protected importForeignSlot(name: string, tensor: tf.Tensor): ForeignSlot | null {
    return convertForeignSlot(this, this.slotName, name, tensor);
  }

  /** A slot variable holding `tensor`, or the converted foreign slot (whose tensor it frees). */
  private restoredSlot(tensor: tf.Tensor, foreign: ForeignSlot | null): tf.Variable {
    const slot = tf.variable(foreign?.slot ?? tensor, false);
    foreign?.slot.dispose();
    return slot;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const suffix = `/${this.slotName}`;
    this.disposeSlots();
    for (const { name, tensor } of rest) {
      const foreign = name.endsWith(suffix) ? null : this.importForeignSlot(name, tensor);
      if (!name.endsWith(suffix) && foreign === null) {
        throw new Error(
          `${this.getClassName()}.setWeights: weight "${name}" is not a "${this.slotName}" slot; ` +
            "was it saved by a different optimizer? (Of tfjs's own optimizers, tf.train.sgd " +
            'and tf.train.momentum checkpoints load: the latter into momentum().)',
        );
      }
      const key = foreign?.weight ?? name.slice(0, -suffix.length);
      this.slots.set(key, {
        variable: this.restoredSlot(tensor, foreign),
        owner: null,
        written: null,
      });
    }
    this.restoreChecked = false;
  }

  /** The slot kept for a weight, by the weight's name (undefined before its first step). */
  getSlot(name: string): tf.Variable | undefined {
    this.releaseDisposed();
    return this.slots.get(name)?.variable;
  }

  /** Frees the slots of variables that were disposed. */
  private releaseDisposed(): void {
    for (const [name, record] of this.slots) {
      if (record.owner?.isDisposed) this.release(name);
    }
  }

  private release(name: string): void {
    const record = this.slots.get(name);
    if (record === undefined) return;
    record.variable.dispose();
    record.written?.dispose();
    this.slots.delete(name);
  }

  private disposeSlots(): void {
    for (const name of [...this.slots.keys()]) this.release(name);
  }

  /** Frees every slot and the iteration counter. */
  override dispose(): void {
    this.disposeSlots();
    super.dispose();
  }
}
