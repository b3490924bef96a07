import { finite, finiteVector } from '../validate.js';
import {
  checkDynamics,
  type LinearDynamics,
  readWeight,
  restingState,
  stepState,
} from './linear-dynamics.js';

/** A float64 trajectory of one scalar weight under a `LinearDynamics`. */
export interface Trajectory {
  /** w after each step: `w[t]` is the weight after gradient `t` has been applied. */
  w: Float64Array;
  /** The full state s after each step (`states[t][i]` is coordinate i after step t). */
  states: Float64Array[];
}

/**
 * Runs the dynamics on one scalar weight for a given gradient sequence, in float64. This is the
 * reference the figures and notebooks plot, and the yardstick the float32 optimizers are tested
 * against.
 *
 * @param initial the starting weight (put at rest, see `restingState`; default 0), or an explicit
 *   initial state vector of length k.
 * @example
 * simulate(momentumDynamics({learningRate: 0.1, momentum: 0.9}), [1, 0, 0]).w
 */
export function simulate(
  d: LinearDynamics,
  gradients: ArrayLike<number>,
  initial: number | readonly number[] = 0,
): Trajectory {
  checkDynamics(d, 'simulate');
  const k = d.readout.length;
  let s =
    typeof initial === 'number'
      ? restingState(d, finite('simulate', 'initial', initial))
      : Float64Array.from(finiteVector('simulate', 'initial', initial, k));
  const n = gradients.length;
  const w = new Float64Array(n);
  const states: Float64Array[] = [];
  for (let t = 0; t < n; t++) {
    const next = new Float64Array(k);
    stepState(d, s, gradients[t] as number, next);
    s = next;
    states.push(s);
    w[t] = readWeight(d, s);
  }
  return { w, states };
}
