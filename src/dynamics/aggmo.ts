import { checkKeys, fail, finiteVector, positive } from '../validate.js';
import type { LinearDynamics } from './linear-dynamics.js';

/** Constants of aggregated momentum (AggMo). */
export interface AggmoOptions {
  /** Step size η > 0, shared by every velocity. */
  learningRate: number;
  /** β_1 … β_K, each in [0, 1) and all different. Default [0, 0.9, 0.99], as in the original. */
  betas?: readonly number[];
}

/** Validates AggMo's options; returns η and the damping coefficients. */
export function aggmoConstants(
  where: string,
  options: AggmoOptions,
  extraKeys: readonly string[] = [],
): { eta: number; betas: number[] } {
  checkKeys(where, options, ['learningRate', 'betas', ...extraKeys]);
  const eta = positive(where, 'learningRate', options?.learningRate);
  const betas =
    options.betas === undefined ? [0, 0.9, 0.99] : finiteVector(where, 'betas', options.betas);
  betas.forEach((beta, i) => {
    if (!(beta >= 0 && beta < 1)) fail(where, `betas[${i}]`, beta, 'each must lie in [0, 1)');
    if (betas.indexOf(beta) !== i) {
      fail(
        where,
        `betas[${i}]`,
        beta,
        'the betas must all be different (a repeated β is the same velocity twice)',
      );
    }
  });
  return { eta, betas };
}

/**
 * Aggregated momentum (Lucas, Sun, Zemel & Grosse, ICLR 2019): K velocities with different damping
 * β_k, averaged. As in the original PyTorch code (AtheMathmo/AggMo, `src/aggmo.py`):
 *
 * $$ v_k \leftarrow \beta_k v_k + g, \qquad w \leftarrow w - \frac{\eta}{K}\sum_{k=1}^{K} v_k $$
 *
 * State s = (w, v_1 … v_K): T = [[1, −(η/K)β_1 … −(η/K)β_K], [0, diag(β)]], b = (−η, 1 … 1),
 * c = e_1. `diagonalize` turns it into one slow subweight (γ = 1, α = (η/K)Σ 1/(1−β_k)) and one
 * negative fast subweight per β_k > 0 (γ = β_k, α = −(η/K)β_k/(1−β_k)): AggMo is a multiscale
 * optimizer whose fast parts all have negative learning rates. A β = 0 velocity is plain SGD and
 * adds no subweight.
 * @example
 * aggmoDynamics({learningRate: 0.1, betas: [0, 0.9]}).input // [-0.1, 1, 1]
 */
export function aggmoDynamics(options: AggmoOptions): LinearDynamics {
  return aggmoSystem('aggmoDynamics', options);
}

/** `aggmoDynamics` with errors labelled `where`, allowing `extraKeys` (e.g. a factory's `form`). */
export function aggmoSystem(
  where: string,
  options: AggmoOptions,
  extraKeys: readonly string[] = [],
): LinearDynamics {
  const { eta, betas } = aggmoConstants(where, options, extraKeys);
  const k = betas.length;
  const transition = [
    [1, ...betas.map((beta) => (-eta / k) * beta)],
    ...betas.map((beta, i) => [0, ...betas.map((_, j) => (i === j ? beta : 0))]),
  ];
  return {
    transition,
    input: [-eta, ...betas.map(() => 1)],
    readout: [1, ...betas.map(() => 0)],
  };
}
