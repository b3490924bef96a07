import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bennaFusi,
  fastWeights,
  LinearDynamicsOptimizer,
  MultiscaleOptimizer,
  momentum,
  multiscale,
} from '../src/index.js';
import { BACKENDS, maxAbs, maxAbsDiff, normals, useBackend } from './helpers/backends.js';
import { beakerFinal } from './helpers/beakers.js';
import { expectClose } from './helpers/expect-close.js';
import { reloadWithOptimizer } from './helpers/round-trip.js';

/** A small dense network with fixed, seeded weights. */
function makeModel(seed: number): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [6],
        units: 12,
        activation: 'tanh',
        kernelInitializer: tf.initializers.glorotNormal({ seed }),
      }),
      tf.layers.dense({
        units: 3,
        kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }),
      }),
    ],
  });
  return model;
}

function copyWeights(from: tf.LayersModel, to: tf.LayersModel): void {
  to.setWeights(from.getWeights());
}

function data(seed: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return {
    x: tf.tensor2d(Array.from(normals(seed, 32 * 6)), [32, 6]),
    y: tf.tensor2d(Array.from(normals(seed + 1, 32 * 3)), [32, 3]),
  };
}

/** Trains with `optimizer.minimize` on a fixed batch. */
function train(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  steps: number,
  x: tf.Tensor,
  y: tf.Tensor,
) {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(
      () => tf.losses.meanSquaredError(y, model.predict(x) as tf.Tensor) as tf.Scalar,
      false,
      vars,
    );
  }
}

