import { describe, expect, it } from 'vitest';
import { momentumDynamics } from '../src/dynamics/momentum.js';
import { multiscaleDynamics } from '../src/dynamics/multiscale.js';
import {
  autocorrelation,
  closedLoopEigenvalues,
  convergenceRate,
  optimalMomentum,
  ravinePath,
} from '../src/experiments/closed-loop.js';

/** Goh (2017): roots of z² − (1 + β − ηλ)z + β = 0, the heavy ball's closed loop. */
function heavyBallRoots(eta: number, beta: number, lambda: number) {
  const b = 1 + beta - eta * lambda;
  const disc = b * b - 4 * beta;
  if (disc >= 0) {
    const r = Math.sqrt(disc);
    return [
      { re: (b + r) / 2, im: 0 },
      { re: (b - r) / 2, im: 0 },
    ];
  }
  const r = Math.sqrt(-disc);
  return [
    { re: b / 2, im: r / 2 },
    { re: b / 2, im: -r / 2 },
  ];
}

const abs = (z: { re: number; im: number }) => Math.hypot(z.re, z.im);

describe('closed-loop eigenvalues', () => {
  it("are Goh's heavy-ball roots for momentum, and |z| = √β where they are complex", () => {
    for (const eta of [0.1, 0.5, 1.5]) {
      for (const beta of [0, 0.3, 0.6, 0.9]) {
        for (const lambda of [0.01, 0.2, 1, 3]) {
          const z = closedLoopEigenvalues(
            momentumDynamics({ learningRate: eta, momentum: beta }),
            lambda,
          );
          const ref = heavyBallRoots(eta, beta, lambda);
          const sorted = (xs: { re: number; im: number }[]) =>
            [...xs].sort((a, b) => a.re - b.re || a.im - b.im);
          sorted(z).forEach((zi, i) => {
            const ri = sorted(ref)[i] as { re: number; im: number };
            expect(zi.re).toBeCloseTo(ri.re, 9);
            expect(zi.im).toBeCloseTo(ri.im, 9);
          });
          if (ref[0]?.im !== 0) {
            for (const zi of z) expect(abs(zi)).toBeCloseTo(Math.sqrt(beta), 9);
          }
        }
      }
    }
  });

  it('for a positive fast weight have the trace and determinant of T + λbcᵀ worked by hand', () => {
    // T + λbcᵀ = [[1 − α_sλ, −α_sλ], [−α_fλ, γ_f − α_fλ]]: trace and determinant by hand.
    const [as, af, gf, lambda] = [0.3, 0.2, 0.7, 1.2];
    const z = closedLoopEigenvalues(
      multiscaleDynamics({ alpha: [as, af], gamma: [1, gf] }),
      lambda,
    );
    const [z1, z2] = z as [{ re: number; im: number }, { re: number; im: number }];
    expect(z1.re + z2.re).toBeCloseTo(1 - as * lambda + gf - af * lambda, 12);
    const det = z1.re * z2.re - z1.im * z2.im;
    expect(det).toBeCloseTo(gf * (1 - as * lambda) - af * lambda, 12);
  });
});

describe('convergence rate and the optimal momentum', () => {
  it('gradient descent: ρ = max|1 − ηλ|', () => {
    expect(
      convergenceRate(momentumDynamics({ learningRate: 1.5, momentum: 0 }), [1, 0.05]),
    ).toBeCloseTo(0.925, 12);
  });

  it('one curvature: β* = (1 − √(ηλ))² (critical damping) and ρ* = 1 − √(ηλ)', () => {
    for (const [eta, lambda] of [
      [0.01, 1],
      [1, 0.05],
      [0.3, 0.5],
    ] as const) {
      const { momentum, rate } = optimalMomentum(eta, [lambda]);
      expect(momentum).toBeCloseTo((1 - Math.sqrt(eta * lambda)) ** 2, 6);
      expect(rate).toBeCloseTo(1 - Math.sqrt(eta * lambda), 4);
    }
  });

  it("a ravine at Goh's optimal step η* = (2/(√λ_1+√λ_n))²: β* = ((√λ₁−√λ₂)/(√λ₁+√λ₂))², ρ* = (√λ₁−√λ₂)/(√λ₁+√λ₂)", () => {
    const [l1, ln] = [1, 0.01];
    const eta = (2 / (Math.sqrt(l1) + Math.sqrt(ln))) ** 2;
    const k = Math.sqrt(l1 / ln);
    const { momentum, rate } = optimalMomentum(eta, [l1, ln]);
    expect(momentum).toBeCloseTo(((k - 1) / (k + 1)) ** 2, 6);
    expect(rate).toBeCloseTo((k - 1) / (k + 1), 4);
  });

  it('ρ is how fast the path converges: L(t)^(1/2t) → ρ', () => {
    const d = momentumDynamics({ learningRate: 1.5, momentum: 0.8 });
    const rho = convergenceRate(d, [1, 0.05]);
    const { loss } = ravinePath({ dynamics: d, curvatures: [1, 0.05], start: [1, 1], steps: 400 });
    const rate = ((loss[400] as number) / (loss[200] as number)) ** (1 / 400);
    expect(Math.abs(rate / rho - 1)).toBeLessThan(0.02);
  });
});

