// Coming from tf.train: a tf.train.momentum checkpoint loads into momentum() (both forms, with and
// without Nesterov, both velocity conventions) and training continues on tf.train.momentum's own
// trajectory; tf.train.sgd's checkpoint (iterations only) loads into any optimizer.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { momentum, multiscale } from '../src/index.js';
import { BACKENDS, maxAbs, maxAbsDiff, normals, useBackend } from './helpers/backends.js';

const n = 12;
/** A fixed quadratic L = ½‖A(w − w*)‖², so the gradient depends on where the weights are. */
function gradientAt(w: tf.Variable, a: tf.Tensor2D, target: tf.Tensor1D): tf.Tensor {
  return tf.tidy(() => {
    const r = tf.matMul(a, tf.reshape(tf.sub(w, target), [n, 1]));
    return tf.reshape(tf.matMul(a, r, true), [n]);
  });
}

function steps(
  opt: tf.Optimizer,
  w: tf.Variable,
  a: tf.Tensor2D,
  target: tf.Tensor1D,
  count: number,
) {
  for (let t = 0; t < count; t++) {
    const g = gradientAt(w, a, target);
    opt.applyGradients({ [w.name]: g });
    g.dispose();
  }
}

for (const backend of BACKENDS) {
  describe(`on ${backend}: tf.train.momentum → momentum()`, () => {
    let a: tf.Tensor2D;
    let target: tf.Tensor1D;
    beforeAll(async () => {
      await useBackend(backend);
      a = tf.tensor2d(
        Array.from(normals(7, n * n), (x) => x / Math.sqrt(n)),
        [n, n],
      );
      target = tf.tensor1d(Array.from(normals(8, n)));
    });
    afterAll(() => tf.dispose([a, target]));

    for (const form of ['diagonal', 'coupled'] as const) {
      for (const nesterov of [false, true]) {
        it(`${form}${nesterov ? ', Nesterov' : ''}: 20 tfjs steps, save, load, 30 more = tfjs's 50 (≤ 1e-5 relative)`, async () => {
          const eta = 0.05;
          const beta = 0.9;
          const w = tf.variable(
            tf.tensor1d(Array.from(normals(9, n))),
            true,
            `w_${form}_${nesterov}`,
          );
          const reference = tf.train.momentum(eta, beta, nesterov);
          steps(reference, w, a, target, 20);
          const checkpoint = await reference.getWeights();
          expect(checkpoint.map((x) => x.name)).toEqual(['iter', `${w.name}/momentum`]);
          const saved = await Promise.all(
            checkpoint.map(async (x) => ({ name: x.name, tensor: tf.clone(x.tensor) })),
          );
          const w20 = tf.clone(w);

          steps(reference, w, a, target, 30);
          const expected = await w.data();

          w.assign(w20);
          const ours = momentum({ learningRate: eta, momentum: beta, nesterov, form });
          await ours.setWeights(saved);
          expect(ours.iterations).toBe(20);
          steps(ours, w, a, target, 30);
          const got = await w.data();
          expect(maxAbsDiff(got, expected) / maxAbs(expected)).toBeLessThanOrEqual(1e-5);
          // Without the velocity the trajectory is visibly different: the test can fail.
          w.assign(w20);
          const fresh = momentum({ learningRate: eta, momentum: beta, nesterov, form });
          steps(fresh, w, a, target, 30);
          expect(maxAbsDiff(await w.data(), expected) / maxAbs(expected)).toBeGreaterThan(1e-3);

          tf.dispose([w, w20, ...saved.map((x) => x.tensor)]);
          reference.dispose();
          ours.dispose();
          fresh.dispose();
        });
      }
    }

    it('EMA convention: the velocity is rescaled by 1 − β, so momentum({ema: true}) with η/(1 − β) continues the same trajectory', async () => {
      const eta = 0.02;
      const beta = 0.8;
      const w = tf.variable(tf.tensor1d(Array.from(normals(10, n))), true, 'w_ema');
      const reference = tf.train.momentum(eta, beta);
      steps(reference, w, a, target, 20);
      const saved = await Promise.all(
        (await reference.getWeights()).map(async (x) => ({
          name: x.name,
          tensor: tf.clone(x.tensor),
        })),
      );
      const w20 = tf.clone(w);
      steps(reference, w, a, target, 30);
      const expected = await w.data();
      for (const form of ['diagonal', 'coupled'] as const) {
        w.assign(w20);
        const ours = momentum({ learningRate: eta / (1 - beta), momentum: beta, ema: true, form });
        await ours.setWeights(saved);
        steps(ours, w, a, target, 30);
        expect(maxAbsDiff(await w.data(), expected) / maxAbs(expected)).toBeLessThanOrEqual(1e-5);
        ours.dispose();
      }
      tf.dispose([w, w20, ...saved.map((x) => x.tensor)]);
      reference.dispose();
    });

    it('tf.train.sgd has no state to carry: its checkpoint restores the step count; a momentum checkpoint elsewhere is refused clearly', async () => {
      const w = tf.variable(tf.zeros([n]), true, 'w_sgd');
      const sgd = tf.train.sgd(0.1);
      steps(sgd, w, a, target, 3);
      const ours = multiscale({ alpha: [0.1], gamma: [1] });
      await ours.setWeights(await sgd.getWeights());
      expect(ours.iterations).toBe(3);
      const mom = tf.train.momentum(0.1, 0.9);
      steps(mom, w, a, target, 1);
      await expect(ours.setWeights(await mom.getWeights())).rejects.toThrow(
        /MultiscaleOptimizer\.setWeights: weight "w_sgd\/momentum" is not a "subweights" slot.*tf\.train\.momentum checkpoints load: the latter into momentum\(\)/,
      );
      tf.dispose(w);
      sgd.dispose();
      mom.dispose();
      ours.dispose();
    });
  });
}