function flatWeights(model: tf.LayersModel): Float32Array {
  const parts = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

for (const backend of process.env.ONLY_BACKEND ? [process.env.ONLY_BACKEND] : BACKENDS) {
  describe(`on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    describe('against TensorFlow.js itself (500 steps on a dense network)', () => {
      let x: tf.Tensor2D;
      let y: tf.Tensor2D;
      let reference: tf.Sequential;
      beforeAll(() => {
        ({ x, y } = data(11));
        reference = makeModel(5);
      });
      afterAll(() => {
        tf.dispose([x, y]);
        reference.dispose();
      });

      function compare(ours: tf.Optimizer, theirs: tf.Optimizer): void {
        const a = makeModel(99);
        const b = makeModel(98);
        copyWeights(reference, a);
        copyWeights(reference, b);
        train(a, ours, 500, x, y);
        train(b, theirs, 500, x, y);
        expectClose(flatWeights(a), flatWeights(b), 1e-4);
        // Training moved the weights: the comparison is not between two untouched models.
        expect(maxAbsDiff(flatWeights(b), flatWeights(reference))).toBeGreaterThan(1e-2);
        ours.dispose();
        theirs.dispose();
        a.dispose();
        b.dispose();
      }

      for (const nesterov of [false, true]) {
        for (const form of ['diagonal', 'coupled'] as const) {
          it(`momentum({form: '${form}', nesterov: ${nesterov}}) = tf.train.momentum`, () => {
            compare(
              momentum({ learningRate: 0.05, momentum: 0.9, nesterov, form }),
              tf.train.momentum(0.05, 0.9, nesterov),
            );
          });
        }
      }
      it('multiscale({alpha: [η], gamma: [1]}) = tf.train.sgd(η)', () => {
        compare(multiscale({ alpha: [0.1], gamma: [1] }), tf.train.sgd(0.1));
      });
    });

    describe('Benna–Fusi: coupled = diagonal = float64 reference (2000 steps)', () => {
      for (const m of [2, 4, 8]) {
        it(`m = ${m}`, () => {
          const n = 16;
          const steps = 2000;
          const alpha = 0.5;
          const w0 = normals(1, n);
          const grads = normals(2, n * steps);
          const expected = beakerFinal(m, alpha, w0, grads, steps);
          for (const form of ['coupled', 'diagonal'] as const) {
            const opt = bennaFusi({ learningRate: alpha, beakers: m, form });
            const w = tf.variable(tf.tensor1d(Array.from(w0)));
            for (let t = 0; t < steps; t++) {
              const grad = tf.tensor1d(Float32Array.from(grads.subarray(t * n, (t + 1) * n)));
              opt.applyGradients({ [w.name]: grad });
              grad.dispose();
            }
            expectClose(w.dataSync(), expected, 1e-4);
            opt.dispose();
            w.dispose();
          }
        });
      }
    });

    describe('fast weights', () => {
      it('fastWeights equals a float64 fast-weights recursion (slow + decaying fast part)', () => {
        const n = 10;
        const steps = 50;
        const [alphaSlow, alphaFast, retention] = [0.02, 0.3, 0.8];
        const grads = normals(4, steps * n);
        const opt = fastWeights({
          slowLearningRate: alphaSlow,
          fastLearningRate: alphaFast,
          fastRetention: retention,
        });
        const w = tf.variable(tf.ones([n]));
        for (let t = 0; t < steps; t++) {
          const g = tf.tensor1d(Float32Array.from(grads.subarray(t * n, (t + 1) * n)));
          opt.applyGradients([{ name: w.name, tensor: g }]);
          g.dispose();
        }
        // Hinton & Plaut's fast weights, written out: the weight starts as all slow part.
        const expected = Array.from({ length: n }, (_, j) => {
          let slow = 1;
          let fast = 0;
          for (let t = 0; t < steps; t++) {
            const g = grads[t * n + j] as number;
            slow -= alphaSlow * g;
            fast = retention * fast - alphaFast * g;
          }
          return slow + fast;
        });
        expectClose(w.dataSync(), expected, 1e-5);
        w.dispose();
        opt.dispose();
      });

      it('when the fast part has decayed, w equals the slow part', () => {
        const opt = fastWeights({
          slowLearningRate: 0.05,
          fastLearningRate: 0.5,
          fastRetention: 0.5,
        });
        const w = tf.variable(tf.tensor1d([0.3, -0.2, 0.1]));
        // Slow part after one gradient: w0 − α_s·g, computed in float64.
        const g = [1, -2, 0.5];
        const slow = [0.3, -0.2, 0.1].map((x, i) => x - 0.05 * (g[i] as number));
        opt.applyGradients({ [w.name]: tf.tensor1d(g) });
        const zero = tf.zeros([3]);
        for (let t = 0; t < 80; t++) opt.applyGradients({ [w.name]: zero });
        const stacked = opt.subweights(w);
        const parts = stacked.arraySync() as number[][];
        stacked.dispose();
        expect(maxAbsDiff(w.dataSync(), slow)).toBeLessThan(1e-6);
        expect(maxAbsDiff(parts[0] as number[], slow)).toBeLessThan(1e-6);
        expect(maxAbs(parts[1] as number[])).toBeLessThan(1e-6);
        tf.dispose([zero, w]);
        opt.dispose();
      });
    });

    describe('save and resume', () => {
      const makers: Array<[string, () => tf.Optimizer]> = [
        ['multiscale', () => multiscale({ alpha: [0.01, 0.05, 0.2], gamma: [1, 0.95, 0.6] })],
        [
          'fastWeights',
          () => fastWeights({ slowLearningRate: 0.02, fastLearningRate: 0.1, fastRetention: 0.9 }),
        ],
        ['momentum diagonal', () => momentum({ learningRate: 0.02, momentum: 0.9 })],
        [
          'momentum coupled',
          () => momentum({ learningRate: 0.02, momentum: 0.9, nesterov: true, form: 'coupled' }),
        ],
        ['bennaFusi diagonal', () => bennaFusi({ learningRate: 0.2, beakers: 4 })],
        ['bennaFusi coupled', () => bennaFusi({ learningRate: 0.2, beakers: 4, form: 'coupled' })],
      ];
      for (const [name, make] of makers) {
        it(`${name}: 100 + save/load + 100 steps = 200 steps`, async () => {
          const { x, y } = data(21);
          const fitEpochs = (model: tf.LayersModel, epochs: number) =>
            model.fit(x, y, { epochs, batchSize: 32, shuffle: false, verbose: 0 });
          const straight = makeModel(31);
          const resumed = makeModel(32);
          copyWeights(straight, resumed);
          straight.compile({ optimizer: make(), loss: 'meanSquaredError' });
          resumed.compile({ optimizer: make(), loss: 'meanSquaredError' });
          await fitEpochs(straight, 200);
          await fitEpochs(resumed, 100);
          const loaded = await reloadWithOptimizer(resumed);
          expect(loaded.optimizer.getClassName()).toBe(resumed.optimizer.getClassName());
          expect(loaded.optimizer.iterations).toBe(100);
          await fitEpochs(loaded, 100);
          expectClose(flatWeights(loaded), flatWeights(straight), 1e-6);
          for (const model of [straight, resumed, loaded]) {
            model.optimizer.dispose();
            model.dispose();
          }
          tf.dispose([x, y]);
        });
      }
    });

    describe('memory', () => {
      it('no tensors leak between step 10 and step 1000; dispose() frees every slot', () => {
        const before = tf.memory().numTensors;
        const opt = bennaFusi({ learningRate: 0.1, beakers: 5, form: 'coupled' });
        const opt2 = multiscale({ alpha: [0.1, 0.2, 0.3], gamma: [1, 0.9, 0.5] });
        const a = tf.tidy(() => tf.variable(tf.ones([4, 3])));
        const b = tf.tidy(() => tf.variable(tf.ones([7])));
        const loss = () => tf.add(tf.sum(tf.square(a)), tf.sum(tf.square(b))) as tf.Scalar;
        let at10 = 0;
        for (let t = 1; t <= 1000; t++) {
          opt.minimize(loss, false, [a, b]);
          opt2.minimize(loss, false, [a, b]);
          if (t === 10) at10 = tf.memory().numTensors;
        }
        expect(tf.memory().numTensors).toBe(at10);
        opt.dispose();
        opt2.dispose();
        tf.dispose([a, b]);
        expect(tf.memory().numTensors).toBe(before);
      });

      it('keeps k−1 slot values per weight (k = 2 costs what tf.train.momentum costs)', async () => {
        const w = tf.variable(tf.ones([5, 4]));
        const g = tf.onesLike(w);
        for (const [opt, k] of [
          [momentum({ learningRate: 0.1, momentum: 0.9 }), 2],
          [bennaFusi({ learningRate: 0.1, beakers: 6 }), 6],
          [bennaFusi({ learningRate: 0.1, beakers: 6, form: 'coupled' }), 6],
          [multiscale({ alpha: [0.1], gamma: [1] }), 1],
        ] as const) {
          opt.applyGradients({ [w.name]: g });
          const slots = (await opt.getWeights()).slice(1);
          expect(slots.reduce((n, s) => n + s.tensor.size, 0)).toBe((k - 1) * w.size);
          opt.dispose();
        }
        const ref = tf.train.momentum(0.1, 0.9);
        ref.applyGradients({ [w.name]: g });
        expect((await ref.getWeights()).slice(1).reduce((n, s) => n + s.tensor.size, 0)).toBe(
          w.size,
        );
        ref.dispose();
        tf.dispose([w, g]);
      });
    });

    describe('slots are keyed by variable name', () => {
      it('one optimizer training two models in alternation = one optimizer per model', () => {
        const { x, y } = data(41);
        const models = [makeModel(51), makeModel(52)];
        const copies = [makeModel(53), makeModel(54)];
        models.forEach((m, i) => {
          copyWeights(m, copies[i] as tf.Sequential);
        });
        const shared = momentum({ learningRate: 0.05, momentum: 0.9 });
        const own = [
          momentum({ learningRate: 0.05, momentum: 0.9 }),
          momentum({ learningRate: 0.05, momentum: 0.9 }),
        ];
        for (let round = 0; round < 20; round++) {
          for (let i = 0; i < 2; i++) {
            train(models[i] as tf.Sequential, shared, 3, x, y);
            train(copies[i] as tf.Sequential, own[i] as tf.Optimizer, 3, x, y);
          }
        }
        for (let i = 0; i < 2; i++) {
          expect(
            maxAbsDiff(
              flatWeights(models[i] as tf.Sequential),
              flatWeights(copies[i] as tf.Sequential),
            ),
          ).toBe(0);
        }
        for (const o of [shared, ...own]) o.dispose();
        for (const m of [...models, ...copies]) m.dispose();
        tf.dispose([x, y]);
      });

      it('applyGradients takes the named-map and the array form alike', () => {
        const run = (arrayForm: boolean) => {
          const opt = multiscale({ alpha: [0.1, 0.4], gamma: [1, 0.7] });
          const w = tf.variable(tf.tensor1d([1, 2, 3]));
          for (let t = 0; t < 5; t++) {
            const g = tf.tensor1d([t, -t, 1]);
            opt.applyGradients(arrayForm ? [{ name: w.name, tensor: g }] : { [w.name]: g });
            g.dispose();
          }
          const out = w.dataSync().slice();
          tf.dispose(w);
          opt.dispose();
          return out;
        };
        expect(maxAbsDiff(run(true), run(false))).toBe(0);
      });
    });

    describe('configuration', () => {
      it('getConfig/fromConfig round-trips through the serialization registry', () => {
        for (const opt of [
          multiscale({ alpha: [0.1, 0.2], gamma: [1, 0.5] }),
          bennaFusi({ learningRate: 0.3, beakers: 3, form: 'coupled' }),
        ]) {
          const cls = tf.serialization.SerializationMap.getMap().classNameMap[opt.getClassName()];
          expect(cls).toBeDefined();
          const [ctor, fromConfig] = cls as NonNullable<typeof cls>;
          const copy = fromConfig(ctor, opt.getConfig()) as tf.Optimizer;
          expect(copy.getConfig()).toEqual(opt.getConfig());
          expect(copy).toBeInstanceOf(
            opt instanceof MultiscaleOptimizer ? MultiscaleOptimizer : LinearDynamicsOptimizer,
          );
        }
      });
      it('rejects a bad form and a bad initialShare', () => {
        expect(() =>
          momentum({ learningRate: 0.1, momentum: 0.5, form: 'dense' as 'coupled' }),
        ).toThrowError(
          /momentum: form = "dense" is not allowed; it must be 'diagonal' or 'coupled'/,
        );
        expect(() =>
          multiscale({ alpha: [1, 1], gamma: [1, 0.5], initialShare: [0.5, 0.2] }),
        ).toThrowError(/sum\(initialShare\) = 0\.7.*must be 1/);
      });
    });
  });
}
