import { fail, finiteVector, integerAtLeast, positive } from '../validate.js';
import type { LinearDynamics } from './linear-dynamics.js';

/** Constants of a Benna–Fusi synapse. */
export interface BennaFusiOptions {
  /** α > 0: the gradient enters u_1 as −(α/C_1)·g. */
  learningRate: number;
  /** m ≥ 1, the number of beakers u_1 … u_m (coupled state variables). */
  beakers: number;
  /** C_1 … C_m > 0, the beakers' widths. Default C_k = 2^(k−1). */
  capacities?: readonly number[];
  /**
   * g_1 … g_m > 0: g_k couples u_k to u_{k+1}, and g_m leaks u_m to 0.
   * Default g_k = 2^(−k−2).
   */
  couplings?: readonly number[];
}

/** Benna & Fusi's constants for m variables, with user overrides checked. */
export function bennaFusiConstants(
  where: string,
  options: BennaFusiOptions,
): { alpha: number; capacities: number[]; couplings: number[] } {
  const alpha = positive(where, 'learningRate', options?.learningRate);
  const m = integerAtLeast(where, 'beakers', options.beakers, 1);
  const capacities =
    options.capacities === undefined
      ? Array.from({ length: m }, (_, k) => 2 ** k)
      : finiteVector(where, 'capacities', options.capacities, m);
  const couplings =
    options.couplings === undefined
      ? Array.from({ length: m }, (_, k) => 2 ** (-k - 3))
      : finiteVector(where, 'couplings', options.couplings, m);
  capacities.forEach((c, k) => {
    positive(where, `capacities[${k}]`, c);
  });
  couplings.forEach((g, k) => {
    positive(where, `couplings[${k}]`, g);
  });
  // One explicit Euler step per time step is stable when no beaker drains more than it holds.
  capacities.forEach((c, k) => {
    const outflow = ((k > 0 ? (couplings[k - 1] as number) : 0) + (couplings[k] as number)) / c;
    if (outflow > 1) {
      fail(
        where,
        `(couplings[${k - 1}] + couplings[${k}]) / capacities[${k}]`,
        outflow,
        'each must be ≤ 1 for the per-step update to be stable',
      );
    }
  });
  return { alpha, capacities, couplings };
}

/**
 * The Benna–Fusi synapse (Nature Neuroscience 2016): a chain of beakers u_1 ↔ u_2 ↔ … ↔ u_m with
 * widths C_k and tubes g_k; the weight is the first, w = u_1, and the last leaks to zero.
 *
 * $$ C_k\,\Delta u_k = g_{k-1}(u_{k-1} - u_k) + g_k(u_{k+1} - u_k), \qquad u_{m+1} = 0 $$
 *
 * plus −α·g entering u_1. T = I − C⁻¹L with L the chain's weighted Laplacian; its eigenvalues are
 * the decays γ_i of the equivalent multiscale optimizer (see `diagonalize`). With the defaults the
 * forgetting curve falls as t^(−1/2) over a range that grows as 4^m.
 * @example
 * bennaFusiDynamics({learningRate: 1, beakers: 4})
 */
export function bennaFusiDynamics(options: BennaFusiOptions): LinearDynamics {
  const { alpha, capacities: C, couplings: g } = bennaFusiConstants('bennaFusiDynamics', options);
  const m = C.length;
  const transition = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let k = 0; k < m; k++) {
    const row = transition[k] as number[];
    const left = k > 0 ? (g[k - 1] as number) : 0;
    const right = g[k] as number;
    const c = C[k] as number;
    row[k] = 1 - (left + right) / c;
    if (k > 0) row[k - 1] = left / c;
    if (k + 1 < m) row[k + 1] = right / c;
  }
  const input = new Array<number>(m).fill(0);
  input[0] = -alpha / (C[0] as number);
  const readout = new Array<number>(m).fill(0);
  readout[0] = 1;
  return { transition, input, readout };
}
