/**
 * tfjs-core's SGD optimizer tests, ported to this library's SGD: tf.train.sgd(η) is
 * multiscale({alpha: [η], gamma: [1]}) (one subweight that never decays).
 *
 * Original: tensorflow/tfjs, tfjs-core/src/optimizers/sgd_optimizer_test.ts (Apache-2.0). Same
 * steps, same expected values, same tolerance (tfjs's expectArraysClose, 1e-3 on float32). Tensor
 * counts are relative to the count before the test, because vitest runs other tests in the same
 * process (the original counts from an empty engine).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MultiscaleOptimizer, multiscale } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectArraysClose } from './tfjs-test-util.js';

const sgd = (learningRate: number) => multiscale({ alpha: [learningRate], gamma: [1] });

for (const backend of BACKENDS) {
  describe(`SGDOptimizer (tfjs-core's tests) as multiscale, on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('basic', async () => {
      const start = tf.memory().numTensors;
      const learningRate = 0.1;
      const optimizer = sgd(learningRate);
      const x = tf.scalar(4).variable();
      let numTensors = tf.memory().numTensors;
      let cost = optimizer.minimize(() => x.square(), /* returnCost */ true);
      // Cost should be the only additional array.
      expect(tf.memory().numTensors).toBe(numTensors + 1);
      // de/dx = 2x
      const expectedValue1 = -2 * 4 * learningRate + 4;
      expectArraysClose(await x.data(), [expectedValue1]);
      expectArraysClose(await (cost as tf.Scalar).data(), [4 ** 2]);
      cost?.dispose();
      numTensors = tf.memory().numTensors;
      cost = optimizer.minimize(() => x.square(), /* returnCost */ false);
      // There should be no new additional tensors.
      expect(tf.memory().numTensors).toBe(numTensors);
      const expectedValue2 = -2 * expectedValue1 * learningRate + expectedValue1;
      expectArraysClose(await x.data(), [expectedValue2]);
      expect(cost).toBe(null);
      optimizer.dispose();
      x.dispose();
      // The only tensor remaining is the argument to variable().
      expect(tf.memory().numTensors).toBe(start + 1);
    });

    it('Set and get weights: empty', async () => {
      const x = tf.scalar(4).variable();
      const learningRate = 0.1;
      const optimizer1 = sgd(learningRate);
      let weights = await optimizer1.getWeights();
      expect(optimizer1.iterations).toEqual(0);
      optimizer1.minimize(() => x.square());
      weights = await optimizer1.getWeights();
      expect(optimizer1.iterations).toEqual(1);
      expect(weights.length).toEqual(1);
      expect(weights[0]?.name).toEqual('iter');
      expectArraysClose(await (weights[0] as { tensor: tf.Tensor }).tensor.data(), 1);
      const optimizer2 = sgd(learningRate);
      await optimizer2.setWeights(weights);
      optimizer2.minimize(() => x.square());
      expectArraysClose(await x.data(), 2.56);
      expect(optimizer2.iterations).toEqual(2);
      const optimizer3 = sgd(learningRate);
      await optimizer3.setWeights(await optimizer2.getWeights());
      optimizer3.minimize(() => x.square());
      expectArraysClose(await x.data(), 2.048);
      expect(optimizer3.iterations).toEqual(3);
      x.dispose();
    });

    it('serialization round-trip', () => {
      const learningRate = 0.1;
      const originalOpt = sgd(learningRate);
      const reserialized = MultiscaleOptimizer.fromConfig(
        MultiscaleOptimizer,
        originalOpt.getConfig(),
      );
      expect(reserialized.getConfig()).toEqual(originalOpt.getConfig());
    });
  });
}