describe('ravinePath', () => {
  it('is the heavy ball in 2-D (v ← βv + Hw, w ← w − ηv), written out here in float64', () => {
    const [eta, beta, l1, l2, angle] = [0.7, 0.6, 2, 0.1, 0.4];
    const path = ravinePath({
      dynamics: momentumDynamics({ learningRate: eta, momentum: beta }),
      curvatures: [l1, l2],
      angle,
      start: [-1, 2],
      steps: 50,
    });
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    const H = [
      [l1 * c * c + l2 * s * s, (l1 - l2) * c * s],
      [(l1 - l2) * c * s, l1 * s * s + l2 * c * c],
    ] as const;
    let w = [-1, 2];
    let v = [0, 0];
    for (let t = 0; t < 50; t++) {
      const g = [
        H[0][0] * (w[0] as number) + H[0][1] * (w[1] as number),
        H[1][0] * (w[0] as number) + H[1][1] * (w[1] as number),
      ];
      expect(path.gradient[t]?.[0]).toBeCloseTo(g[0] as number, 10);
      v = v.map((x, j) => beta * x + (g[j] as number));
      w = w.map((x, j) => x - eta * (v[j] as number));
      expect(path.w[t + 1]?.[0]).toBeCloseTo(w[0] as number, 10);
      expect(path.w[t + 1]?.[1]).toBeCloseTo(w[1] as number, 10);
    }
  });

  it("momentum's subweights: a slow part and a negative fast part that add up to w", () => {
    const path = ravinePath({
      dynamics: momentumDynamics({ learningRate: 1.5, momentum: 0.6 }),
      curvatures: [1, 0.05],
      angle: 0.5,
      start: [-2, 1.5],
      steps: 30,
    });
    const steep = path.subweights[0] as number[][];
    expect(steep.length).toBe(2);
    path.w.forEach((w, t) => {
      const projected = Math.cos(0.5) * w[0] + Math.sin(0.5) * w[1];
      expect((steep[0]?.[t] as number) + (steep[1]?.[t] as number)).toBeCloseTo(projected, 9);
    });
    // After one step the slow part moved by −α_s·g and the fast part by +ηβ/(1−β)·g: opposite signs.
    const slow1 = steep[0]?.[1] as number;
    const fast1 = steep[1]?.[1] as number;
    expect(Math.sign(slow1 - (steep[0]?.[0] as number))).toBe(-Math.sign(fast1));
  });

  it('stops a diverging path and says so', () => {
    const path = ravinePath({
      dynamics: momentumDynamics({ learningRate: 2.5, momentum: 0 }),
      curvatures: [1, 0.05],
      start: [1, 1],
      steps: 500,
      escape: 100,
    });
    expect(path.diverged).toBe(true);
    expect(path.w.length).toBeLessThan(500);
  });
});

describe('gradient autocorrelation: endogenous (ravine) vs exogenous (drift)', () => {
  it('r(Δ) by hand', () => {
    expect(autocorrelation([[1], [-1], [1], [-1]], 2)).toEqual([1, -0.75, 0.5]);
  });

  it('gradient descent across a ravine (ηλ > 1) makes its gradients negatively autocorrelated', () => {
    const path = ravinePath({
      dynamics: momentumDynamics({ learningRate: 1.5, momentum: 0 }),
      curvatures: [1, 0.05],
      start: [1, 0],
      steps: 100,
    });
    expect(autocorrelation(path.gradient, 1)[1]).toBeCloseTo(-0.5, 9); // 1 − ηλ along the steep axis
  });

  it('a drifting minimum makes them positively autocorrelated, and a positive fast weight tracks it better than momentum', () => {
    const run = (alpha: number[], gamma: number[]) =>
      ravinePath({
        dynamics: multiscaleDynamics({ alpha, gamma }),
        curvatures: [0.1, 0.1],
        start: [0, 0],
        steps: 2000,
        drift: 0.05,
        seed: 5,
      });
    const [eta, beta] = [1.5, 0.6];
    const gd = run([eta], [1]);
    const mom = run([eta / (1 - beta), (-eta * beta) / (1 - beta)], [1, beta]);
    const fast = run([eta / (1 - beta), (eta * beta) / (1 - beta)], [1, beta]);
    expect(autocorrelation(gd.gradient, 1)[1]).toBeGreaterThan(0.5);
    const mean = (xs: number[]) => xs.slice(200).reduce((a, b) => a + b, 0) / (xs.length - 200);
    expect(mean(fast.loss)).toBeLessThan(mean(mom.loss));
    expect(mean(mom.loss)).toBeLessThan(mean(gd.loss));
  });
});
