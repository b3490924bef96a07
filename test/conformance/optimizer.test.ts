/**
 * tfjs-core's tests of the Optimizer base class (minimize, varList, trainable flags), run on this
 * library's optimizers: SGD as multiscale({alpha: [η], gamma: [1]}), whose expected values are
 * tfjs's, and the same checks of which variables move for every other optimizer of the library.
 *
 * Original: tensorflow/tfjs, tfjs-core/src/optimizers/optimizer_test.ts (Apache-2.0). Same steps,
 * same expected values, same tolerance (tfjs's expectArraysClose, 1e-3 on float32). Tensor counts
 * are relative to the count before the test (vitest shares one engine across tests).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bennaFusi, momentum, multiscale, type SlotOptimizer } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectArraysClose } from './tfjs-test-util.js';

const sgd = (learningRate: number) => multiscale({ alpha: [learningRate], gamma: [1] });

for (const backend of BACKENDS) {
  describe(`optimizer (tfjs-core's tests), SGD as multiscale, on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('basic', async () => {
      const start = tf.memory().numTensors;
      const learningRate = 0.1;
      const optimizer = sgd(learningRate);
      const x = tf.scalar(4).variable();
      const bias = tf.scalar(1).variable();
      const strayVariable = tf.scalar(-1).variable();
      let numTensors = tf.memory().numTensors;
      const f = () => x.square().add(bias) as tf.Scalar;
      let cost = optimizer.minimize(f, /* returnCost */ true);
      // Cost should be the only additional array.
      expect(tf.memory().numTensors).toBe(numTensors + 1);
      // de/dx = 2x
      const expectedX1 = -2 * 4 * learningRate + 4;
      // de/db = 1
      const expectedBias1 = -1 * learningRate + 1;
      expectArraysClose(await x.data(), [expectedX1]);
      expectArraysClose(await bias.data(), [expectedBias1]);
      expectArraysClose(await (cost as tf.Scalar).data(), [4 ** 2 + 1]);
      // The stray variable should remain unchanged.
      expectArraysClose(await strayVariable.data(), [-1]);
      cost?.dispose();
      numTensors = tf.memory().numTensors;
      cost = optimizer.minimize(f, /* returnCost */ false);
      // There should be no new additional tensors.
      expect(tf.memory().numTensors).toBe(numTensors);
      const expectedX2 = -2 * expectedX1 * learningRate + expectedX1;
      const expectedBias2 = -learningRate + expectedBias1;
      expectArraysClose(await x.data(), [expectedX2]);
      expectArraysClose(await bias.data(), [expectedBias2]);
      expect(cost).toBe(null);
      // The stray variable should remain unchanged.
      expectArraysClose(await strayVariable.data(), [-1]);
      optimizer.dispose();
      x.dispose();
      bias.dispose();
      strayVariable.dispose();
      // The only tensors remaining are the arguments to variable().
      expect(tf.memory().numTensors).toBe(start + 3);
    });

    it('varList array of all variables', async () => {
      const learningRate = 0.1;
      const optimizer = sgd(learningRate);
      const x = tf.scalar(4).variable();
      const bias = tf.scalar(1).variable();
      const strayVariable = tf.scalar(-1).variable();
      const varList = [x, bias];
      const f = () => x.square().add(bias) as tf.Scalar;
      let cost = optimizer.minimize(f, /* returnCost */ true, varList);
      const expectedX1 = -2 * 4 * learningRate + 4;
      const expectedBias1 = -1 * learningRate + 1;
      expectArraysClose(await x.data(), [expectedX1]);
      expectArraysClose(await bias.data(), [expectedBias1]);
      expectArraysClose(await (cost as tf.Scalar).data(), [4 ** 2 + 1]);
      expectArraysClose(await strayVariable.data(), [-1]);
      cost = optimizer.minimize(f, /* returnCost */ false, varList);
      const expectedX2 = -2 * expectedX1 * learningRate + expectedX1;
      const expectedBias2 = -learningRate + expectedBias1;
      expectArraysClose(await x.data(), [expectedX2]);
      expectArraysClose(await bias.data(), [expectedBias2]);
      expectArraysClose(await strayVariable.data(), [-1]);
      expect(cost).toBe(null);
      tf.dispose([x, bias, strayVariable]);
    });

    it('varList empty array of variables throws error', () => {
      const optimizer = sgd(0.1);
      const x = tf.scalar(4).variable();
      const bias = tf.scalar(1).variable();
      const stray = tf.scalar(-1).variable();
      const varList: tf.Variable[] = [];
      const f = () => x.square().add(bias) as tf.Scalar;
      expect(() => optimizer.minimize(f, /* returnCost */ true, varList)).toThrowError();
      tf.dispose([x, bias, stray]);
    });

    it('varList subset of variables update', async () => {
      const learningRate = 0.1;
      const optimizer = sgd(learningRate);
      const x = tf.scalar(4).variable();
      const bias = tf.scalar(1).variable();
      const strayVariable = tf.scalar(-1).variable();
      const varList = [x];
      const f = () => x.square().add(bias) as tf.Scalar;
      let cost = optimizer.minimize(f, /* returnCost */ true, varList);
      const expectedValue1 = -2 * 4 * learningRate + 4;
      expectArraysClose(await x.data(), [expectedValue1]);
      // bias should remain unchanged.
      expectArraysClose(await bias.data(), [1]);
      expectArraysClose(await (cost as tf.Scalar).data(), [4 ** 2 + 1]);
      expectArraysClose(await strayVariable.data(), [-1]);
      cost = optimizer.minimize(f, /* returnCost */ false, varList);
      const expectedValue2 = -2 * expectedValue1 * learningRate + expectedValue1;
      expectArraysClose(await x.data(), [expectedValue2]);
      expectArraysClose(await bias.data(), [1]);
      expect(cost).toBe(null);
      expectArraysClose(await strayVariable.data(), [-1]);
      tf.dispose([x, bias, strayVariable]);
    });

    it('only bias trainable', async () => {
      const learningRate = 0.1;
      const optimizer = sgd(learningRate);
      const trainable = false;
      const x = tf.scalar(4).variable(trainable);
      const bias = tf.scalar(1).variable();
      const strayVariable = tf.scalar(-1).variable();
      const f = () => x.square().add(bias) as tf.Scalar;
      let cost = optimizer.minimize(f, /* returnCost */ true);
      // x should not have been updated.
      expectArraysClose(await x.data(), [4]);
      const expectedBias1 = -1 * learningRate + 1;
      expectArraysClose(await bias.data(), [expectedBias1]);
      expectArraysClose(await (cost as tf.Scalar).data(), [4 ** 2 + 1]);
      expectArraysClose(await strayVariable.data(), [-1]);
      cost = optimizer.minimize(f, /* returnCost */ false);
      expectArraysClose(await x.data(), [4]);
      const expectedBias2 = -learningRate + expectedBias1;
      expectArraysClose(await bias.data(), [expectedBias2]);
      expect(cost).toBe(null);
      expectArraysClose(await strayVariable.data(), [-1]);
      tf.dispose([x, bias, strayVariable]);
    });

    it('only bias trainable, only x in varList throws error', () => {
      const optimizer = sgd(0.1);
      const x = tf.scalar(4).variable(false);
      const bias = tf.scalar(1).variable();
      const stray = tf.scalar(-1).variable();
      const varList = [x];
      const f = () => x.square().add(bias) as tf.Scalar;
      expect(() => optimizer.minimize(f, /* returnCost */ true, varList)).toThrowError();
      tf.dispose([x, bias, stray]);
    });

    it('instanceof Optimizer', () => {
      const optimizer = sgd(0.1);
      expect(optimizer instanceof tf.Optimizer).toBe(true);
    });

    it('throws error when f returns a non-scalar', () => {
      const optimizer = sgd(0.1);
      const x = tf.tensor1d([1, 2]).variable();
      const f = () => x.square();
      expect(() => optimizer.minimize(f as unknown as () => tf.Scalar)).toThrowError();
      x.dispose();
    });

    // The same varList / trainable checks for the library's other optimizers: which variables
    // move must not depend on the optimizer.
    for (const [name, make] of [
      ['momentum (diagonal)', () => momentum({ learningRate: 0.1, momentum: 0.5 })],
      ['momentum (coupled)', () => momentum({ learningRate: 0.1, momentum: 0.5, form: 'coupled' })],
      ['bennaFusi', () => bennaFusi({ learningRate: 0.1, beakers: 3 })],
    ] as Array<[string, () => SlotOptimizer]>) {
      it(`${name}: a stray, an untrainable and a varList-excluded variable stay put`, async () => {
        const optimizer = make();
        const x = tf.scalar(4).variable();
        const bias = tf.scalar(1).variable();
        const frozen = tf.scalar(2).variable(false);
        const stray = tf.scalar(-1).variable();
        const f = () => x.square().add(bias).add(frozen) as tf.Scalar;
        optimizer.minimize(f, false, [x]);
        optimizer.minimize(f, false);
        expectArraysClose(await stray.data(), [-1]);
        expectArraysClose(await frozen.data(), [2]);
        expect((await x.data())[0]).not.toBe(4);
        expect((await bias.data())[0]).not.toBe(1);
        expect(optimizer instanceof tf.Optimizer).toBe(true);
        optimizer.dispose();
        tf.dispose([x, bias, frozen, stray]);
      });
    }
  });
}
