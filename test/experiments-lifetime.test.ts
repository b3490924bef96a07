import { beforeAll, describe, expect, it } from 'vitest';
import {
  closedFormSnr,
  runLifetime,
  simulateSnr,
  synapseModels,
} from '../src/experiments/index.js';
import { useBackend } from './helpers/backends.js';

const DECAY = 0.98;

beforeAll(async () => {
  await useBackend('wasm');
});

describe('closedFormSnr', () => {
  it('matches the exponential synapse solved by hand', () => {
    // h(a) = γ^a, ‖h‖² = 1/(1 − γ²): SNR(age) = √(N(1 − γ²))·γ^(age−1), so SNR = 1 at
    // age = 1 + ln(N(1 − γ²)) / (−2 ln γ). The closed form interpolates between integer ages.
    const [, exponential] = synapseModels({ decay: DECAY });
    for (const N of [100, 1000, 10000, 1e6]) {
      const exact = 1 + Math.log(N * (1 - DECAY ** 2)) / (-2 * Math.log(DECAY));
      const { lifetime } = closedFormSnr(exponential?.dynamics ?? ({} as never), N);
      expect(Math.abs(lifetime / exact - 1)).toBeLessThan(0.005);
    }
  });
});

describe('memory lifetime: closed form (a) against tfjs simulation (b)', () => {
  const lifetimes: Record<string, { closed: number[]; simulated: number[] }> = {};
  for (const [index, label] of ['Benna–Fusi', 'exponential'].entries()) {
    it(`${label}: agree within 10% for N = 10², 10³, 10⁴`, async () => {
      const model = synapseModels({ decay: DECAY })[index];
      if (!model) throw new Error('missing model');
      const entry = { closed: [] as number[], simulated: [] as number[] };
      for (const N of [100, 1000, 10000]) {
        const closed = closedFormSnr(model.dynamics, N);
        const sim = await simulateSnr(model, {
          N,
          seed: 11 + N + index,
          maxAge: Math.ceil(1.5 * closed.lifetime) + 4,
          samples: 3000,
        });
        expect(Math.abs(sim.lifetime / closed.lifetime - 1)).toBeLessThan(0.1);
        // The measured noise is the closed form's √N·‖h‖ (both the exact spread and the sample).
        const h2 = closed.snr[0] as number; // √N·|h(0)|/‖h‖
        const noiseClosed = (N * 1) / h2; // N·|h(0)| / SNR(0), with |h(0)| = 1 for both models
        expect(Math.abs(sim.noise / noiseClosed - 1)).toBeLessThan(0.05);
        expect(Math.abs(sim.sampledNoise / noiseClosed - 1)).toBeLessThan(0.1);
        entry.closed.push(closed.lifetime);
        entry.simulated.push(sim.lifetime);
      }
      lifetimes[label] = entry;
      const slope = (l: number[]) => Math.log((l[2] as number) / (l[0] as number)) / Math.log(100);
      if (label === 'Benna–Fusi') {
        // Inside its slowest timescale the lifetime grows close to linearly in N.
        expect(slope(entry.closed)).toBeGreaterThanOrEqual(0.8);
        expect(slope(entry.simulated)).toBeGreaterThanOrEqual(0.8);
      } else {
        // Only logarithmically: a fixed number of steps per decade, ln(10)/(−2 ln γ).
        expect(slope(entry.simulated)).toBeLessThan(0.4);
        const perDecade = ((entry.closed[2] as number) - (entry.closed[0] as number)) / 2;
        expect(perDecade).toBeCloseTo(Math.log(10) / (-2 * Math.log(DECAY)), 0);
      }
    });
  }

  it('is deterministic: the same seed gives the same simulation', async () => {
    const [bf] = synapseModels();
    if (!bf) throw new Error('missing model');
    const run = () => simulateSnr(bf, { N: 50, seed: 3, maxAge: 12, samples: 200 });
    const a = await run();
    const b = await run();
    expect(b.snr).toEqual(a.snr);
    expect(b.noise).toBe(a.noise);
  });

  it('runLifetime rejects N ≤ 0', async () => {
    await expect(runLifetime({ seed: 1, sizes: [0] })).rejects.toThrow(/sizes\[0\]/);
  });
});
