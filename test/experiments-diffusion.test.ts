import { describe, expect, it } from 'vitest';
import { impulseResponse } from '../src/dynamics/impulse-response.js';
import {
  impulseResponseAt,
  measuredSlope,
  powerLawWindow,
  predictedExponent,
  ratioChainConstants,
  ratioChainDynamics,
  stateResponseAt,
} from '../src/experiments/diffusion.js';

describe('ratioChainDynamics', () => {
  it('has C_ℓ = q_C^(ℓ−1), G_ℓ = G_1·q_G^(ℓ−1), and no beaker drains more than half per step', () => {
    const { capacities, couplings } = ratioChainConstants({
      beakers: 6,
      capacityRatio: 3,
      tubeRatio: 0.4,
    });
    for (let l = 0; l < 6; l++) {
      expect(capacities[l]).toBeCloseTo(3 ** l, 12);
      expect((couplings[l] as number) / (couplings[0] as number)).toBeCloseTo(0.4 ** l, 12);
    }
    const outflow = capacities.map(
      (c, l) => ((l > 0 ? (couplings[l - 1] as number) : 0) + (couplings[l] as number)) / c,
    );
    expect(Math.max(...outflow)).toBeCloseTo(0.5, 12);
  });

  it('is the Benna–Fusi chain: one row per beaker, C_ℓ Δu_ℓ = G_(ℓ−1)(u_(ℓ−1)−u_ℓ) + G_ℓ(u_(ℓ+1)−u_ℓ)', () => {
    const options = { beakers: 4, capacityRatio: 2, tubeRatio: 0.5, learningRate: 0.3 };
    const { capacities: C, couplings: G } = ratioChainConstants(options);
    const d = ratioChainDynamics(options);
    const u = [0.3, -1, 2, 0.5];
    const next = d.transition.map((row) => row.reduce((a, x, j) => a + x * (u[j] as number), 0));
    for (let l = 0; l < 4; l++) {
      const left = l > 0 ? (G[l - 1] as number) * ((u[l - 1] as number) - (u[l] as number)) : 0;
      const right = (G[l] as number) * ((l < 3 ? (u[l + 1] as number) : 0) - (u[l] as number));
      expect(next[l]).toBeCloseTo((u[l] as number) + (left + right) / (C[l] as number), 12);
    }
    expect(d.input).toEqual([-0.3, 0, 0, 0]);
  });

  it('names the function, parameter and value on bad input', () => {
    expect(() => ratioChainDynamics({ beakers: 4, capacityRatio: 1, tubeRatio: 0.5 })).toThrow(
      /ratioChainDynamics.*capacityRatio.*1/,
    );
    expect(() => ratioChainDynamics({ beakers: 4, capacityRatio: 2, tubeRatio: 3 })).toThrow(
      /ratioChainDynamics.*capacityRatio \/ tubeRatio/,
    );
    expect(() => ratioChainDynamics({ beakers: 1, capacityRatio: 2, tubeRatio: 0.5 })).toThrow(
      /ratioChainDynamics.*beakers/,
    );
  });
});

describe('impulseResponseAt', () => {
  it('equals iterating T (impulseResponse) at every t < 2000', () => {
    const d = ratioChainDynamics({ beakers: 7, capacityRatio: 2, tubeRatio: 0.25 });
    const iterated = impulseResponse(d, 2000);
    const times = [0, 1, 2, 5, 17, 100, 999, 1999];
    const diagonal = impulseResponseAt(d, times);
    times.forEach((t, j) => {
      expect(diagonal[j]).toBeCloseTo(iterated[t] as number, 10);
    });
  });
});

describe('stateResponseAt', () => {
  it('equals Tᵗb computed by iterating the chain', () => {
    const d = ratioChainDynamics({ beakers: 5, capacityRatio: 3, tubeRatio: 0.5 });
    let s = [...d.input];
    for (let t = 0; t <= 300; t++) {
      if ([0, 1, 7, 300].includes(t)) {
        stateResponseAt(d, t).forEach((x, l) => {
          expect(x).toBeCloseTo(s[l] as number, 10);
        });
      }
      s = d.transition.map((row) => row.reduce((a, x, j) => a + x * (s[j] as number), 0));
    }
  });
});

describe('the exponent of a ratio chain: ln q_C / ln(q_C/q_G)', () => {
  it('is ½ for Benna & Fusi (2, ½), ⅓ for (2, ¼), 1 for (4, 1)', () => {
    expect(predictedExponent(2, 0.5)).toBeCloseTo(0.5, 14);
    expect(predictedExponent(2, 0.25)).toBeCloseTo(1 / 3, 14);
    expect(predictedExponent(4, 1)).toBeCloseTo(1, 14);
  });

  for (const [qC, qG, m] of [
    [2, 0.5, 12],
    [2, 0.25, 12],
    [4, 1, 16],
    [3, 0.5, 12],
  ] as const) {
    it(`is the measured log–log slope of |h| for (${qC}, ${qG}) with ${m} beakers, within 0.05`, () => {
      const d = ratioChainDynamics({ beakers: m, capacityRatio: qC, tubeRatio: qG });
      const window = powerLawWindow(d);
      if (!window) throw new Error('no power-law window');
      expect(window.to / window.from).toBeGreaterThan(1e4);
      const { slope } = measuredSlope(d, window);
      expect(Math.abs(slope + predictedExponent(qC, qG))).toBeLessThan(0.05);
    });
  }

  it('fails (slope far from −θ) outside the window, where the chain forgets exponentially', () => {
    const d = ratioChainDynamics({ beakers: 6, capacityRatio: 2, tubeRatio: 0.5 });
    const window = powerLawWindow(d);
    if (!window) throw new Error('no window');
    const late = measuredSlope(d, { from: window.to * 100, to: window.to * 1000 });
    expect(late.slope).toBeLessThan(-2);
  });
});
