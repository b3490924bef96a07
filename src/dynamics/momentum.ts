import { checkKeys, inRange, optionalBoolean, positive } from '../validate.js';
import type { LinearDynamics } from './linear-dynamics.js';

/** Constants of heavy-ball or Nesterov momentum. */
export interface MomentumOptions {
  /** Step size η > 0. */
  learningRate: number;
  /** Momentum β in [0, 1). */
  momentum: number;
  /** Nesterov's look-ahead, as `tf.train.momentum(η, β, true)`. Default false. */
  nesterov?: boolean;
  /**
   * Convention for the velocity v. `false` (default) is the tfjs convention (also PyTorch's):
   * v ← βv + g, w ← w − ηv. `true` is the EMA convention: v ← βv + (1−β)g.
   */
  ema?: boolean;
}

/** The option names of `MomentumOptions`. */
export const MOMENTUM_KEYS = ['learningRate', 'momentum', 'nesterov', 'ema'] as const;

/**
 * Validates momentum options (unknown keys and non-boolean flags throw, labelled `where`);
 * returns η, β and the gradient's weight in the velocity. `extraKeys` are the caller's own options.
 */
export function momentumConstants(
  where: string,
  options: MomentumOptions,
  extraKeys: readonly string[] = [],
): { eta: number; beta: number; gain: number; nesterov: boolean } {
  checkKeys(where, options, [...MOMENTUM_KEYS, ...extraKeys]);
  const eta = positive(where, 'learningRate', options.learningRate);
  const beta = inRange(where, 'momentum', options.momentum, 0, 1, true);
  const nesterov = optionalBoolean(where, 'nesterov', options.nesterov) ?? false;
  const ema = optionalBoolean(where, 'ema', options.ema) ?? false;
  return { eta, beta, gain: ema ? 1 - beta : 1, nesterov };
}

/** `momentumDynamics` with errors labelled `where` (the function the user called). */
export function momentumSystem(
  where: string,
  options: MomentumOptions,
  extraKeys: readonly string[] = [],
): LinearDynamics {
  const { eta, beta, gain, nesterov } = momentumConstants(where, options, extraKeys);
  const look = nesterov ? beta : 1;
  return {
    transition: [
      [1, -eta * beta * look],
      [0, beta],
    ],
    input: [-eta * gain * (nesterov ? 1 + beta : 1), gain],
    readout: [1, 0],
  };
}

/**
 * Momentum as a linear system on the pair (w, v). With the gradient's weight a = 1 (the tfjs
 * convention) or a = 1−β (the EMA convention):
 *
 * $$ v \leftarrow \beta v + a\, g, \qquad w \leftarrow w - \eta\, v $$
 *
 * so T = [[1, −ηβ], [0, β]], b = [−ηa, a], c = [1, 0]. Nesterov uses the look-ahead
 * w ← w − η(a g + βv_new), giving T = [[1, −ηβ²], [0, β]], b = [−ηa(1+β), a].
 * `diagonalize` turns it into a slow part (γ = 1) and a fast part (γ = β) with a negative
 * learning rate: momentum is a negative fast weight.
 * @example
 * momentumDynamics({learningRate: 0.1, momentum: 0.9})
 */
export function momentumDynamics(options: MomentumOptions): LinearDynamics {
  return momentumSystem('momentumDynamics', options);
}
