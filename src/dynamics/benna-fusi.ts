import { checkKeys, fail, finiteVector, integerAtLeast, positive } from '../validate.js';
import type { LinearDynamics } from './linear-dynamics.js';

/** Constants of a Benna–Fusi synapse. */
export interface BennaFusiOptions {
  /** α > 0: the gradient enters u_1 as −(α/C_1)·g. */
  learningRate: number;
  /**
   * m ≥ 1, the number of beakers u_1 … u_m (the coupled state variables). As a float32
   * `tf.Optimizer`, m ≤ 11 with the default constants: the slowest timescale grows about 4× per
   * beaker, and at m = 12 its retention rounds to 1 in float32 (see `FLOAT32_RETENTION_LIMIT`).
   */
  beakers: number;
  /** C_1 … C_m > 0, the beakers' widths (capacities). Default C_ℓ = 2^(ℓ−1). */
  capacities?: readonly number[];
  /**
   * G_1 … G_m > 0: G_ℓ is the tube from u_ℓ to u_{ℓ+1}, and G_m leaks u_m to 0.
   * Default G_ℓ = 2^(−ℓ−2).
   */
  couplings?: readonly number[];
}

/** The option names of `BennaFusiOptions`. */
export const BENNA_FUSI_KEYS = ['learningRate', 'beakers', 'capacities', 'couplings'] as const;

/**
 * Benna & Fusi's constants for m beakers, with user overrides checked (unknown keys throw,
 * labelled `where`; `extraKeys` are the caller's own options).
 */
export function bennaFusiConstants(
  where: string,
  options: BennaFusiOptions,
  extraKeys: readonly string[] = [],
): { alpha: number; capacities: number[]; couplings: number[] } {
  checkKeys(where, options, [...BENNA_FUSI_KEYS, ...extraKeys]);
  const alpha = positive(where, 'learningRate', options.learningRate);
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
  couplings.forEach((G, k) => {
    positive(where, `couplings[${k}]`, G);
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

/** `bennaFusiDynamics` with errors labelled `where` (the function the user called). */
export function bennaFusiSystem(
  where: string,
  options: BennaFusiOptions,
  extraKeys: readonly string[] = [],
): LinearDynamics {
  const { alpha, capacities: C, couplings: G } = bennaFusiConstants(where, options, extraKeys);
  const m = C.length;
  const transition = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let k = 0; k < m; k++) {
    const row = transition[k] as number[];
    const left = k > 0 ? (G[k - 1] as number) : 0;
    const right = G[k] as number;
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

/**
 * The Benna–Fusi synapse (Nature Neuroscience 2016): a chain of beakers u_1 ↔ u_2 ↔ … ↔ u_m with
 * capacities C_ℓ and tubes G_ℓ; the weight is the first, w = u_1, and the last leaks to zero.
 *
 * $$ C_\ell\,\Delta u_\ell = G_{\ell-1}(u_{\ell-1} - u_\ell) + G_\ell(u_{\ell+1} - u_\ell),
 *    \qquad u_{m+1} = 0 $$
 *
 * plus −α·g entering u_1. T = I − C⁻¹L with L the chain's weighted Laplacian; its eigenvalues are
 * the retentions γ_i of the equivalent multiscale optimizer (see `diagonalize`). With the defaults
 * the forgetting curve falls as t^(−1/2) over a range that grows as 4^m. This is float64 math and
 * takes any m; the float32 optimizer `bennaFusi` takes m ≤ 11.
 * @example
 * bennaFusiDynamics({learningRate: 1, beakers: 4})
 */
export function bennaFusiDynamics(options: BennaFusiOptions): LinearDynamics {
  return bennaFusiSystem('bennaFusiDynamics', options);
}
