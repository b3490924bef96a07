// The float64 mean-field Kalman filter the fused Bayesian kernels are tested against (cpu and
// wasm in vitest: test/bayesian-fused.test.ts; webgl and webgpu in Chromium: test/browser/).
// Plain math, no tfjs and no test framework, so browser bundles can import it.

/** Where the curvature comes from (as `BayesianStepAttrs.curvature`). */
export type Curvature = 'fisher' | 'empiricalFisher' | 'given';
/** How the innovation is formed (as `BayesianStepAttrs.innovation`). */
export type Innovation = 'shared' | 'perRow' | 'perWeight';

/** One optimizer configuration and the shapes of the weights it trains. */
export interface Case {
  gamma: number[];
  p: number[];
  sigma2: number;
  curvature: Curvature;
  innovation: Innovation;
  shapes: number[][];
}

/** The float64 mean-field Kalman filter of every weight of one optimizer (all k means kept). */
export class Reference {
  readonly mu: Float64Array[][];
  readonly v: Float64Array[][];
  constructor(
    readonly c: Case,
    w0: Float32Array[],
  ) {
    const pivot = c.gamma.indexOf(Math.max(...c.gamma));
    this.mu = w0.map((w) =>
      c.gamma.map((_, i) => (i === pivot ? Float64Array.from(w) : new Float64Array(w.length))),
    );
    this.v = w0.map((w) => c.p.map((pi) => new Float64Array(w.length).fill(pi)));
  }

  /** One observation: gradients (and curvatures h, in loss units) of every weight. */
  step(grads: Float32Array[], curv: Float32Array[] | null): void {
    const { gamma, p, sigma2, innovation, curvature, shapes } = this.c;
    const k = gamma.length;
    const ghat = grads.map((g) => Array.from(g, (x) => x / sigma2));
    const hIn = curv?.map((h) => Array.from(h, (x) => x / sigma2));
    const V = this.v.map((vs) =>
      Array.from(vs[0] as Float64Array, (_, j) => vs.reduce((a, vi) => a + (vi[j] as number), 0)),
    );
    const term = (w: number, j: number) => {
      const t = curvature === 'given' ? (hIn?.[w]?.[j] as number) : (ghat[w]?.[j] as number) ** 2;
      const x = t * (V[w]?.[j] as number);
      return Number.isFinite(x) ? x : 0;
    };
    const toD = (sum: number) =>
      curvature === 'fisher' ? (1 + Math.sqrt(1 + 4 * sum)) / 2 : 1 + sum;
    let sharedSum = 0;
    grads.forEach((g, w) => {
      for (let j = 0; j < g.length; j++) sharedSum += term(w, j);
    });
    grads.forEach((g, w) => {
      const n = g.length;
      const shape = shapes[w] as number[];
      const rows = innovation === 'perRow' && shape.length > 0 ? (shape[0] as number) : n;
      const per = rows === 0 ? 0 : n / rows;
      for (let j = 0; j < n; j++) {
        let D: number;
        if (innovation === 'shared') D = toD(sharedSum);
        else {
          const start = per === 0 ? j : Math.floor(j / per) * per;
          let sum = 0;
          for (let m = start; m < start + per; m++) sum += term(w, m);
          D = toD(sum);
        }
        const gj = ghat[w]?.[j] as number;
        const h =
          curvature === 'fisher'
            ? (gj * gj) / D
            : curvature === 'given'
              ? (hIn?.[w]?.[j] as number)
              : gj * gj;
        for (let i = 0; i < k; i++) {
          const m = this.mu[w]?.[i] as Float64Array;
          const vi = this.v[w]?.[i] as Float64Array;
          const gi = gamma[i] as number;
          const vij = vi[j] as number;
          m[j] = gi * ((m[j] as number) - (vij * gj) / D);
          vi[j] = gi * gi * (vij - (vij * vij * h) / D) + (p[i] as number) * (1 - gi * gi);
        }
      }
    });
  }

  weight(w: number): number[] {
    const mu = this.mu[w] as Float64Array[];
    return Array.from(mu[0] as Float64Array, (_, j) =>
      mu.reduce((a, m) => a + (m[j] as number), 0),
    );
  }
}
