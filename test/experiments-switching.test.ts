import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTaskSwitching, switchingLearners } from '../src/experiments/index.js';
import { useBackend } from './helpers/backends.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('task switching (tiny sizes)', () => {
  it('is deterministic and leaks no tensors of its own', () => {
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
    }
  });

  it('every learner reports the savings and forgetting its own loss curve shows (one replica)', () => {
    const blockSteps = 20;
    const blocks = 4;
    const savingsSteps = 4;
    const result = runTaskSwitching({
      seed: 3,
      quick: true,
      blockSteps,
      blocks,
      replicas: 1,
      savingsSteps,
    });
    for (const row of result.rows) {
      const curve = result.curves.filter((c) => c.learner === row.learner);
      const at = (t: number) => {
        const point = curve.find((c) => c.step === t + 1);
        expect(point, `${row.learner}: step ${t + 1} logged`).toBeDefined();
        return point?.lossA as number;
      };
      const window = (start: number) => {
        let acc = 0;
        for (let t = start; t < start + savingsSteps; t++) acc += at(t);
        return acc / savingsSteps;
      };
      // Savings: task A's loss when it returns (block 2) against its first encounter (block 0).
      const savings = 1 - window(2 * blockSteps) / window(0);
      expect(row.savingsMean, row.learner).toBeCloseTo(savings, 10);
      // Forgetting: task A's loss at the end of each B block over its value just before it.
      const forgetting =
        (at(2 * blockSteps - 1) / at(blockSteps - 1) +
          at(4 * blockSteps - 1) / at(3 * blockSteps - 1)) /
        2;
      expect(row.forgettingMean, row.learner).toBeCloseTo(forgetting, 10);
    }
  });

  it('rejects fewer than three blocks', () => {
    expect(() => runTaskSwitching({ seed: 1, blocks: 2 })).toThrow(/blocks/);
  });
});
