import { inRange, positive } from '../validate.js';
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
   * Convention for the velocity. `false` (default) is TensorFlow.js/PyTorch: m ← βm + g,
   * w ← w − ηm. `true` is the exponential moving average of the seed: m ← βm + (1−β)g.
   */
  ema?: boolean;
}

/** Validates momentum options; returns η, β and the gradient's weight in the velocity. */
export function momentumConstants(
  where: string,
  options: MomentumOptions,
): { eta: number; beta: number; gain: number; nesterov: boolean } {
  const eta = positive(where, 'learningRate', options?.learningRate);
  const beta = inRange(where, 'momentum', options?.momentum, 0, 1, true);
  return { eta, beta, gain: options.ema ? 1 - beta : 1, nesterov: options.nesterov === true };
}

/**
 * Momentum as a linear system on the pair (w, m). With gain κ = 1 (tfjs) or 1−β (EMA):
 *
 * $$ m \leftarrow \beta m + \kappa g, \qquad w \leftarrow w - \eta\, m $$
 *
 * so T = [[1, −ηβ], [0, β]], b = [−ηκ, κ], c = [1, 0]. Nesterov uses the look-ahead
 * w ← w − η(κg + βm_new), giving T = [[1, −ηβ²], [0, β]], b = [−ηκ(1+β), κ].
 * `diagonalize` turns it into a slow part (γ = 1) and a fast part (γ = β) with a negative
 * learning rate: momentum is a negative fast weight.
 * @example
 * momentumDynamics({learningRate: 0.1, momentum: 0.9})
 */
export function momentumDynamics(options: MomentumOptions): LinearDynamics {
  const { eta, beta, gain, nesterov } = momentumConstants('momentumDynamics', options);
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
