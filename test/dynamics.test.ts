import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  BASIS_CONDITION_LIMIT,
  bennaFusiDynamics,
  diagonalize,
  fastWeightDynamics,
  impulseResponse,
  type LinearDynamics,
  linearDynamicsOptimizer,
  momentumDynamics,
  multiscale,
  multiscaleDynamics,
  simulate,
} from '../src/index.js';
import { BACKENDS, maxAbs, maxAbsDiff, normals, useBackend } from './helpers/backends.js';
import { beakerTrace } from './helpers/beakers.js';
import { expectClose } from './helpers/expect-close.js';

/** Runs the multiscale system that `diagonalize` returns, in float64, written out independently. */
function runDiagonal(dz: ReturnType<typeof diagonalize>, gradients: Float64Array, w0: number) {
  const omega = dz.initialShare.map((q) => q * w0);
  const w = new Float64Array(gradients.length);
  gradients.forEach((g, t) => {
    for (let i = 0; i < omega.length; i++) {
      omega[i] = (dz.gamma[i] as number) * (omega[i] as number) - (dz.alpha[i] as number) * g;
    }
    w[t] = omega.reduce((a, b) => a + b, 0);
  });
  return w;
}

describe('momentum is a negative fast weight', () => {
  for (const [eta, beta] of [
    [0.1, 0.9],
    [0.01, 0.5],
    [0.3, 0.99],
  ] as const) {
    it(`EMA form, η=${eta}, β=${beta}: γ = (1, β), α = (η, −ηβ)`, () => {
      const d = diagonalize(momentumDynamics({ learningRate: eta, momentum: beta, ema: true }));
      expect(d.gamma).toHaveLength(2);
      expect(Math.abs((d.gamma[0] as number) - 1)).toBeLessThan(1e-12);
      expect(Math.abs((d.gamma[1] as number) - beta)).toBeLessThan(1e-12);
      expect(Math.abs((d.alpha[0] as number) - eta)).toBeLessThan(1e-12);
      expect(Math.abs((d.alpha[1] as number) + eta * beta)).toBeLessThan(1e-12);
    });
    it(`tfjs form, η=${eta}, β=${beta}: α is divided by (1 − β)`, () => {
      const d = diagonalize(momentumDynamics({ learningRate: eta, momentum: beta }));
      expect(Math.abs((d.alpha[0] as number) - eta / (1 - beta))).toBeLessThan(1e-12 / (1 - beta));
      expect(Math.abs((d.alpha[1] as number) + (eta * beta) / (1 - beta))).toBeLessThan(
        1e-12 / (1 - beta),
      );
    });
  }
});

describe('diagonalize reproduces w for every gradient sequence (float64)', () => {
  const cases: Array<[string, LinearDynamics]> = [
    ['momentum', momentumDynamics({ learningRate: 0.05, momentum: 0.9 })],
    ['nesterov', momentumDynamics({ learningRate: 0.05, momentum: 0.8, nesterov: true })],
    ['ema momentum', momentumDynamics({ learningRate: 0.05, momentum: 0.7, ema: true })],
    [
      'fast weights',
      fastWeightDynamics({ slowLearningRate: 0.01, fastLearningRate: 0.2, fastRetention: 0.8 }),
    ],
    ['Benna–Fusi m=6', bennaFusiDynamics({ learningRate: 0.5, beakers: 6 })],
    [
      'a general non-symmetric system',
      {
        transition: [
          [0.9, 0.05, 0],
          [0.02, 0.7, 0.1],
          [0.01, 0, 0.5],
        ],
        input: [-0.1, 0.3, -0.2],
        readout: [1, 0.5, -0.25],
      },
    ],
  ];
  for (const [name, d] of cases) {
    it(name, () => {
      const g = normals(7, 3000);
      const coupled = simulate(d, g, 0.7).w;
      const diagonal = runDiagonal(diagonalize(d), g, 0.7);
      expect(maxAbsDiff(coupled, diagonal)).toBeLessThan(1e-9 * Math.max(1, maxAbs(coupled)));
    });
  }

  it('basis columns are eigenvectors of T with readout 1', () => {
    const d = bennaFusiDynamics({ learningRate: 1, beakers: 5 });
    const { basis, gamma } = diagonalize(d);
    gamma.forEach((lambda, i) => {
      const v = basis.map((row) => row[i] as number);
      const Tv = d.transition.map((row) => row.reduce((a, x, j) => a + x * (v[j] as number), 0));
      expect(
        maxAbsDiff(
          Tv,
          v.map((x) => lambda * x),
        ),
      ).toBeLessThan(1e-12);
      expect(Math.abs((v[0] as number) - 1)).toBeLessThan(1e-12);
    });
    for (let i = 1; i < gamma.length; i++) {
      expect(Math.abs(gamma[i] as number)).toBeLessThanOrEqual(Math.abs(gamma[i - 1] as number));
    }
  });
});

