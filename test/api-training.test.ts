// The README's example trains as well as tf.train.momentum(0.01, 0.9): same small task, same
// initial weights, same epochs, final loss within 10%. The model and optimizer lines below are the
// README's, character for character (a test reads them out of README.md).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { multiscale } from '../src/index.js';
import { BACKENDS, useBackend } from './helpers/backends.js';

const root = new URL('..', import.meta.url).pathname;

/** A small 4-class problem: 1024 points in 20 dimensions, labels from a noisy linear teacher. */
function task(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([1024, 20], 0, 1, 'float32', 1) as tf.Tensor2D;
    const teacher = tf.randomNormal([20, 4], 0, 1, 'float32', 2);
    const noise = tf.randomNormal([1024, 4], 0, 0.5, 'float32', 3);
    const labels = tf.argMax(tf.add(tf.matMul(x, teacher), noise), 1);
    return { x, y: tf.oneHot(labels, 4).toFloat() as tf.Tensor2D };
  });
}

/** The README's model, with seeded initial weights so both optimizers start from the same point. */
function readmeModel(): tf.Sequential {
  const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [20],
        units: 32,
        activation: 'relu',
        kernelInitializer: seeded(4),
      }),
      tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: seeded(5) }),
    ],
  });
}

async function finalLoss(optimizer: tf.Optimizer): Promise<number> {
  const { x, y } = task();
  const model = readmeModel();
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const history = await model.fit(x, y, { epochs: 5, batchSize: 32, shuffle: false, verbose: 0 });
  const losses = history.history.loss as number[];
  model.dispose();
  tf.dispose([x, y]);
  return losses[losses.length - 1] as number;
}

describe("the README's example", () => {
  it('uses the optimizer this test trains', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    expect(readme).toContain(
      'optimizer: multiscale({ learningRate: 0.2, timescales: [Infinity, 10] }),',
    );
    expect(readme).toContain("tf.layers.dense({ units: 4, activation: 'softmax' })");
    expect(readme).toContain("loss: 'categoricalCrossentropy'");
  });

  for (const backend of BACKENDS) {
    it(`on ${backend}: 5 epochs reach a loss within 10% of tf.train.momentum(0.01, 0.9)'s`, async () => {
      await useBackend(backend);
      const reference = await finalLoss(tf.train.momentum(0.01, 0.9));
      const ours = await finalLoss(
        multiscale({ learningRate: 0.2, timescales: [Number.POSITIVE_INFINITY, 10] }),
      );
      // The old README example (α = 0.001, 0.01, 0.1 over γ = 1, 0.99, 0.9) fails this check.
      const old = await finalLoss(multiscale({ alpha: [0.001, 0.01, 0.1], gamma: [1, 0.99, 0.9] }));
      expect(ours, `ours ${ours}, momentum ${reference}`).toBeLessThanOrEqual(1.1 * reference);
      expect(old, `old example ${old}, momentum ${reference}`).toBeGreaterThan(1.1 * reference);
    }, 120_000);
  }
});
