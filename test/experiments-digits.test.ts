import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  continualMetrics,
  type DigitPools,
  type DigitSet,
  decodeDigitSubset,
  digitPools,
  digitSubset,
  digitTasks,
  encodeDigitSubset,
  loadMnist,
  poolDigits,
  rotateImage,
  selectDigits,
  taskDigits,
  trainContinual,
} from '../src/experiments/index.js';

let raw: DigitSet;
let digits: DigitSet;
let small: DigitPools;

beforeAll(async () => {
  await tf.setBackend('cpu');
  raw = loadMnist();
  digits = poolDigits(raw, 2);
  // A small, fixed slice for training runs: every 20th image (all classes), split 20 per class.
  const every = Array.from({ length: Math.floor(digits.count / 20) }, (_, i) => 20 * i);
  small = digitPools(selectDigits(digits, every), 1, 20);
}, 60_000);

describe('digits: data', () => {
  it('loads the 10,000 labelled digits of the mnist package', () => {
    expect(raw.count).toBe(10_000);
    expect(raw.side).toBe(28);
    const counts = new Array<number>(10).fill(0);
    for (const l of raw.labels) counts[l] = (counts[l] as number) + 1;
    expect(counts.every((c) => c > 800)).toBe(true);
    expect(raw.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(raw.images.some((v) => v === 0) && raw.images.some((v) => v > 0.99)).toBe(true);
  });

  it('mean-pools 2×2 blocks', () => {
    const set: DigitSet = {
      images: Float32Array.from([1, 0, 0.5, 0.5, 0, 1, 0.5, 0.5, 1, 1, 0, 0, 1, 1, 0, 0.2]),
      labels: Uint8Array.from([7]),
      side: 4,
      count: 1,
    };
    expect(Array.from(poolDigits(set, 2).images)).toEqual([0.5, 0.5, 1, Math.fround(0.05)]);
    expect(() => poolDigits(set, 3)).toThrow('poolDigits: factor = 3 is not allowed');
  });

  it('rotates by 90° as an exact index map (clockwise on screen)', () => {
    const side = 5;
    const image = Float32Array.from({ length: side * side }, (_, i) => i / 25);
    const out = rotateImage(image, side, 90);
    for (let r = 0; r < side; r++) {
      for (let q = 0; q < side; q++) {
        expect(out[r * side + q]).toBeCloseTo(image[(side - 1 - q) * side + r] as number, 6);
      }
    }
  });

  it('builds the three streams: permutations, digit pairs, rotations', () => {
    const [a, b] = digitTasks('permuted', 2, 5);
    expect(Array.from(a?.permutation ?? [])).toEqual(Array.from({ length: 196 }, (_, i) => i));
    expect(Array.from(b?.permutation ?? []).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 196 }, (_, i) => i),
    );
    expect(digitTasks('permuted', 2, 5)[1]?.permutation).toEqual(b?.permutation);
    expect(digitTasks('permuted', 2, 6)[1]?.permutation).not.toEqual(b?.permutation);
    expect(digitTasks('split', 3, 1).map((t) => t.name)).toEqual(['0 vs 1', '2 vs 3', '4 vs 5']);
    expect(digitTasks('rotated', 4, 1).map((t) => t.angle)).toEqual([0, 45, 90, 135]);
    expect(() => digitTasks('split', 6, 1)).toThrow('split digits have at most 5 tasks');
    const pair = taskDigits(digits, digitTasks('split', 2, 1)[1] as never);
    const expected = Array.from(digits.labels).filter((l) => l === 2 || l === 3).length;
    expect(pair.count).toBe(expected);
    expect(new Set(pair.labels)).toEqual(new Set([0, 1]));
    const permuted = taskDigits(digits, b as never);
    const p = b?.permutation as Int32Array;
    expect(permuted.images[5]).toBe(digits.images[p[5] as number]);
  });

  it('the committed browser subset is what scripts/digits-subset.ts draws, 50 of each digit', () => {
    const subset = digitSubset(raw, { perClass: 50, seed: 13 });
    expect(subset.side).toBe(14);
    expect(new Set(subset.labels).size).toBe(10);
    const file = readFileSync('site/static/data/digits-14x14-500.bin');
    expect(Buffer.compare(file, encodeDigitSubset(subset))).toBe(0);
    expect(decodeDigitSubset(new Uint8Array(file)).count).toBe(500);
  });

  it('the browser subset round-trips to within 1/255', () => {
    const set = selectDigits(digits, [0, 1500, 9999]);
    const back = decodeDigitSubset(encodeDigitSubset(set));
    expect(Array.from(back.labels)).toEqual(Array.from(set.labels));
    const worst = back.images.reduce(
      (a, v, i) => Math.max(a, Math.abs(v - (set.images[i] as number))),
      0,
    );
    expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-7);
  });
});

describe('digits: metrics against a hand-computed case', () => {
  it('online accuracy, average accuracy, forgetting and savings', () => {
    // One replica, T = 2 tasks, 4 blocks (A, B, A, B) of 2 steps, savings over the first step.
    const online = [0.1, 0.5, 0.2, 0.6, 0.7, 0.8, 0.4, 0.9];
    const blockEnd = [[[0.6, 0.1]], [[0.3, 0.7]], [[0.9, 0.2]], [[0.5, 0.8]]];
    const m = continualMetrics(online, blockEnd, { tasks: 2, blockSteps: 2, savingsSteps: 1 });
    expect(m.onlineAccuracy[0]).toBeCloseTo(4.2 / 8, 12);
    // At the end: A 0.5, B 0.8.
    expect(m.averageAccuracy[0]).toBeCloseTo(0.65, 12);
    // Task B is the last block's task, so only A counts: best 0.9 − final 0.5.
    expect(m.forgetting[0]).toBeCloseTo(0.4, 12);
    // Returns: block 2 (A) starts at 0.7 against A's first 0.1; block 3 (B) at 0.4 against 0.2.
    expect(m.savings[0]).toBeCloseTo((0.6 + 0.2) / 2, 12);
  });
});

describe('digits: training', () => {
  const schedule = { tasks: 2, cycles: 2, blockSteps: 10, batch: 8, hidden: 16, evalPerTask: 20 };

  it('is deterministic for a seed, and a different seed gives a different run', () => {
    const a = trainContinual(small, tf.train.sgd(0.3), [1, 2], schedule);
    const b = trainContinual(small, tf.train.sgd(0.3), [1, 2], schedule);
    const c = trainContinual(small, tf.train.sgd(0.3), [3, 2], schedule);
    expect(a.metrics).toEqual(b.metrics);
    expect(c.metrics.onlineAccuracy[0]).not.toBe(a.metrics.onlineAccuracy[0]);
    expect(c.metrics.onlineAccuracy[1]).toBe(a.metrics.onlineAccuracy[1]);
  });

  it('learns real digits above chance, and a frozen network does not change', () => {
    const learned = trainContinual(small, tf.train.sgd(0.3), [7], {
      ...schedule,
      cycles: 1,
      blockSteps: 60,
    });
    expect(learned.metrics.averageAccuracy[0]).toBeGreaterThan(0.3); // chance is 0.1
    const frozen = trainContinual(small, tf.train.sgd(0), [7], schedule);
    // No step changes the weights: held-out accuracy is the same at every block end.
    const accuracies = frozen.curves.filter((c) => c.task === 'original').map((c) => c.accuracy);
    expect(new Set(accuracies).size).toBe(1);
    expect(frozen.metrics.forgetting[0]).toBe(0);
  });
});
