/**
 * tfjs-core's momentum optimizer tests, ported to this library's momentum in both forms:
 * tf.train.momentum(η, β, nesterov) is momentum({learningRate: η, momentum: β, nesterov, form}).
 *
 * Original: tensorflow/tfjs, tfjs-core/src/optimizers/momentum_optimizer_test.ts (Apache-2.0).
 * Same steps, same expected values, same tolerance (tfjs's expectArraysClose, 1e-3 on float32).
 * By design one tensor count differs: tf.train.momentum also keeps its learning rate as a scalar
 * tensor (`m`), so its dispose() frees 2 tensors; ours keeps plain numbers and frees only the slot
 * (see "Differences from tf.train" in the README).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LinearDynamicsOptimizer, MultiscaleOptimizer, momentum } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectArraysClose } from './tfjs-test-util.js';

/** Tensors tf.train.momentum's dispose() frees beyond ours: its learning-rate scalar `m`. */
const TFJS_LEARNING_RATE_TENSOR = 1;

for (const backend of BACKENDS) {
  for (const form of ['diagonal', 'coupled'] as const) {
    const make = (learningRate: number, beta: number, nesterov = false) =>
      momentum({ learningRate, momentum: beta, nesterov, form });

    describe(`MomentumOptimizer (tfjs-core's tests) as momentum({form: '${form}'}), on ${backend}`, () => {
      beforeAll(async () => {
        await useBackend(backend);
      });

      it('basic', async () => {
        const learningRate = 0.1;
        const beta = 0.5;
        const optimizer = make(learningRate, beta);
        const x = tf.tensor1d([1, 2]).variable();
        const f: () => tf.Scalar = () => x.square().sum();
        let numTensors = tf.memory().numTensors;
        let cost = optimizer.minimize(f, /* returnCost */ true);
        // Cost & velocity should be the only additional arrays.
        expect(tf.memory().numTensors).toBe(numTensors + 2);
        // newAccumulation = momentum * accumulation + gradient
        // newVariable += -learningRate * newAccumulation + variable
        // de/dx = [2, 4], newAccumulation = [2, 4], x = [.8, 1.6]
        expectArraysClose(await x.data(), [0.8, 1.6]);
        cost?.dispose();
        numTensors = tf.memory().numTensors;
        cost = optimizer.minimize(f, /* returnCost */ false);
        // de/dx = [1.6, 3.2], accumulation = [2, 4], newAccumulation = [2.6, 5.2]
        // x = [0.54, 1.08]
        expectArraysClose(await x.data(), [0.54, 1.08]);
        // There should be no new additional tensors.
        expect(tf.memory().numTensors).toBe(numTensors);
        expect(cost).toBe(null);
        x.dispose();
        numTensors = tf.memory().numTensors;
        optimizer.dispose();
        // dispose() frees the slot of x (tfjs: also its learning-rate tensor).
        expect(tf.memory().numTensors).toBe(numTensors - 2 + TFJS_LEARNING_RATE_TENSOR);
      });

      it('basic - with Nesterov', async () => {
        const learningRate = 0.1;
        const beta = 0.5;
        const optimizer = make(learningRate, beta, true);
        const x = tf.tensor1d([1, 2]).variable();
        const f: () => tf.Scalar = () => x.square().sum();
        let numTensors = tf.memory().numTensors;
        let cost = optimizer.minimize(f, /* returnCost */ true);
        // Cost and velocity should be the only additional arrays.
        expect(tf.memory().numTensors).toBe(numTensors + 2);
        // newAccumulation = momentum * accumulation + gradient
        // newVariable = -learningRate * (newAccumulation * momentum + gradient) + variable
        // de/dx = [2, 4], newAccumulation = [2, 4]
        // newVariable = -0.1 * ([2, 4] * 0.5 + [2, 4]) + [1, 2], x = [.7, 1.4]
        expectArraysClose(await x.data(), [0.7, 1.4]);
        cost?.dispose();
        numTensors = tf.memory().numTensors;
        cost = optimizer.minimize(f, /* returnCost */ false);
        // de/dx = [1.4, 2.8], accumulation = [2, 4]
        // newAccumulation = [0.5 * 2 + 1.4, 0.5 * 4 + 2.8] = [2.4, 4.8]
        // newVariable = -0.1 * ([2.4, 4.8] * 0.5 + [1.4, 2.8]) + [0.7, 1.4], x = [0.44, 0.88]
        expectArraysClose(await x.data(), [0.44, 0.88]);
        // There should be no new additional tensors.
        expect(tf.memory().numTensors).toBe(numTensors);
        expect(cost).toBe(null);
        x.dispose();
        numTensors = tf.memory().numTensors;
        optimizer.dispose();
        expect(tf.memory().numTensors).toBe(numTensors - 2 + TFJS_LEARNING_RATE_TENSOR);
      });

      it('Save, load weights and continue training', async () => {
        const learningRate = 0.1;
        const beta = 0.5;
        const optimizer1 = make(learningRate, beta, true);
        const x = tf.tensor1d([1, 2]).variable();
        const f: () => tf.Scalar = () => x.square().sum();
        let cost = optimizer1.minimize(f, /* returnCost */ true);
        // The iterations counter and the accumulation for the variable x.
        const optimizer2 = make(learningRate, beta, true);
        await optimizer2.setWeights(await optimizer1.getWeights());
        cost = optimizer2.minimize(f, /* returnCost */ true);
        expectArraysClose(await (cost as tf.Scalar).data(), 2.45);
        expectArraysClose(await x.data(), [0.44, 0.88]);
        expect(optimizer2.iterations).toEqual(2);
        x.dispose();
      });

      it('serialization round-trip', () => {
        const originalOpt = make(0.1, 0.2, true);
        const cls =
          originalOpt instanceof MultiscaleOptimizer
            ? MultiscaleOptimizer
            : LinearDynamicsOptimizer;
        const reserialized = cls.fromConfig(cls, originalOpt.getConfig());
        expect(reserialized.getConfig()).toEqual(originalOpt.getConfig());
      });
    });
  }
}
