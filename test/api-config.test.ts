// Config keeps the user's parameters: getConfig carries the recipe (factory + options), a model
// saved with its optimizer and loaded back rebuilds the optimizer from it, and configs saved before
// recipes existed (alpha/gamma/initialShare, or T/b/c only) still load.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bennaFusi,
  fastWeights,
  LinearDynamicsOptimizer,
  MultiscaleOptimizer,
  momentum,
  multiscale,
  recipeOf,
} from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { reloadWithOptimizer } from './helpers/round-trip.js';

const cases: Array<[string, () => tf.Optimizer, string, Record<string, unknown>]> = [
  [
    'momentum (Nesterov, diagonal)',
    () => momentum({ learningRate: 0.02, momentum: 0.9, nesterov: true }),
    'momentum',
    { learningRate: 0.02, momentum: 0.9, nesterov: true },
  ],
  [
    'momentum (coupled)',
    () => momentum({ learningRate: 0.02, momentum: 0.8, form: 'coupled' }),
    'momentum',
    { learningRate: 0.02, momentum: 0.8, form: 'coupled' },
  ],
  [
    'bennaFusi with its constants',
    () =>
      bennaFusi({
        learningRate: 0.3,
        beakers: 3,
        capacities: [1, 2, 4],
        couplings: [0.2, 0.1, 0.05],
      }),
    'bennaFusi',
    { learningRate: 0.3, beakers: 3, capacities: [1, 2, 4], couplings: [0.2, 0.1, 0.05] },
  ],
  [
    'bennaFusi (coupled)',
    () => bennaFusi({ learningRate: 0.3, beakers: 4, form: 'coupled' }),
    'bennaFusi',
    { learningRate: 0.3, beakers: 4, form: 'coupled' },
  ],
  [
    'fastWeights',
    () => fastWeights({ slowLearningRate: 0.01, fastLearningRate: 0.2, fastRetention: 0.9 }),
    'fastWeights',
    { slowLearningRate: 0.01, fastLearningRate: 0.2, fastRetention: 0.9 },
  ],
  [
    'multiscale from a learning rate and timescales (Infinity survives JSON)',
    () => multiscale({ learningRate: 0.2, timescales: [Number.POSITIVE_INFINITY, 10] }),
    'multiscale',
    { learningRate: 0.2, timescales: [Number.POSITIVE_INFINITY, 10] },
  ],
];

describe('config keeps the recipe', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it.each(cases)('%s: getConfig shows the options as passed', (_, make, factory, options) => {
    const opt = make();
    expect(recipeOf(opt)).toEqual({ factory, options });
    const config = opt.getConfig();
    expect((config.recipe as { factory: string }).factory).toBe(factory);
    opt.dispose();
  });

  it.each(cases)(
    '%s: model.save → tf.loadLayersModel rebuilds it from the recipe',
    async (_, make, factory, options) => {
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
      const original = make();
      model.compile({ optimizer: original, loss: 'meanSquaredError' });
      await model.fit(tf.ones([4, 3]), tf.ones([4, 2]), { epochs: 2, verbose: 0 });
      const loaded = await reloadWithOptimizer(model);
      const opt = loaded.optimizer;
      expect(opt.getClassName()).toBe(original.getClassName());
      expect(recipeOf(opt)).toEqual({ factory, options });
      // The derived constants are the same as the original's.
      const { recipe: _r1, ...constants } = original.getConfig();
      const { recipe: _r2, ...loadedConstants } = opt.getConfig();
      expect(loadedConstants).toEqual(constants);
      model.dispose();
      loaded.dispose();
    },
  );

  it('old configs without a recipe still load, from the constants', () => {
    const old = MultiscaleOptimizer.fromConfig(MultiscaleOptimizer, {
      alpha: [0.2, -0.1],
      gamma: [1, 0.5],
      initialShare: [1, 0],
    }) as MultiscaleOptimizer;
    expect(old.alpha).toEqual([0.2, -0.1]);
    expect(recipeOf(old)).toBeUndefined();
    const coupled = LinearDynamicsOptimizer.fromConfig(LinearDynamicsOptimizer, {
      transition: [
        [1, -0.09],
        [0, 0.9],
      ],
      input: [-0.1, 1],
      readout: [1, 0],
    }) as LinearDynamicsOptimizer;
    expect(coupled.dynamics.transition[1]).toEqual([0, 0.9]);
    expect(recipeOf(coupled)).toBeUndefined();
  });

  it('a recipe whose factory is not registered here keeps the constants and the recipe', () => {
    const opt = MultiscaleOptimizer.fromConfig(MultiscaleOptimizer, {
      alpha: [0.1],
      gamma: [1],
      initialShare: [1],
      recipe: { factory: 'someoneElses', options: { rate: 0.1 } },
    }) as MultiscaleOptimizer;
    expect(opt.alpha).toEqual([0.1]);
    expect(recipeOf(opt)).toEqual({ factory: 'someoneElses', options: { rate: 0.1 } });
  });
});

describe('subweights of a layer weight', () => {
  it('accepts a tfjs-layers LayerVariable (layer.trainableWeights[0]) and sums to the weight', async () => {
    await useBackend('cpu');
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
    const opt = multiscale({ alpha: [0.05, 0.1], gamma: [1, 0.5] });
    model.compile({ optimizer: opt, loss: 'meanSquaredError' });
    await model.fit(tf.ones([4, 3]), tf.ones([4, 2]), { epochs: 3, verbose: 0 });
    const kernel = model.layers[0]?.trainableWeights[0] as tf.LayerVariable;
    const parts = opt.subweights(kernel);
    expect(parts.shape).toEqual([2, 3, 2]);
    const sum = await tf.sum(parts, 0).data();
    const w = await kernel.read().data();
    sum.forEach((x, i) => {
      expect(x).toBeCloseTo(w[i] as number, 6);
    });
    expect(() => opt.subweights({} as tf.Variable)).toThrow(
      /^MultiscaleOptimizer\.subweights: weight = \{\} is not allowed; pass a tf\.Variable or a tfjs-layers LayerVariable/,
    );
    parts.dispose();
    model.dispose();
  });
});
