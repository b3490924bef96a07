import { integerAtLeast } from '../validate.js';
import { checkDynamics, type LinearDynamics, readWeight, stepState } from './linear-dynamics.js';

/**
 * The forgetting curve of a linear optimizer: how w responds to a single unit gradient at t = 0,
 * computed in float64 by iterating the coupled dynamics (it needs no diagonalization).
 *
 * $$ h(t) = c^\top T^{t}\, b, \qquad t = 0, 1, \dots, \text{steps} - 1 $$
 *
 * `h[0]` is the change of w right after the step. For positive learning rates h is negative (the
 * weight moves against the gradient); plot `-h` as a memory trace.
 *
 * @example
 * impulseResponse(multiscaleDynamics({alpha: [1], gamma: [0.9]}), 3) // [-1, -0.9, -0.81]
 */
export function impulseResponse(d: LinearDynamics, steps: number): Float64Array {
  checkDynamics(d, 'impulseResponse');
  integerAtLeast('impulseResponse', 'steps', steps, 1);
  const h = new Float64Array(steps);
  let s = Float64Array.from(d.input);
  let next = new Float64Array(s.length);
  for (let t = 0; t < steps; t++) {
    h[t] = readWeight(d, s);
    stepState(d, s, 0, next);
    [s, next] = [next, s];
  }
  return h;
}