describe('Benna–Fusi', () => {
  it('the dynamics equal the beaker equations written out in the test helpers', () => {
    const m = 5;
    const alpha = 0.7;
    const grads = normals(3, 500);
    const reference = beakerTrace(m, alpha, [0], grads, grads.length);
    const w = simulate(bennaFusiDynamics({ learningRate: alpha, beakers: m }), grads).w;
    expect(maxAbsDiff(w, reference)).toBeLessThan(1e-12);
  });

  it('m = 12 forgets as t^(−1/2) between t = 10 and 10⁴', () => {
    const h = impulseResponse(bennaFusiDynamics({ learningRate: 1, beakers: 12 }), 10_001);
    const slope = Math.log((h[10_000] as number) / (h[10] as number)) / Math.log(1000);
    expect(slope).toBeGreaterThanOrEqual(-0.55);
    expect(slope).toBeLessThanOrEqual(-0.45);
  });
});

describe('impulseResponse', () => {
  it('is −α γ^t for a single exponential synapse (closed form)', () => {
    const h = impulseResponse(multiscaleDynamics({ alpha: [0.3], gamma: [0.9] }), 50);
    h.forEach((x, t) => {
      expect(Math.abs(x + 0.3 * 0.9 ** t)).toBeLessThan(1e-15);
    });
  });
  it('is −Σ α_i γ_i^t for the diagonalized system', () => {
    const d = momentumDynamics({ learningRate: 0.1, momentum: 0.8, nesterov: true });
    const { alpha, gamma } = diagonalize(d);
    const h = impulseResponse(d, 40);
    h.forEach((x, t) => {
      const closed = -alpha.reduce((acc, a, i) => acc + a * (gamma[i] as number) ** t, 0);
      expect(Math.abs(x - closed)).toBeLessThan(1e-12);
    });
  });
});

