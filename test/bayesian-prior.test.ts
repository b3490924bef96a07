import { describe, expect, it } from 'vitest';
import { driftSpectrum, powerLaw, timescaleRetention } from '../src/index.js';

/** Least-squares slope of log S against log f, and the largest residual from that line. */
function logLogFit(f: number[], s: ArrayLike<number>): { slope: number; residual: number } {
  const x = f.map(Math.log);
  const y = Array.from(s, Math.log);
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((x[i] as number) - mx) * ((y[i] as number) - my);
    sxx += ((x[i] as number) - mx) ** 2;
  }
  const slope = sxy / sxx;
  let residual = 0;
  for (let i = 0; i < n; i++) {
    residual = Math.max(
      residual,
      Math.abs((y[i] as number) - my - slope * ((x[i] as number) - mx)),
    );
  }
  return { slope, residual };
}

describe('powerLaw prior', () => {
  it('log-spaced timescales slowest first, q = p(1 − γ²), variances summing to the total', () => {
    const prior = powerLaw({ band: [1, 1e4], count: 5, variance: 5 });
    prior.timescales.forEach((tau, i) => {
      expect(tau).toBeCloseTo(10 ** (4 - i), 9);
    });
    prior.priorVariance.forEach((p) => {
      expect(p).toBeCloseTo(1, 12);
    });
    prior.gamma.forEach((g, i) => {
      expect(g).toBeCloseTo(Math.exp(-1 / 10 ** (4 - i)), 12);
      expect(prior.processNoise[i]).toBeCloseTo(
        (prior.priorVariance[i] as number) * (1 - g * g),
        12,
      );
    });
    const steep = powerLaw({ band: [1, 100], count: 3, exponent: 1.5 });
    // p ∝ τ^(β−1): ratios of √10 per decade, the slowest (τ = 100) first.
    expect((steep.priorVariance[0] as number) / (steep.priorVariance[1] as number)).toBeCloseTo(
      Math.sqrt(10),
      9,
    );
    expect(steep.priorVariance.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('driftSpectrum equals the Fourier sum of the AR(1) autocovariances p·γ^|τ|', () => {
    const prior = { gamma: [0.5, 0.9], priorVariance: [1, 2] };
    for (const f of [0.01, 0.1, 0.37]) {
      let direct = 0;
      for (let lag = -2000; lag <= 2000; lag++) {
        prior.gamma.forEach((g, i) => {
          direct +=
            (prior.priorVariance[i] as number) *
            g ** Math.abs(lag) *
            Math.cos(2 * Math.PI * f * lag);
        });
      }
      expect(driftSpectrum(prior, [f])[0]).toBeCloseTo(direct, 8);
    }
  });

  for (const [exponent, tolerance] of [
    [1, 0.05],
    [0.5, 0.1],
    [1.5, 0.1],
  ] as const) {
    it(`its spectrum is f^−${exponent} (slope within ±${tolerance}) inside the band`, () => {
      const band: [number, number] = [10, 1e5];
      const prior = powerLaw({ band, count: 9, exponent });
      // Inside the band with a margin: 3/(2πτ_max) … 0.3/(2πτ_min).
      const lo = 3 / (2 * Math.PI * band[1]);
      const hi = 0.3 / (2 * Math.PI * band[0]);
      const f = Array.from({ length: 60 }, (_, i) => lo * (hi / lo) ** (i / 59));
      const { slope, residual } = logLogFit(f, driftSpectrum(prior, f));
      expect(Math.abs(slope + exponent), `slope ${slope}`).toBeLessThanOrEqual(tolerance);
      expect(residual, 'ripple (natural log)').toBeLessThan(0.2);
      // Outside the band it flattens (white below the slowest timescale).
      const low = logLogFit([1e-8, 2e-8], driftSpectrum(prior, [1e-8, 2e-8]));
      expect(Math.abs(low.slope)).toBeLessThan(0.01);
    });
  }

  it('bad input gets a clear error', () => {
    expect(() => powerLaw({ band: [0, 10], count: 3 })).toThrow(/band\[0\] = 0/);
    expect(() => powerLaw({ band: [100, 10], count: 3 })).toThrow(/slowest timescale/);
    expect(() => powerLaw({ band: [1, 10], count: 0 })).toThrow(/count = 0/);
    expect(() => powerLaw({ band: [1, 10], count: 2, exponent: 2 })).toThrow(/0 < β < 2/);
    expect(() => powerLaw({ band: [1, 10], count: 2, variance: -1 })).toThrow(/variance = -1/);
    expect(() => powerLaw({ band: [1] as never, count: 2 })).toThrow(/band = \[1\]/);
    expect(() => timescaleRetention(-1)).toThrow(/timescale = -1/);
    expect(timescaleRetention(Number.POSITIVE_INFINITY)).toBe(1);
  });
});
