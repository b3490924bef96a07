// Config keeps the user's parameters: getConfig carries the recipe (factory + options), a model
// saved with its optimizer and loaded back rebuilds the optimizer from it, and configs saved before
// recipes existed (alpha/gamma/initialShare, or T/b/c only) still load.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

const root = new URL('..', import.meta.url).pathname;

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

describe('loading in a process that did not import the library', () => {
  /** Saves `model` in memory and writes the artifacts as JSON (weights base64) to a file. */
  async function saveToFile(model: tf.LayersModel, includeOptimizer: boolean): Promise<string> {
    const file = join(root, 'build', `saved-${process.pid}-${includeOptimizer}.json`);
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        const weights = Buffer.from(a.weightData as ArrayBuffer).toString('base64');
        writeFileSync(file, JSON.stringify({ ...a, weightData: weights }));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { includeOptimizer },
    );
    return file;
  }

  /** Loads the file with plain tfjs in a fresh Node process; returns "loaded" or the error. */
  function loadWithPlainTfjs(file: string): string {
    const code = `
      import * as tf from '@tensorflow/tfjs';
      import { readFileSync } from 'node:fs';
      const a = JSON.parse(readFileSync(${JSON.stringify(file)}, 'utf8'));
      a.weightData = new Uint8Array(Buffer.from(a.weightData, 'base64')).buffer;
      try { await tf.loadLayersModel(tf.io.fromMemory(a)); console.log('loaded'); }
      catch (e) { console.log(String(e.message).split('\\n')[0]); }`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: root,
      encoding: 'utf8',
    });
    return out.trim().split('\n').pop() as string;
  }

  it('fails as the README says with the optimizer, and loads when saved for inference only', async () => {
    await useBackend('cpu');
    mkdirSync(join(root, 'build'), { recursive: true });
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
    model.compile({
      optimizer: momentum({ learningRate: 0.1, momentum: 0.9 }),
      loss: 'meanSquaredError',
    });
    await model.fit(tf.ones([4, 3]), tf.ones([4, 2]), { epochs: 1, verbose: 0 });
    const withOptimizer = await saveToFile(model, true);
    const inferenceOnly = await saveToFile(model, false);
    try {
      const message = loadWithPlainTfjs(withOptimizer);
      expect(message).toMatch(/^Unknown layer: MultiscaleOptimizer\. This may be due to/);
      expect(readFileSync(join(root, 'README.md'), 'utf8').replace(/\s+/g, ' ')).toContain(
        `"${message.trim()}`.slice(0, 60),
      );
      expect(loadWithPlainTfjs(inferenceOnly)).toBe('loaded');
    } finally {
      rmSync(withOptimizer, { force: true });
      rmSync(inferenceOnly, { force: true });
      model.dispose();
    }
  }, 60_000);
});