describe('bad input names the parameter, the value and what is allowed', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    [
      'mismatched lengths',
      () => multiscaleDynamics({ alpha: [1, 2], gamma: [1] }),
      /alpha\.length = 2.*equal 1/,
    ],
    [
      'empty list',
      () => multiscaleDynamics({ alpha: [], gamma: [] }),
      /gamma = \[\].*at least one/,
    ],
    [
      'NaN',
      () => multiscaleDynamics({ alpha: [Number.NaN], gamma: [1] }),
      /alpha\[0\] = NaN.*finite/,
    ],
    [
      'infinite',
      () => multiscaleDynamics({ alpha: [1], gamma: [Number.POSITIVE_INFINITY] }),
      /gamma\[0\] = Infinity.*finite/,
    ],
    [
      '|γ| > 1',
      () => multiscaleDynamics({ alpha: [1, 1], gamma: [1, 1.5] }),
      /gamma\[1\] = 1\.5.*\|gamma\| ≤ 1/,
    ],
    [
      'momentum = 1',
      () => momentumDynamics({ learningRate: 0.1, momentum: 1 }),
      /momentum = 1.*\[0, 1\)/,
    ],
    [
      'momentum < 0',
      () => momentumDynamics({ learningRate: 0.1, momentum: -0.1 }),
      /momentum = -0\.1.*\[0, 1\)/,
    ],
    [
      'beakers = 0',
      () => bennaFusiDynamics({ learningRate: 1, beakers: 0 }),
      /beakers = 0.*integer ≥ 1/,
    ],
    [
      'beakers = 2.5',
      () => bennaFusiDynamics({ learningRate: 1, beakers: 2.5 }),
      /beakers = 2\.5.*integer ≥ 1/,
    ],
    [
      'non-square transition',
      () => diagonalize({ transition: [[1, 0], [0]], input: [1, 1], readout: [1, 0] }),
      /transition\[1\]\.length = 1.*square/,
    ],
    [
      'complex eigenvalues',
      () =>
        diagonalize({
          transition: [
            [0.5, -0.5],
            [0.5, 0.5],
          ],
          input: [1, 0],
          readout: [1, 0],
        }),
      /complex eigenvalues 0\.5 ± 0\.5i/,
    ],
    [
      'defective',
      () =>
        diagonalize({
          transition: [
            [0.9, 1],
            [0, 0.9],
          ],
          input: [1, 1],
          readout: [1, 0],
        }),
      /defective or nearly so: eigenvalues 0\.9 and 0\.9 .*condition number (Infinity|\d\.\d\de\+\d+)/,
    ],
    [
      '|λ| > 1',
      () =>
        diagonalize({
          transition: [
            [1.2, 0],
            [0, 0.5],
          ],
          input: [1, 1],
          readout: [1, 1],
        }),
      /diagonalize: transition has eigenvalue 1\.2 \(\|λ\| = 1\.2 > 1\)/,
    ],
  ];
  for (const [name, call, message] of cases) {
    it(name, () => {
      expect(call).toThrowError(message);
    });
  }
});

describe('stability: every mode, both forms (|λ| < 1 or λ = 1)', () => {
  // An unstable mode that the readout cannot see: the coupled state still grows (to NaN by step
  // ~218 in float32), so both forms refuse it.
  const hidden: LinearDynamics = {
    transition: [
      [0.9, 0],
      [0, 1.5],
    ],
    input: [1, 1],
    readout: [1, 0],
  };
  const flip: LinearDynamics = {
    transition: [
      [1, 0],
      [0, -1],
    ],
    input: [-0.1, -0.1],
    readout: [1, 1],
  };
  const rotation: LinearDynamics = {
    transition: [
      [0, -1],
      [1, 0],
    ],
    input: [1, 0],
    readout: [1, 0],
  };
  it('an unstable mode the readout cannot see is refused, naming λ = 1.5', () => {
    expect(() => diagonalize(hidden)).toThrowError(
      /diagonalize: .*eigenvalue 1\.5 \(\|λ\| = 1\.5 > 1\)/,
    );
    expect(() => linearDynamicsOptimizer(hidden)).toThrowError(
      /linearDynamicsOptimizer: .*eigenvalue 1\.5 \(\|λ\| = 1\.5 > 1\)/,
    );
  });
  it('γ = −1 (an undamped oscillation) is refused by diagonalize, the coupled form and multiscale', () => {
    expect(() => diagonalize(flip)).toThrowError(/eigenvalue -1 on the unit circle/);
    expect(() => linearDynamicsOptimizer(flip)).toThrowError(/eigenvalue -1 on the unit circle/);
    expect(() => multiscale({ alpha: [0.1, 0.1], gamma: [1, -1] })).toThrowError(
      /gamma\[1\] = -1 .*\(-1, 1\]/,
    );
  });
  it('a rotation (|λ| = 1, complex) is refused by the coupled form too', () => {
    expect(() => linearDynamicsOptimizer(rotation)).toThrowError(
      /eigenvalue 0 ± 1i on the unit circle/,
    );
  });
  it('λ = 1 in a Jordan block (a double integrator) is refused; λ = 1 twice with two eigenvectors is not', () => {
    const integrator: LinearDynamics = {
      transition: [
        [1, 1],
        [0, 1],
      ],
      input: [0, -0.1],
      readout: [1, 0],
    };
    expect(() => linearDynamicsOptimizer(integrator)).toThrowError(
      /eigenvalue 1 2 times but only 1 eigenvector/,
    );
    expect(() => diagonalize(integrator)).toThrowError(/Jordan block/);
    expect(() =>
      linearDynamicsOptimizer(multiscaleDynamics({ alpha: [0.1, 0.2], gamma: [1, 1] })).dispose(),
    ).not.toThrow();
  });
  it('λ = 1 and |λ| < 1 are accepted (momentum, Benna–Fusi)', () => {
    expect(() =>
      linearDynamicsOptimizer(momentumDynamics({ learningRate: 0.1, momentum: 0.9 })).dispose(),
    ).not.toThrow();
    expect(() =>
      linearDynamicsOptimizer(bennaFusiDynamics({ learningRate: 0.1, beakers: 8 })).dispose(),
    ).not.toThrow();
  });
});

