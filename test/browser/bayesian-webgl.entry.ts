// Runs in headless Chromium (software WebGL2): the fused webgl Bayesian kernels
// (src/kernels/webgl-bayesian.ts) against the generic tfjs-ops path and the float64 Kalman filter.
// The checks are in bayesian-equivalence.ts; assertions live in bayesian-webgl.spec.ts.
import * as tf from '@tensorflow/tfjs';
import { hasBayesianKernels } from '../../src/kernels/bayesian-step-kernel.js';
import {
  emptyWeights,
  equivalence,
  nanEntry,
  optimizerSteps,
  scalarWeight,
} from '../helpers/bayesian-equivalence.js';

async function setup(): Promise<{ backend: string; registered: boolean }> {
  tf.enableProdMode();
  await tf.setBackend('webgl');
  await tf.ready();
  return { backend: tf.getBackend(), registered: hasBayesianKernels('webgl') };
}

Object.assign(globalThis, {
  suite: {
    setup,
    equivalence: (name: string) => equivalence('webgl', name),
    nanEntry: (innovation: 'shared' | 'perRow', path: 'fused' | 'generic') =>
      nanEntry('webgl', innovation, path),
    emptyWeights: (path: 'fused' | 'generic') => emptyWeights('webgl', path),
    scalarWeight: (path: 'fused' | 'generic') => scalarWeight('webgl', path),
    optimizerSteps: (innovation: 'shared' | 'perRow' | 'perWeight') =>
      optimizerSteps('webgl', innovation),
  },
});
