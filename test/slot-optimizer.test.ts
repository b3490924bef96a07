import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  bayesianMultiscale,
  bennaFusi,
  bennaFusiDynamics,
  diagonalize,
  type LinearDynamics,
  linearDynamicsOptimizer,
  momentum,
  multiscale,
  simulate,
} from '../src/index.js';
import { BACKENDS, maxAbsDiff, normals, useBackend } from './helpers/backends.js';
import { beakerTrace } from './helpers/beakers.js';
import { expectClose } from './helpers/expect-close.js';

/** Runs `steps` steps of `opt` on one variable, gradient `grad(t)`, and returns w after each. */
function trace(
  opt: tf.Optimizer,
  w: tf.Variable,
  steps: number,
  grad: (t: number) => tf.Tensor,
): Float64Array {
  const out = new Float64Array(steps * w.size);
  for (let t = 0; t < steps; t++) {
    const g = grad(t);
    opt.applyGradients({ [w.name]: g });
    g.dispose();
    out.set(w.dataSync(), t * w.size);
  }
  return out;
}

for (const backend of process.env.ONLY_BACKEND ? [process.env.ONLY_BACKEND] : BACKENDS) {
  describe(`on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });
    afterEach(() => {
      vi.restoreAllMocks();
    });

    describe('a write to a weight from outside the optimizer', () => {
      // Benna–Fusi m = 6: one step, then w += 1 from outside, then 300 zero-gradient steps. In the
      // beaker chain the change lands in u_1 (the beaker the weight reads), as a weight's initial
      // value does; by linearity the float64 reference is the trace without the write plus the
      // decay of a unit u_1 at rest.
      const m = 6;
      const alpha = 0.5;
      const w0 = [0.5, -0.25, 1];
      const g0 = [1, -2, 0.5];
      const steps = 300;
      const zeros = new Float64Array(3 * (steps + 1));
      const untouched = beakerTrace(
        m,
        alpha,
        w0,
        [...g0, ...zeros.subarray(3)],
        steps + 1,
      ).subarray(3);
      const kick = beakerTrace(m, alpha, [1, 1, 1], zeros, steps);
      const reference = untouched.map((x, i) => x + (kick[i] as number));

      for (const form of ['diagonal', 'coupled'] as const) {
        it(`Benna–Fusi m=6, ${form}: w += 1 decays as in the beaker chain (float64)`, () => {
          const opt = bennaFusi({ learningRate: alpha, beakers: m, form });
          const w = tf.variable(tf.tensor1d(w0));
          const g = tf.tensor1d(g0);
          opt.applyGradients({ [w.name]: g });
          w.assign(tf.tidy(() => tf.add(w, 1)));
          const zero = tf.zerosLike(w);
          const ours = trace(opt, w, steps, () => tf.clone(zero));
          expectClose(ours, reference, 1e-5);
          // What is left of the change at step 100: 0.13 in the chain (the slowest mode alone
          // would keep 0.99).
          const left = (ours[99 * 3] as number) - (untouched[99 * 3] as number);
          expect(Math.abs(left - (kick[99 * 3] as number))).toBeLessThan(1e-5);
          expect(left).toBeLessThan(0.2);
          tf.dispose([w, g, zero]);
          opt.dispose();
        });
      }

      it('with an initialState (deeper beakers start at w): coupled = diagonal = float64', () => {
        // A 3-beaker chain whose state starts at w in every beaker (GMvandeVen's init 'same'):
        // an outside write enters the same way, as Δw·s₀ in the coupled state.
        const d: LinearDynamics = {
          ...bennaFusiDynamics({ learningRate: 0.4, beakers: 3 }),
          initialState: [1, 1, 1],
        };
        const steps = 60;
        const grads = Float64Array.from({ length: steps + 1 }, (_, t) => (t === 0 ? 1 : 0));
        const untouched = simulate(d, grads, 0.5).w.subarray(1);
        const kick = simulate(d, new Float64Array(steps), 1).w;
        const reference = untouched.map((x, i) => x + (kick[i] as number));
        const { alpha, gamma, initialShare } = diagonalize(d);
        for (const opt of [
          linearDynamicsOptimizer(d),
          multiscale({ alpha, gamma, initialShare }),
        ]) {
          const w = tf.variable(tf.tensor1d([0.5]));
          opt.applyGradients({ [w.name]: tf.tensor1d([1]) });
          w.assign(tf.tidy(() => tf.add(w, 1)));
          const ours = trace(opt, w, steps, () => tf.zeros([1]));
          expectClose(ours, reference, 1e-5);
          tf.dispose(w);
          opt.dispose();
        }
        // The write did not all stay put: it spread over the beakers like the initial value.
        expect(Math.abs((kick[steps - 1] as number) - 1)).toBeGreaterThan(0.01);
      });

      it('through model.setWeights: the diagonal form still equals the coupled form', async () => {
        const x = tf.tensor2d(Array.from(normals(3, 16 * 4)), [16, 4]);
        const y = tf.tensor2d(Array.from(normals(4, 16 * 2)), [16, 2]);
        const run = async (form: 'diagonal' | 'coupled') => {
          const model = tf.sequential({
            layers: [
              tf.layers.dense({
                inputShape: [4],
                units: 2,
                kernelInitializer: tf.initializers.glorotNormal({ seed: 7 }),
              }),
            ],
          });
          model.compile({
            optimizer: bennaFusi({ learningRate: 0.2, beakers: 4, form }),
            loss: 'meanSquaredError',
          });
          await model.fit(x, y, { epochs: 5, batchSize: 16, shuffle: false, verbose: 0 });
          const moved = model.getWeights().map((t) => tf.add(t, 0.5));
          model.setWeights(moved);
          tf.dispose(moved);
          await model.fit(x, y, { epochs: 40, batchSize: 16, shuffle: false, verbose: 0 });
          const out = Float64Array.from(
            model.getWeights().flatMap((t) => Array.from(t.dataSync())),
          );
          model.optimizer.dispose();
          model.dispose();
          return out;
        };
        const diagonal = await run('diagonal');
        const coupled = await run('coupled');
        expectClose(diagonal, coupled, 1e-4);
        tf.dispose([x, y]);
      });

      it('subweights() and getWeights() already show the split; saving then resuming matches', async () => {
        const make = () =>
          multiscale({ alpha: [0.1, 0.2], gamma: [1, 0.5], initialShare: [0.25, 0.75] });
        const opt = make();
        const w = tf.variable(tf.tensor1d([2]), true, 'outside-w');
        opt.applyGradients({ [w.name]: tf.tensor1d([1]) });
        // After the step: ω = (0.25·2 − 0.1, 0.5·0.75·2 − 0.2) = (0.4, 0.55), w = 0.95.
        w.assign(tf.tensor1d([0.95 + 4]));
        const parts = opt.subweights(w);
        expectClose(parts.dataSync(), [0.4 + 1, 0.55 + 3], 1e-6);
        parts.dispose();
        const saved = await opt.getWeights();
        const resumed = make();
        await resumed.setWeights(saved);
        const v = tf.variable(w.clone(), true, 'outside-w_1');
        const zero = tf.zeros([1]);
        // v has another name: its slot is claimed by the single restored slot.
        const a = trace(opt, w, 5, () => tf.clone(zero));
        const b = trace(resumed, v, 5, () => tf.clone(zero));
        expect(maxAbsDiff(a, b)).toBe(0);
        // Closed form: ω_1 stays 1.4, ω_2 = 3.55·0.5^t.
        expectClose(
          a,
          [1, 2, 3, 4, 5].map((t) => 1.4 + 3.55 * 0.5 ** t),
          1e-6,
        );
        tf.dispose([w, v, zero]);
        opt.dispose();
        resumed.dispose();
      });
    });

    describe('odd variables', () => {
      const makers: Array<[string, () => tf.Optimizer]> = [
        ['multiscale', () => multiscale({ alpha: [0.1, 0.2], gamma: [1, 0.5] })],
        ['bennaFusi diagonal', () => bennaFusi({ learningRate: 0.3, beakers: 3 })],
        ['bennaFusi coupled', () => bennaFusi({ learningRate: 0.3, beakers: 3, form: 'coupled' })],
        ['momentum coupled', () => momentum({ learningRate: 0.1, momentum: 0.9, form: 'coupled' })],
      ];
      for (const [name, make] of makers) {
        it(`${name}: an int32 variable is refused up front, naming it and its dtype`, () => {
          const opt = make();
          const v = tf.variable(tf.tensor1d([1, 2], 'int32'), true, `int-${name}`);
          const g = tf.tensor1d([1, 1], 'int32');
          expect(() => opt.applyGradients({ [v.name]: g })).toThrowError(
            new RegExp(`applyGradients: the variable "int-${name}" has dtype int32; .*float32`),
          );
          tf.dispose([v, g]);
          opt.dispose();
        });

        it(`${name}: scalar and zero-size variables step`, () => {
          const opt = make();
          const scalar = tf.variable(tf.scalar(0.5));
          const row = tf.variable(tf.tensor1d([0.5]));
          const empty = tf.variable(tf.zeros([0, 3]));
          for (let t = 0; t < 3; t++) {
            opt.applyGradients({
              [scalar.name]: tf.scalar(1 - t),
              [row.name]: tf.tensor1d([1 - t]),
              [empty.name]: tf.zeros([0, 3]),
            });
          }
          expect(scalar.shape).toEqual([]);
          expect(empty.shape).toEqual([0, 3]);
          expect(Number.isFinite(scalar.dataSync()[0] as number)).toBe(true);
          expect(scalar.dataSync()[0]).toBe(row.dataSync()[0]);
          expect(scalar.dataSync()[0]).not.toBe(0.5);
          tf.dispose([scalar, row, empty]);
          opt.dispose();
        });
      }
      it('the Bayesian optimizer refuses an int32 variable up front too (both step paths)', () => {
        for (const innovation of ['shared', 'perWeight'] as const) {
          const opt = bayesianMultiscale({
            gamma: [1, 0.9],
            priorVariance: 1,
            observationNoise: 1,
            innovation,
          });
          const v = tf.variable(tf.tensor1d([1, 2], 'int32'), true, `int-bayes-${innovation}`);
          const g = tf.tensor1d([1, 1], 'int32');
          expect(() => opt.applyGradients({ [v.name]: g })).toThrowError(
            new RegExp(`the variable "int-bayes-${innovation}" has dtype int32; .*float32`),
          );
          tf.dispose([v, g]);
          opt.dispose();
        }
      });
    });

    describe('restored slots that no variable claims', () => {
      const slot = (name: string) => ({ name: `${name}/subweights`, tensor: tf.ones([1, 2]) });
      const iterations = () => ({ name: 'iter', tensor: tf.scalar(3, 'int32') });
      const make = () => multiscale({ alpha: [0.1, 0.2], gamma: [1, 0.5] });

      it('an ambiguous match warns once, naming the weights, and the variable starts fresh', async () => {
        const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
        const opt = make();
        await opt.setWeights([iterations(), slot('amb/kernel_1'), slot('amb/kernel_2')]);
        const v = tf.variable(tf.ones([2]), true, 'amb/kernel_3');
        const g = tf.onesLike(v);
        opt.applyGradients({ [v.name]: g });
        opt.applyGradients({ [v.name]: g });
        const fresh = make();
        const u = tf.variable(tf.ones([2]), true, 'amb-fresh');
        fresh.applyGradients({ [u.name]: g });
        fresh.applyGradients({ [u.name]: g });
        expect(maxAbsDiff(v.dataSync(), u.dataSync())).toBe(0);
        expect(warn).toHaveBeenCalledTimes(1);
        expect(String(warn.mock.calls[0]?.[0])).toMatch(
          /"amb\/kernel_1", "amb\/kernel_2" all match variable "amb\/kernel_3".*starts fresh/,
        );
        tf.dispose([v, u, g]);
        opt.dispose();
        fresh.dispose();
      });

      it('a slot that matches no variable warns once after the first step', async () => {
        const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
        const opt = make();
        await opt.setWeights([iterations(), slot('gone/kernel'), slot('kept/bias')]);
        const v = tf.variable(tf.ones([2]), true, 'kept/bias');
        const g = tf.onesLike(v);
        opt.applyGradients({ [v.name]: g });
        opt.applyGradients({ [v.name]: g });
        expect(warn).toHaveBeenCalledTimes(1);
        expect(String(warn.mock.calls[0]?.[0])).toMatch(
          /restored slots for "gone\/kernel" match no variable/,
        );
        tf.dispose([v, g]);
        opt.dispose();
      });

      it('no warning when every restored slot is claimed', async () => {
        const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
        const opt = make();
        await opt.setWeights([iterations(), slot('claimed/kernel')]);
        const v = tf.variable(tf.ones([2]), true, 'claimed/kernel_1');
        const g = tf.onesLike(v);
        opt.applyGradients({ [v.name]: g });
        expect(warn).not.toHaveBeenCalled();
        tf.dispose([v, g]);
        opt.dispose();
      });
    });

    describe('weights without a gradient', () => {
      it('are not touched (as with tf.train.momentum); a zero gradient decays them', () => {
        const ours = multiscale({ alpha: [0.1, 0.3], gamma: [1, 0.5] });
        const a = tf.variable(tf.tensor1d([1, 2]));
        const b = tf.variable(tf.tensor1d([1, 2]));
        const g = tf.tensor1d([1, -1]);
        ours.applyGradients({ [a.name]: g, [b.name]: g });
        const before = b.dataSync().slice();
        ours.applyGradients({ [a.name]: g });
        expect(maxAbsDiff(b.dataSync(), before)).toBe(0);
        const zero = tf.zerosLike(b);
        ours.applyGradients({ [b.name]: zero });
        // With a zero gradient the fast part (−0.3·g after one step) halves: b moves by +0.15·g.
        expectClose(
          b.dataSync(),
          [(before[0] as number) + 0.15, (before[1] as number) - 0.15],
          1e-6,
        );
        const theirs = tf.train.momentum(0.1, 0.9);
        const c = tf.variable(tf.tensor1d([1, 2]));
        const d = tf.variable(tf.tensor1d([1, 2]));
        theirs.applyGradients([
          { name: c.name, tensor: g },
          { name: d.name, tensor: g },
        ]);
        const dBefore = d.dataSync().slice();
        theirs.applyGradients([{ name: c.name, tensor: g }]);
        expect(maxAbsDiff(d.dataSync(), dBefore)).toBe(0);
        tf.dispose([a, b, c, d, g, zero]);
        ours.dispose();
        theirs.dispose();
      });
    });

    describe('disposed and re-created variables', () => {
      it('40 disposed 1000-entry variables leave no tensor behind', async () => {
        for (const make of [
          () => bennaFusi({ learningRate: 0.1, beakers: 4 }),
          () => bennaFusi({ learningRate: 0.1, beakers: 4, form: 'coupled' }),
          () => momentum({ learningRate: 0.1, momentum: 0.9 }),
        ]) {
          const before = tf.memory().numTensors;
          const opt = make();
          const stepOnce = () => {
            const v = tf.tidy(() => tf.variable(tf.ones([1000])));
            const g = tf.onesLike(v);
            opt.applyGradients({ [v.name]: g });
            tf.dispose([v, g]);
          };
          stepOnce();
          stepOnce(); // frees the first variable's slot
          const afterOne = tf.memory().numTensors;
          for (let i = 0; i < 40; i++) stepOnce();
          expect(tf.memory().numTensors).toBe(afterOne);
          const weights = await opt.getWeights(); // frees the last one's
          expect(weights).toHaveLength(1);
          tf.dispose(weights.map((x) => x.tensor));
          opt.dispose();
          expect(tf.memory().numTensors).toBe(before);
        }
      });

      it('a new variable that reuses a disposed one’s name starts fresh', () => {
        for (const shape of [[3], [5]]) {
          const opt = bennaFusi({ learningRate: 0.3, beakers: 3 });
          const old = tf.variable(tf.ones([3]), true, 'reused-name');
          opt.applyGradients({ [old.name]: tf.onesLike(old) });
          old.dispose();
          const run = (o: tf.Optimizer) => {
            const v = tf.variable(tf.fill(shape, 0.5), true, 'reused-name');
            const out = trace(o, v, 4, () => tf.fill(shape, -1));
            v.dispose();
            return out;
          };
          const fresh = bennaFusi({ learningRate: 0.3, beakers: 3 });
          expect(maxAbsDiff(run(opt), run(fresh))).toBe(0);
          opt.dispose();
          fresh.dispose();
        }
      });
    });
  });
}
