import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  forgettingCurves,
  nnls,
  powerLawMultiscale,
  Random,
  subSeed,
} from '../src/experiments/index.js';
import { impulseResponse, multiscaleDynamics } from '../src/index.js';

/** Σ α_i γ_i^t in float64, written out here as the independent reference. */
function trace(alpha: number[], gamma: number[], t: number): number {
  return alpha.reduce((acc, a, i) => acc + a * (gamma[i] as number) ** t, 0);
}

describe('powerLawMultiscale', () => {
  for (const exponent of [0.5, 1.0]) {
    it(`forgets as t^-${exponent} (local log–log slope within ±0.05 over [1, 10⁴])`, () => {
      const fastest = 1;
      const slowest = 1e4;
      const { alpha, gamma } = powerLawMultiscale({ exponent, count: 12, fastest, slowest });
      expect(alpha.every((a) => a >= 0)).toBe(true);
      const h = impulseResponse(multiscaleDynamics({ alpha, gamma }), slowest + 1);
      let checked = 0;
      for (let t = fastest; t * 1.25 <= slowest; t *= 1.25) {
        const t0 = Math.round(t);
        const t1 = Math.round(t * 1.25) === t0 ? t0 + 1 : Math.round(t * 1.25);
        const reference =
          Math.log(trace(alpha, gamma, t1) / trace(alpha, gamma, t0)) / Math.log(t1 / t0);
        expect(Math.abs(reference + exponent)).toBeLessThan(0.05);
        // The library's impulse response (index t = t steps after the gradient) agrees.
        const library = Math.log((h[t1] as number) / (h[t0] as number)) / Math.log(t1 / t0);
        expect(library).toBeCloseTo(reference, 9);
        checked++;
      }
      expect(checked).toBeGreaterThan(35);
    });
  }

  it('is not a power law outside the fitted range and fails loudly on bad input', () => {
    const { alpha, gamma } = powerLawMultiscale({
      exponent: 0.5,
      count: 8,
      fastest: 1,
      slowest: 100,
    });
    // Far beyond 2·slowest every mode has decayed: the curve falls much faster than t^-1/2.
    const late = Math.log(trace(alpha, gamma, 4000) / trace(alpha, gamma, 2000)) / Math.log(2);
    expect(late).toBeLessThan(-2);
    expect(() => powerLawMultiscale({ exponent: -1, count: 8, fastest: 1, slowest: 100 })).toThrow(
      /exponent/,
    );
    expect(() => powerLawMultiscale({ exponent: 1, count: 1, fastest: 1, slowest: 100 })).toThrow(
      /count/,
    );
    expect(() => powerLawMultiscale({ exponent: 1, count: 4, fastest: 10, slowest: 5 })).toThrow(
      /slowest/,
    );
    expect(() => powerLawMultiscale({ exponent: 1, count: 4, fastest: 0.5, slowest: 5 })).toThrow(
      /fastest/,
    );
  });
});

describe('nnls', () => {
  it('matches brute force over every active set on a random problem', () => {
    const rng = new Random(7);
    const A = new Matrix(
      Array.from({ length: 12 }, () => Array.from({ length: 4 }, () => rng.normal())),
    );
    const b = Array.from({ length: 12 }, () => rng.normal());
    const x = nnls(A, b);
    expect(x.every((v) => v >= 0)).toBe(true);
    const residual = (v: number[]) =>
      b.reduce(
        (acc, bi, i) =>
          acc + (A.getRow(i).reduce((s, a, j) => s + a * (v[j] as number), 0) - bi) ** 2,
        0,
      );
    // Reference: unconstrained least squares on each subset, kept when feasible; take the best.
    let best = Number.POSITIVE_INFINITY;
    for (let mask = 0; mask < 16; mask++) {
      const cols = [0, 1, 2, 3].filter((j) => mask & (1 << j));
      const v = [0, 0, 0, 0];
      if (cols.length > 0) {
        const sub = A.subMatrixColumn(cols);
        const normal = sub.transpose().mmul(sub);
        const rhs = sub.transpose().mmul(Matrix.columnVector(b));
        const solved = gaussSolve(normal, rhs);
        cols.forEach((c, i) => {
          v[c] = solved[i] as number;
        });
        if (v.some((q) => q < 0)) continue;
      }
      best = Math.min(best, residual(v));
    }
    expect(residual(x)).toBeCloseTo(best, 8);
  });
});

/** Gaussian elimination with partial pivoting, float64, for the small normal equations. */
function gaussSolve(M: Matrix, rhs: Matrix): number[] {
  const n = M.rows;
  const a = M.to2DArray().map((row, i) => [...row, rhs.get(i, 0)]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++)
      if (Math.abs((a[r] as number[])[c] as number) > Math.abs((a[p] as number[])[c] as number))
        p = r;
    [a[c], a[p]] = [a[p] as number[], a[c] as number[]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = ((a[r] as number[])[c] as number) / ((a[c] as number[])[c] as number);
      for (let k = c; k <= n; k++)
        (a[r] as number[])[k] =
          ((a[r] as number[])[k] as number) - f * ((a[c] as number[])[k] as number);
    }
  }
  return a.map((row, i) => (row[n] as number) / (row[i] as number));
}

describe('forgettingCurves', () => {
  it('Benna–Fusi forgets as t^-1/2 and its power-law range grows about 4x per variable', () => {
    const { summary, rows } = forgettingCurves({ horizon: 1e5, maxVariables: 8 });
    const bf = (m: number) => summary.find((s) => s.series === `Benna–Fusi m=${m}`);
    for (const m of [5, 6, 7, 8]) expect(bf(m)?.slope10to1000).toBeCloseTo(-0.5, 1);
    for (const m of [3, 4, 5]) {
      const ratio = (bf(m + 1)?.powerLawEnd as number) / (bf(m)?.powerLawEnd as number);
      expect(ratio).toBeGreaterThan(3);
      expect(ratio).toBeLessThan(6);
    }
    // SGD with weight decay γ: the trace is exactly γ^(t−1).
    const sgd = rows.filter((r) => r.series.startsWith('SGD'));
    for (const r of sgd) expect(r.trace).toBeCloseTo(0.99 ** (r.t - 1), 10);
  });
});

describe('Random', () => {
  it('is deterministic per seed, and its normals and signs have the right moments', () => {
    const a = new Random(123);
    const b = new Random(123);
    const c = new Random(124);
    const xa = Array.from({ length: 5 }, () => a.normal());
    expect(Array.from({ length: 5 }, () => b.normal())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.normal())).not.toEqual(xa);
    const z = new Random(5).normals(200_000);
    const m = z.reduce((s, v) => s + v, 0) / z.length;
    const v = z.reduce((s, x) => s + (x - m) ** 2, 0) / z.length;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.01);
    const s = new Random(6).signs(100_001);
    expect(s.every((x) => x === 1 || x === -1)).toBe(true);
    expect(Math.abs(s.reduce((acc, x) => acc + x, 0) / s.length)).toBeLessThan(0.01);
    expect(subSeed(1, 2)).toBe(subSeed(1, 2));
    expect(subSeed(1, 2)).not.toBe(subSeed(2, 1));
  });
});
