import { checkKeys, fail, integerAtLeast, positive } from '../validate.js';
import type { LinearDynamics } from './linear-dynamics.js';

/** How the deeper beakers of a complex synapse start. */
export type BeakerInit = 'same' | 'zero';

/** Constants of GMvandeVen's `ComplexSynapse` optimizer. */
export interface ComplexSynapseOptions {
  /** Step size > 0 (the original's `lr`, default 0.1). It scales the gradient *and* every flow. */
  learningRate?: number;
  /** Number of beakers n ≥ 1 (the original's `n_beakers`, default 6). */
  beakers?: number;
  /** Shortest timescale C_1/G_1 in steps of learning rate 1 (the original's `alpha`, default 1). */
  shortestTimescale?: number;
  /** Longest timescale C_n/G_n (the original's `beta`, default 1024). */
  longestTimescale?: number;
  /**
   * `'same'` (default, as the original): beakers 2…n start at the weight's value, so a weight at
   * rest stays at rest only if nothing leaks; `'zero'`: they start empty.
   */
  init?: BeakerInit;
}

/** The chain's constants, as the original computes them. */
export interface ComplexSynapseConstants {
  learningRate: number;
  /** C_ℓ = x^(ℓ−1), x = (longest/shortest)^(1/(2n−2)). */
  capacities: number[];
  /** G_ℓ = x^(1−ℓ)/shortest, the tube from beaker ℓ to ℓ+1 (G_n leaks to zero); n = 1: 1/longest. */
  couplings: number[];
  init: BeakerInit;
}

/** Validates the options and computes C_ℓ and G_ℓ exactly as `ComplexSynapse.__init__` does. */
export function complexSynapseConstants(
  where: string,
  options: ComplexSynapseOptions = {},
  extraKeys: readonly string[] = [],
): ComplexSynapseConstants {
  checkKeys(where, options, [
    'learningRate',
    'beakers',
    'shortestTimescale',
    'longestTimescale',
    'init',
    ...extraKeys,
  ]);
  const learningRate = positive(where, 'learningRate', options.learningRate ?? 0.1);
  const n = integerAtLeast(where, 'beakers', options.beakers ?? 6, 1);
  const shortest = positive(where, 'shortestTimescale', options.shortestTimescale ?? 1);
  const longest = positive(where, 'longestTimescale', options.longestTimescale ?? 1024);
  const init = options.init ?? 'same';
  if (init !== 'same' && init !== 'zero') fail(where, 'init', init, "it must be 'same' or 'zero'");
  const x = n > 1 ? (longest / shortest) ** (1 / (2 * n - 2)) : longest;
  const capacities = Array.from({ length: n }, (_, l) => x ** l);
  const couplings = Array.from({ length: n }, (_, l) =>
    n > 1 ? (1 / shortest) * x ** -l : 1 / longest,
  );
  return { learningRate, capacities, couplings, init };
}

/**
 * One step of `ComplexSynapse.step` in float64, in place: beaker 1 first, then beakers 2…n one by
 * one, each seeing the *new* level of the beaker before it (a Gauss–Seidel sweep).
 */
export function complexSynapseStep(c: ComplexSynapseConstants, u: Float64Array, g: number): void {
  const { learningRate: lr, capacities: C, couplings: G } = c;
  const n = u.length;
  const level = (l: number) => (l < n ? (u[l] as number) : 0);
  u[0] =
    (u[0] as number) +
    (lr / (C[0] as number)) * (-g + (G[0] as number) * (level(1) - (u[0] as number)));
  for (let l = 1; l < n; l++) {
    const here = u[l] as number;
    const inflow = (G[l - 1] as number) * ((u[l - 1] as number) - here);
    const backflow = (G[l] as number) * (level(l + 1) - here);
    u[l] = here + (lr / (C[l] as number)) * (inflow + backflow);
  }
}

/**
 * The complex synapse of GMvandeVen/complex-synapses (`complex_synapses.py`, `ComplexSynapse`), a
 * Benna–Fusi chain with the original's constants and its sequential update:
 *
 * $$ u_1 \mathrel{+}= \tfrac{\eta}{C_1}\big(-g + G_1(u_2 - u_1)\big), \qquad
 *    u_\ell \mathrel{+}= \tfrac{\eta}{C_\ell}\big(G_{\ell-1}(u_{\ell-1}^{\text{new}} - u_\ell)
 *    + G_\ell(u_{\ell+1} - u_\ell)\big) $$
 *
 * with u_{n+1} = 0 and w = u_1. The sweep is linear, so it is a `LinearDynamics` whose T is read
 * off column by column (lower Hessenberg-like, not tridiagonal: the new u_{ℓ−1} carries the flows
 * before it). It differs from `bennaFusi`'s simultaneous update with the same constants
 * (`capacities`: C_ℓ, `couplings`: η·G_ℓ, `learningRate`: η): with 6 beakers the relative L2 gap
 * between the two impulse responses over 2000 steps is 1.7% at η = 0.1, 4.2% at 0.25 and 9.1%
 * at 0.5 (test/published-optimizers.test.ts measures these), so reproduce a PyTorch run with
 * `complexSynapse`, not `bennaFusi`. With `init: 'same'` the state starts at w·(1, …, 1)
 * (`initialState`), with `'zero'` at rest.
 * @example
 * complexSynapseDynamics({beakers: 2, shortestTimescale: 1, longestTimescale: 4}).readout // [1, 0]
 */
export function complexSynapseDynamics(
  options: ComplexSynapseOptions = {},
): LinearDynamics & { initialState: number[] } {
  return complexSynapseSystem('complexSynapseDynamics', options);
}

/** `complexSynapseDynamics` with errors labelled `where`, allowing `extraKeys` (a factory's `form`). */
export function complexSynapseSystem(
  where: string,
  options: ComplexSynapseOptions = {},
  extraKeys: readonly string[] = [],
): LinearDynamics & { initialState: number[] } {
  const c = complexSynapseConstants(where, options, extraKeys);
  const n = c.capacities.length;
  const column = (j: number) => {
    const u = new Float64Array(n);
    u[j] = 1;
    complexSynapseStep(c, u, 0);
    return u;
  };
  const columns = Array.from({ length: n }, (_, j) => column(j));
  const input = new Float64Array(n);
  complexSynapseStep(c, input, 1);
  return {
    transition: Array.from({ length: n }, (_, i) => columns.map((col) => col[i] as number)),
    input: Array.from(input),
    readout: Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0)),
    initialState: Array.from({ length: n }, (_, i) => (i === 0 || c.init === 'same' ? 1 : 0)),
  };
}
