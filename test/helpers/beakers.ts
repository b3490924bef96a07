/**
 * Benna & Fusi's beaker equations, written out in float64 independently of the library:
 * C_k Δu_k = g_{k−1}(u_{k−1} − u_k) + g_k(u_{k+1} − u_k), u_{m+1} = 0, and −(α/C_1)·gradient into
 * u_1, with the paper's C_k = 2^(k−1), g_k = 2^(−k−2). Each of the n weights starts at rest with
 * u_1 = w0; `gradients[t·n + j]` drives weight j at step t. Returns u_1 of every weight after each
 * step, as `trace[t·n + j]`.
 */
export function beakerTrace(
  beakers: number,
  alpha: number,
  w0: ArrayLike<number>,
  gradients: ArrayLike<number>,
  steps: number,
): Float64Array {
  const m = beakers;
  const n = w0.length;
  const C = Array.from({ length: m }, (_, k) => 2 ** k);
  const g = Array.from({ length: m }, (_, k) => 2 ** (-k - 3));
  const trace = new Float64Array(steps * n);
  const u = Array.from({ length: n }, (_, j) => {
    const s = new Float64Array(m);
    s[0] = w0[j] as number;
    return s;
  });
  for (let t = 0; t < steps; t++) {
    for (let j = 0; j < n; j++) {
      const s = u[j] as Float64Array;
      const next = new Float64Array(m);
      for (let k = 0; k < m; k++) {
        const left = k > 0 ? (g[k - 1] as number) * ((s[k - 1] as number) - (s[k] as number)) : 0;
        const right =
          (g[k] as number) * ((k + 1 < m ? (s[k + 1] as number) : 0) - (s[k] as number));
        next[k] = (s[k] as number) + (left + right) / (C[k] as number);
      }
      next[0] = (next[0] as number) - (alpha / (C[0] as number)) * (gradients[t * n + j] as number);
      u[j] = next;
      trace[t * n + j] = next[0] as number;
    }
  }
  return trace;
}

/** u_1 of every weight after the last step of `beakerTrace`. */
export function beakerFinal(
  beakers: number,
  alpha: number,
  w0: ArrayLike<number>,
  gradients: ArrayLike<number>,
  steps: number,
): Float64Array {
  return beakerTrace(beakers, alpha, w0, gradients, steps).subarray((steps - 1) * w0.length);
}
