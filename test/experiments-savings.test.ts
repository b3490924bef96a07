import * as tf from '@tensorflow/tfjs';
import jStat from 'jstat';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSavings, savingsRatio } from '../src/experiments/index.js';
import { useBackend } from './helpers/backends.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const small = {
  replicas: 4,
  patterns: 8,
  dimension: 8,
  hidden: 8,
  learnSteps: 20,
  interferenceSteps: 15,
  relearnSteps: 8,
  savingsWindow: 5,
};

describe('savingsRatio', () => {
  it('is one minus the ratio of the window sums, leaving out step 0', () => {
    // first: steps 1..2 sum to 4; relearn: steps 1..2 sum to 2 → 1 − 2/4.
    expect(savingsRatio([4, 2, 2], [3, 1, 1], 2)).toBe(0.5);
    // step 0 is ignored: a huge initial error changes nothing.
    expect(savingsRatio([100, 3, 1], [9, 1, 1], 2)).toBe(0.5);
    // no savings when relearning is exactly as slow as learning.
    expect(savingsRatio([1, 0.8, 0.6, 0.4], [0.9, 0.8, 0.6, 0.4], 3)).toBe(0);
  });

  it('names itself and the window when the window is too long', () => {
    expect(() => savingsRatio([1, 2], [1, 2], 2)).toThrow(/savingsRatio.*window/);
  });
});

describe('runSavings (small sizes, cpu)', () => {
  it('is deterministic for a seed, differs across seeds and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const a = runSavings({ ...small, seed: 3 });
    const b = runSavings({ ...small, seed: 3 });
    const c = runSavings({ ...small, seed: 4 });
    expect(tf.memory().numTensors).toBe(before);
    expect(b.learners[1].savings).toEqual(a.learners[1].savings);
    expect(b.learners[0].errors).toEqual(a.learners[0].errors);
    expect(c.learners[0].savings).not.toEqual(a.learners[0].savings);
    expect(a.learners.map((l) => l.name)).toEqual(['tf.train.sgd', 'fastWeights']);
  });

  it('learning B raises A’s error for both learners, in every replica', () => {
    const r = runSavings({ ...small, seed: 5 });
    for (const l of r.learners) {
      for (const [i, after] of l.errorAfterInterference.entries()) {
        expect(after).toBeGreaterThan(1.2 * (l.errorAfterLearning[i] as number));
      }
      // and first learning did lower A's error from the initial network's.
      for (const e of l.errors) expect(e[small.learnSteps] as number).toBeLessThan(e[0] as number);
    }
  });

  it('computes each savings from its own curve and the paired test in closed form (jstat)', () => {
    const r = runSavings({ ...small, seed: 6 });
    const bEnd = small.learnSteps + small.interferenceSteps;
    for (const l of r.learners) {
      l.errors.forEach((e, i) => {
        let first = 0;
        let again = 0;
        for (let t = 1; t <= small.savingsWindow; t++) {
          first += e[t] as number;
          again += e[bEnd + t] as number;
        }
        expect(l.savings[i]).toBeCloseTo(1 - again / first, 12);
      });
    }
    const d = r.learners[1].savings.map((x, i) => x - (r.learners[0].savings[i] as number));
    const n = d.length;
    const m = d.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(d.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1));
    const t = m / (sd / Math.sqrt(n));
    const half = jStat.studentt.inv(0.975, n - 1) * (sd / Math.sqrt(n));
    expect(r.comparison.mean).toBeCloseTo(m, 12);
    expect(r.comparison.t).toBeCloseTo(t, 9);
    expect(r.comparison.p).toBeCloseTo(2 * (1 - jStat.studentt.cdf(Math.abs(t), n - 1)), 9);
    expect(r.comparison.lo).toBeCloseTo(m - half, 12);
    expect(r.comparison.hi).toBeCloseTo(m + half, 12);
    const covers = r.comparison.lo <= 0 && r.comparison.hi >= 0;
    expect(r.verdict).toBe(covers ? 'not significant' : 'significant');
  });

  it('rest: SGD’s weights stay put (A’s error flat) while the fast part decays by γ_f per step', () => {
    const rest = 6;
    const r = runSavings({ ...small, seed: 7, restSteps: rest });
    const bEnd = small.learnSteps + small.interferenceSteps;
    const [sgd, fast] = r.learners;
    for (const e of sgd.errors) {
      for (let t = bEnd + 1; t <= bEnd + rest; t++) expect(e[t]).toBe(e[bEnd]);
    }
    // γ_f = 0: the fast part is gone after one rest step, then nothing moves.
    const z = runSavings({ ...small, seed: 7, restSteps: rest, fastRetention: 0 });
    for (const e of z.learners[1].errors) {
      expect(e[bEnd + 1]).not.toBe(e[bEnd]);
      for (let t = bEnd + 2; t <= bEnd + rest; t++) expect(e[t]).toBe(e[bEnd + 1]);
    }
    expect(fast.errorAfterRest).toEqual(fast.errors.map((e) => e[bEnd + rest]));
    expect(r.curves.filter((c) => c.phase === 'rest' && c.learner === 'fastWeights')).toHaveLength(
      rest,
    );
  });

  it('rejects bad settings with the function, parameter and allowed range', () => {
    expect(() => runSavings({ fastRetention: 1 })).toThrow(/runSavings.*fastRetention.*\[0, 1\)/);
    expect(() => runSavings({ replicas: 1 })).toThrow(/runSavings.*replicas/);
    expect(() => runSavings({ fastDecay: 0.9 } as never)).toThrow(/runSavings.*fastDecay/);
  });
});
