import { beforeAll, describe, expect, it } from 'vitest';
import { teacherDriftExperiment, teacherStream } from '../src/experiments/drift-bayesian-mlp.js';
import { useBackend } from './helpers/backends.js';

describe('nonlinear 1/f drift: an MLP student tracks a drifting teacher (quick sizes, cpu)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('the teacher stream is seeded and deterministic', () => {
    const s = { steps: 50, burnIn: 10, inputs: 3, hidden: 4, noise: 0.1, drift: 0.3 };
    const a = teacherStream(5, s);
    const b = teacherStream(5, s);
    const c = teacherStream(6, s);
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(Array.from(a.y)).not.toEqual(Array.from(c.y));
    expect(a.initial.map((w) => w.length)).toEqual([12, 4, 4, 1]);
  });

  it('every learner is tuned and scored; learning beats not learning', () => {
    const { rows, summary } = teacherDriftExperiment({ quick: true, seed: 2 });
    const names = summary.map((r) => r.learner);
    expect(names).toEqual([
      'frozen (no updates)',
      'SGD',
      'Adam',
      'multiscale (fixed gains)',
      'Bayesian multiscale (fisher)',
      'Bayesian multiscale (Gauss–Newton)',
    ]);
    expect(rows).toHaveLength(names.length * 2);
    const frozen = summary[0]?.mean as number;
    for (const r of summary.slice(1)) {
      expect(Number.isFinite(r.mean), r.learner).toBe(true);
      // The chosen setting is the grid point with the lowest validation MSE.
      const best = Math.min(...r.grid.map((g) => g.mse));
      expect(r.grid.find((g) => g.setting === r.setting)?.mse).toBe(best);
    }
    for (const r of summary.filter((x) => x.learner.startsWith('Bayesian'))) {
      expect(r.mean, r.learner).toBeLessThan(frozen);
    }
  });
});