describe('near-defective transitions: decided by the eigenvector basis condition number', () => {
  // T = [[0.9, 1], [0, 0.9 − ε]]: eigenvectors (1, 0) and (1, −ε)/√(1+ε²), so with unit columns
  // κ(V) = cot(θ/2) ≈ 2/ε. The equivalent α are ≈ ±1/ε and cancel in float32.
  const nearly = (eps: number): LinearDynamics => ({
    transition: [
      [0.9, 1],
      [0, 0.9 - eps],
    ],
    input: [1, 1],
    readout: [1, 0],
  });
  for (const eps of [1e-10, 1e-8, 1e-6, 1e-4]) {
    it(`ε = ${eps}: refused, with κ ≈ 2/ε in the message`, () => {
      let message = '';
      try {
        diagonalize(nearly(eps));
      } catch (e) {
        message = String(e);
      }
      expect(message).toMatch(/defective or nearly so/);
      const kappa = Number(/condition number ([^ ]+)/.exec(message)?.[1]);
      expect(kappa / (2 / eps)).toBeGreaterThan(0.5);
      expect(kappa / (2 / eps)).toBeLessThan(2);
      expect(kappa).toBeGreaterThan(BASIS_CONDITION_LIMIT);
    });
  }
  it('the float32 step itself stays accurate near a Jordan block (κ ≈ 2·10⁶, run directly)', async () => {
    // What BASIS_CONDITION_LIMIT says: the limit is about reading subweights, not the step. The
    // α of ε = 10⁻⁶ in closed form (diagonalize refuses it): h(t) = (1 + 1/ε)a^t − b^t/ε.
    const eps = 1e-6;
    const d: LinearDynamics = {
      transition: [
        [0.9, 1],
        [0, 0.9 - eps],
      ],
      input: [-1, -1],
      readout: [1, 0],
    };
    const g = normals(3, 300).map((x) => 0.01 * x);
    const expected = simulate(d, g, 0).w;
    for (const backend of BACKENDS) {
      await useBackend(backend);
      const opt = multiscale({ alpha: [1 + 1 / eps, -1 / eps], gamma: [0.9, 0.9 - eps] });
      const w = tf.variable(tf.zeros([1]));
      const ours = new Float64Array(g.length);
      g.forEach((gt, t) => {
        const grad = tf.tensor1d([gt]);
        opt.applyGradients({ [w.name]: grad });
        grad.dispose();
        ours[t] = w.dataSync()[0] as number;
      });
      expectClose(ours, expected, 1e-5);
      tf.dispose(w);
      opt.dispose();
    }
  });
  it('ε = 10⁻²: κ ≈ 200 is accepted, and the α cancel only within κ·Σα', () => {
    const { alpha } = diagonalize(nearly(1e-2));
    const net = Math.abs(alpha.reduce((a, b) => a + b, 0));
    const gross = alpha.reduce((a, b) => a + Math.abs(b), 0);
    expect(gross / net).toBeLessThan(2 * 200);
  });
});
