import { beforeAll, describe, expect, it } from 'vitest';
import { bennaFusiDynamics } from '../src/dynamics/benna-fusi.js';
import { multiscaleDynamics } from '../src/dynamics/multiscale.js';
import {
  beakersFor,
  closedFormSnr,
  lifetimeScaling,
  simulateSnr,
  slowestTimescale,
  snrSummary,
  tunedRetention,
} from '../src/experiments/lifetime.js';
import { logLogSlope } from '../src/experiments/stats.js';
import { multiscale } from '../src/optimizers/factories.js';
import { useBackend } from './helpers/backends.js';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('snrSummary (diagonal closed form)', () => {
  it('agrees with closedFormSnr (which iterates T and sums h² step by step)', () => {
    const models = [
      bennaFusiDynamics({ learningRate: 1, beakers: 6 }),
      multiscaleDynamics({ alpha: [1], gamma: [0.98] }),
      multiscaleDynamics({ alpha: [0.3, 0.2], gamma: [0.999, 0.9] }),
    ];
    for (const d of models) {
      for (const N of [100, 1000, 10000]) {
        const fast = snrSummary(d, N);
        const slow = closedFormSnr(d, N);
        expect(Math.abs(fast.initialSnr / (slow.snr[0] as number) - 1)).toBeLessThan(1e-9);
        // closedFormSnr interpolates between integer ages; the bisection is continuous in age.
        expect(Math.abs(fast.lifetime / slow.lifetime - 1)).toBeLessThan(0.01);
      }
    }
  });
});

describe('exponential synapse with γ tuned to N', () => {
  it('maximizes the lifetime: γ a little larger or smaller lives shorter', () => {
    for (const N of [50, 1000, 1e5]) {
      const g = tunedRetention(N);
      const life = (x: number) => snrSummary(multiscaleDynamics({ alpha: [1], gamma: [x] }), N);
      const best = life(g).lifetime;
      for (const f of [0.97, 0.995, 1.005, 1.03]) {
        expect(life(1 - (1 - g) * f).lifetime).toBeLessThan(best);
      }
    }
  });

  it('has lifetime → N/e and initial SNR → √e ≈ 1.65, with 1 − γ → e/(2N) (large N)', () => {
    const N = 1e6;
    const g = tunedRetention(N);
    expect(Math.abs((1 - g) / (Math.E / (2 * N)) - 1)).toBeLessThan(1e-3);
    const s = snrSummary(multiscaleDynamics({ alpha: [1], gamma: [g] }), N);
    expect(Math.abs(s.lifetime / (N / Math.E) - 1)).toBeLessThan(1e-3);
    expect(Math.abs(s.initialSnr - Math.sqrt(Math.E))).toBeLessThan(1e-3);
  });

  it('is what the tfjs simulation measures (lifetime within 10% at N = 300)', async () => {
    const N = 300;
    const g = tunedRetention(N);
    const model = {
      name: 'tuned',
      dynamics: multiscaleDynamics({ alpha: [1], gamma: [g] }),
      optimizer: () => multiscale({ alpha: [1], gamma: [g] }),
    };
    const closed = snrSummary(model.dynamics, N);
    const sim = await simulateSnr(model, {
      N,
      seed: 7,
      maxAge: Math.ceil(1.5 * closed.lifetime) + 4,
      samples: 3000,
    });
    expect(Math.abs(sim.lifetime / closed.lifetime - 1)).toBeLessThan(0.1);
    expect(Math.abs((sim.snr[0] as number) / closed.initialSnr - 1)).toBeLessThan(0.1);
  });

  it('names the function and value when N is too small', () => {
    expect(() => tunedRetention(2)).toThrow(/tunedRetention.*N.*2/);
  });
});

describe('lifetimeScaling: lifetime and initial SNR against N', () => {
  const sizes = [100, 1000, 1e4, 1e5, 1e6];
  const rows = lifetimeScaling({ sizes });
  const of = (model: string, key: 'lifetime' | 'initialSnr') =>
    rows.filter((r) => r.model === model).map((r) => r[key]);

  it('gives Benna–Fusi a chain whose slowest timescale just reaches N', () => {
    for (const N of sizes) {
      const m = beakersFor(N);
      expect(
        slowestTimescale(bennaFusiDynamics({ learningRate: 1, beakers: m })),
      ).toBeGreaterThanOrEqual(N);
      if (m > 1) {
        expect(
          slowestTimescale(bennaFusiDynamics({ learningRate: 1, beakers: m - 1 })),
        ).toBeLessThan(N);
      }
    }
  });

  it('Benna–Fusi: lifetime ∝ N and initial SNR ∝ √N, each up to a logarithm', () => {
    const life = logLogSlope(sizes, of('Benna–Fusi', 'lifetime'));
    const snr = logLogSlope(sizes, of('Benna–Fusi', 'initialSnr'));
    expect(life).toBeGreaterThan(0.8);
    expect(life).toBeLessThan(1);
    expect(snr).toBeGreaterThan(0.4);
    expect(snr).toBeLessThan(0.5);
  });

  it('exponential, fixed γ: initial SNR exactly √(N(1−γ²)), lifetime only logarithmic', () => {
    of('exponential, fixed γ', 'initialSnr').forEach((s, j) => {
      expect(s).toBeCloseTo(Math.sqrt((sizes[j] as number) * (1 - 0.98 ** 2)), 9);
    });
    expect(logLogSlope(sizes, of('exponential, fixed γ', 'lifetime'))).toBeLessThan(0.4);
  });

  it('exponential, tuned γ: lifetime ∝ N, initial SNR flat near 1.65', () => {
    expect(Math.abs(logLogSlope(sizes, of('exponential, tuned γ', 'lifetime')) - 1)).toBeLessThan(
      0.02,
    );
    for (const s of of('exponential, tuned γ', 'initialSnr')) {
      expect(s).toBeGreaterThan(1.6);
      expect(s).toBeLessThan(1.66);
    }
  });
});
