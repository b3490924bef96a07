/**
 * tfjs-layers' tests of saving and loading a model with its optimizer (`includeOptimizer: true`)
 * and of training with an optimizer object, ported to this library's optimizers: tf.train.sgd(η)
 * is multiscale({alpha: [η], gamma: [1]}), tf.train.momentum(η, β) is momentum({learningRate: η,
 * momentum: β, form}) in both forms.
 *
 * Originals (tensorflow/tfjs, Apache-2.0):
 * - tfjs-layers/src/models_test.ts, "Saving+loading model with optimizer": 'SGD', 'Momentum',
 *   'Saving model without calling fit first';
 * - tfjs-layers/src/engine/training_test.ts: '1 input, 1 output, dense, 1 weight, optimizer
 *   object, 1 batch' and 'Model.dispose() skips non-owned optimizer: Sequential'.
 * Same models, data, expected values and tolerances (jasmine's toBeCloseTo: 2 decimals; tfjs's
 * expectArraysClose: 1e-3). By design, two expectations differ, as listed in the README under
 * "Differences from tf.train": slot names (`${weight}/subweights` or `${weight}/state` instead of
 * `${weight}/momentum`) and the config (alpha/gamma or the dynamics, not learningRate/momentum).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { momentum, multiscale } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { saveWithOptimizer } from '../helpers/round-trip.js';
import { expectArraysClose } from './tfjs-test-util.js';

function byteLength(artifacts: tf.io.ModelArtifacts): number {
  return new tf.io.CompositeArrayBuffer(artifacts.weightData).byteLength;
}

async function expectSameOptimizerWeights(a: tf.Optimizer, b: tf.Optimizer): Promise<void> {
  const wa = await a.getWeights();
  const wb = await b.getWeights();
  expect(wb.length).toEqual(wa.length);
  for (let i = 0; i < wa.length; ++i) {
    expectArraysClose(
      await (wb[i] as { tensor: tf.Tensor }).tensor.data(),
      await (wa[i] as { tensor: tf.Tensor }).tensor.data(),
    );
  }
}

for (const backend of BACKENDS) {
  describe(`Saving+loading model with optimizer (tfjs-layers' tests), on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('SGD as multiscale({alpha: [η], gamma: [1]})', async () => {
      const model1 = tf.sequential();
      model1.add(tf.layers.dense({ units: 1, inputShape: [8], kernelInitializer: 'ones' }));
      const learningRate = 0.02;
      model1.compile({
        loss: 'meanSquaredError',
        optimizer: multiscale({ alpha: [learningRate], gamma: [1] }),
      });
      const xs = tf.ones([4, 8]);
      const ys = tf.zeros([4, 1]);
      await model1.fit(xs, ys, { epochs: 1 });
      const savedArtifacts = await saveWithOptimizer(model1);
      expect(savedArtifacts.trainingConfig?.loss).toEqual('mean_squared_error');
      const weightSpecs = savedArtifacts.weightSpecs as tf.io.WeightsManifestEntry[];
      // The first two weights belong to the model proper; the next is the iterations counter.
      expect(weightSpecs.length).toEqual(2 + 1);
      expect(weightSpecs[2]?.name).toEqual('iter');
      // Kernel (8 floats), bias (1 float), iterations (4 bytes).
      expect(byteLength(savedArtifacts)).toEqual(4 * 8 + 4 * 1 + 4);
      const model2 = await tf.loadLayersModel(tf.io.fromMemory(savedArtifacts));
      // By design: the config holds alpha/gamma, not learningRate.
      expect(model2.optimizer.getConfig().alpha).toEqual([learningRate]);
      await expectSameOptimizerWeights(model1.optimizer, model2.optimizer);
      // fit() on the loaded model has the effect of fit() again on the original.
      const history = await model2.fit(xs, ys, { epochs: 1 });
      expect(history.history.loss?.[0]).toBeCloseTo(26.2144);
      tf.dispose([xs, ys]);
    });

    for (const form of ['diagonal', 'coupled'] as const) {
      it(`Momentum as momentum({form: '${form}'})`, async () => {
        const model1 = tf.sequential();
        model1.add(tf.layers.dense({ units: 1, inputShape: [8], kernelInitializer: 'ones' }));
        const learningRate = 0.02;
        const beta = 0.91;
        model1.compile({
          loss: 'meanSquaredError',
          optimizer: momentum({ learningRate, momentum: beta, form }),
        });
        const xs = tf.ones([4, 8]);
        const ys = tf.zeros([4, 1]);
        await model1.fit(xs, ys, { epochs: 1 });
        const savedArtifacts = await saveWithOptimizer(model1);
        expect(savedArtifacts.trainingConfig?.loss).toEqual('mean_squared_error');
        const weightSpecs = savedArtifacts.weightSpecs as tf.io.WeightsManifestEntry[];
        // Model weights, the iterations counter, then one slot per weight: k − 1 = 1 row each,
        // as many values as tf.train.momentum keeps (by design named after our slot).
        expect(weightSpecs.length).toEqual(2 + 1 + 2);
        expect(weightSpecs[2]?.name).toEqual('iter');
        const slot = form === 'diagonal' ? 'subweights' : 'state';
        expect(weightSpecs[3]?.name).toEqual(`${weightSpecs[0]?.name}/${slot}`);
        expect(weightSpecs[4]?.name).toEqual(`${weightSpecs[1]?.name}/${slot}`);
        expect(byteLength(savedArtifacts)).toEqual(4 + 4 * 8 * 2 + 4 * 1 * 2);
        const model2 = await tf.loadLayersModel(tf.io.fromMemory(savedArtifacts));
        expect(model2.optimizer.getClassName()).toEqual(model1.optimizer.getClassName());
        await expectSameOptimizerWeights(model1.optimizer, model2.optimizer);
        const history = await model2.fit(xs, ys, { epochs: 1 });
        expect(history.history.loss?.[0]).toBeCloseTo(26.2144);
        tf.dispose([xs, ys]);
      });
    }

    it('Saving model without calling fit first', async () => {
      const model1 = tf.sequential();
      model1.add(
        tf.layers.dense({
          units: 3,
          inputShape: [8],
          kernelInitializer: 'ones',
          activation: 'softmax',
        }),
      );
      model1.compile({
        loss: 'categoricalCrossentropy',
        optimizer: momentum({ learningRate: 0.01, momentum: 0.9 }),
        metrics: ['acc'],
      });
      const savedArtifacts = await saveWithOptimizer(model1);
      expect(savedArtifacts.trainingConfig?.loss).toEqual('categorical_crossentropy');
      expect(savedArtifacts.trainingConfig?.metrics).toEqual(['acc']);
      const model2 = await tf.loadLayersModel(tf.io.fromMemory(savedArtifacts));
      const xs = tf.ones([4, 8]);
      const ys = tf.tensor2d([
        [0, 0, 1],
        [0, 0, 1],
        [0, 0, 1],
        [0, 0, 1],
      ]);
      const h = await model2.fit(xs, ys, { epochs: 1 });
      expect(h.history.loss?.length).toEqual(1);
      expect(h.history.loss?.[0]).toBeCloseTo(1.0986123);
      expect(h.history.acc).toEqual([0]);
      expect(model2.optimizer.iterations).toEqual(1);
      tf.dispose([xs, ys]);
    });

    it('1 input, 1 output, dense, 1 weight, optimizer object, 1 batch', async () => {
      const inputSize = 4;
      const numSamples = 5;
      const input = tf.input({ shape: [inputSize], dtype: 'float32' });
      const output = tf.layers
        .dense({ units: 1, useBias: false, kernelInitializer: 'ones' })
        .apply(input) as tf.SymbolicTensor;
      const model = tf.model({ inputs: [input], outputs: [output] });
      const inputs = tf.ones([numSamples, inputSize]);
      const targets = tf.ones([numSamples, 1]);
      // Use a custom learning rate for SGD.
      const lr = 0.025;
      model.compile({
        optimizer: multiscale({ alpha: [lr], gamma: [1] }),
        loss: 'meanSquaredError',
      });
      const history = await model.fit(inputs, targets, { batchSize: numSamples, epochs: 1 });
      expect(history.epoch).toEqual([0]);
      const newWeightsValue = model.trainableWeights[0]?.read() as tf.Tensor;
      const expected = new Array(inputSize).fill(1.0 - (inputSize - 1) * 2 * lr);
      expectArraysClose(await newWeightsValue.data(), expected);
      tf.dispose([inputs, targets]);
    });

    it('Model.dispose() skips non-owned optimizer: Sequential', async () => {
      const model = tf.sequential();
      model.add(tf.layers.dense({ units: 1, inputShape: [2] }));
      const optimizer = momentum({ learningRate: 1e-3, momentum: 0.9 });
      model.compile({ loss: 'meanSquaredError', optimizer });
      const xs = tf.zeros([4, 2]);
      const ys = tf.zeros([4, 1]);
      await model.fit(xs, ys, { epochs: 1 });
      const numTensors1 = tf.memory().numTensors;
      const disposalResult = model.dispose();
      const numTensors2 = tf.memory().numTensors;
      // Only the Model's own weights should have been disposed.
      expect(disposalResult.numDisposedVariables).toEqual(2);
      expect(disposalResult.refCountAfterDispose).toEqual(0);
      expect(numTensors1 - numTensors2).toEqual(2);
      optimizer.dispose();
      tf.dispose([xs, ys]);
    });
  });
}
