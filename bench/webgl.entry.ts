// The benchmark in headless Chromium on the webgl backend (bundled by bench/run.ts).
import * as tf from '@tensorflow/tfjs';
import { type BenchOptions, runBenchmark } from './suite.js';

Object.assign(globalThis, {
  suite: {
    async run(options: BenchOptions) {
      tf.enableProdMode();
      await tf.setBackend('webgl');
      await tf.ready();
      return runBenchmark(options);
    },
  },
});
