import { checkKeys, finite, inRange, positive } from '../validate.js';
import type { LinearDynamics } from './linear-dynamics.js';

/** Constants of quasi-hyperbolic momentum (QHM). */
export interface QhmOptions {
  /** Step size α > 0 of the original (qhoptim's `lr`). */
  learningRate: number;
  /** β in [0, 1): the damping of the (dampened) momentum buffer. */
  momentum: number;
  /** ν: how much of the step follows the buffer rather than the fresh gradient (usually in [0, 1]). */
  nu: number;
}

/** Validates QHM's options. */
export function qhmConstants(
  where: string,
  options: QhmOptions,
  extraKeys: readonly string[] = [],
): { eta: number; beta: number; nu: number } {
  checkKeys(where, options, ['learningRate', 'momentum', 'nu', ...extraKeys]);
  const eta = positive(where, 'learningRate', options?.learningRate);
  const beta = inRange(where, 'momentum', options.momentum, 0, 1, true);
  const nu = finite(where, 'nu', options.nu);
  return { eta, beta, nu };
}

/**
 * Quasi-hyperbolic momentum (Ma & Yarats, ICLR 2019), as in facebookresearch/qhoptim
 * (`qhoptim/pyt/qhm.py`): a dampened momentum buffer averaged with the fresh gradient,
 *
 * $$ v \leftarrow \beta v + (1-\beta)\,g, \qquad
 *    w \leftarrow w - \eta\,\big[(1-\nu)\,g + \nu\, v\big] $$
 *
 * State s = (w, v): T = [[1, −ηνβ], [0, β]], b = (−η(1 − νβ), 1 − β), c = e_1. Special cases
 * (qhoptim's tests): ν = 1 is tf.train.momentum(η(1−β), β); ν = β is Nesterov momentum with
 * the same η(1−β); β = 0 or ν = 0 is SGD.
 * @example
 * qhmDynamics({learningRate: 1, momentum: 0.9, nu: 0.7}).transition // [[1, -0.63], [0, 0.9]]
 */
export function qhmDynamics(options: QhmOptions): LinearDynamics {
  return qhmSystem('qhmDynamics', options);
}

/** `qhmDynamics` with errors labelled `where`, allowing `extraKeys` (e.g. a factory's `form`). */
export function qhmSystem(
  where: string,
  options: QhmOptions,
  extraKeys: readonly string[] = [],
): LinearDynamics {
  const { eta, beta, nu } = qhmConstants(where, options, extraKeys);
  return {
    transition: [
      [1, -eta * nu * beta],
      [0, beta],
    ],
    input: [-eta * (1 - nu * beta), 1 - beta],
    readout: [1, 0],
  };
}
