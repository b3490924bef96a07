import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTaskSwitching, switchingLearners } from '../src/experiments/index.js';
import { useBackend } from './helpers/backends.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('task switching (tiny sizes)', () => {
  it('is deterministic, leaks no tensors of its own, and reports consistent savings', () => {
    const before = tf.memory().numTensors;
    const options = {
      seed: 2,
      quick: true,
      blockSteps: 20,
      blocks: 3,
      replicas: 2,
      savingsSteps: 4,
    };
    const a = runTaskSwitching(options);
    // tfjs 4.22's MomentumOptimizer.dispose() skips the learning-rate scalar its SGD base class
    // keeps: one tensor per tf.train.momentum instance (grid points + the final run) is tfjs's.
    const momentumRuns = (switchingLearners()[1]?.grid(true).length ?? 0) + 1;
    expect(tf.memory().numTensors - before).toBe(momentumRuns);
    const b = runTaskSwitching(options);
    expect(b.rows).toEqual(a.rows);
    expect(a.rows.map((r) => r.learner)).toEqual(switchingLearners().map((l) => l.name));
    for (const row of a.rows) {
      expect(Number.isFinite(row.onlineLoss)).toBe(true);
      expect(Number.isFinite(row.savingsMean)).toBe(true);
      // Savings compare the task-A loss at the start of the returning A block (steps 40–43)
      // with the first block (steps 0–3); the logged curve holds those steps for the mean over
      // replicas, so the ratio of those means bounds-checks the reported number's sign.
      const curve = a.curves.filter((c) => c.learner === row.learner);
      const at = (step: number) => curve.find((c) => c.step === step)?.lossA as number;
      const first = [1, 2, 3, 4].map(at);
      const back = [41, 42, 43, 44].map(at);
      expect(first.every(Number.isFinite) && back.every(Number.isFinite)).toBe(true);
      const pooled = 1 - back.reduce((s, x) => s + x, 0) / first.reduce((s, x) => s + x, 0);
      if (Math.abs(pooled) > 0.3) expect(Math.sign(row.savingsMean)).toBe(Math.sign(pooled));
    }
  });

  it('rejects fewer than three blocks', () => {
    expect(() => runTaskSwitching({ seed: 1, blocks: 2 })).toThrow(/blocks/);
  });
});
