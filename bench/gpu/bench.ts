// `node .gpu/bench.mjs [--sizes=1e6,1e7,1e8] [--ks=1,2,4,8] [--chains=2,4,8] [--reps=9] [--upload]`: the WebGPU benchmark in
// Node through Dawn (the npm package `webgpu`). Built into .gpu/ by `npm run bench:gpu`, which
// prints how to run it on a lent GPU. See bench-core.ts for what it measures.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { provideNodeWebGPU, useBestBackend } from '../../src/backend.js';
import {
  bayesianHeader,
  bayesianTargets,
  formatBayesianRow,
  runBayesianBench,
  worstBayesianError,
} from './bayesian.js';
import {
  checkAgainstCpu,
  coupledHeader,
  formatCoupledRow,
  formatRow,
  runBench,
  runCoupledBench,
  runUploadBench,
  tableHeader,
  targets,
  worstValueError,
} from './bench-core.js';

function arg(name: string, fallback: string): number[] {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return (hit ? hit.slice(name.length + 3) : fallback).split(',').map(Number);
}

const sizes = arg('sizes', '1e6,1e7,1e8');
const ks = arg('ks', '1,2,4,8');
const [reps = 9] = arg('reps', '9');
const log = (line: string) => console.log(line);

tf.enableProdMode();
if (tf.findBackendFactory('cpu') == null) throw new Error('the cpu backend is not bundled in');
const why = await provideNodeWebGPU();
if (why !== null) {
  console.log(`bench:gpu: ${why}`);
  process.exit(2);
}
// Bundled in: evaluated only now that navigator.gpu exists, so it registers its backend.
await import('@tensorflow/tfjs-backend-webgpu');
const choice = await useBestBackend({ order: ['webgpu'] }).catch((e: unknown) => {
  console.log(`bench:gpu: no WebGPU adapter, nothing to measure (${String(e)})`);
  process.exit(2);
});
const adapter = choice.adapter;
const device = (tf.backend() as unknown as { device: GPUDevice }).device;
log(`# WebGPU benchmark, ${new Date().toISOString()}`);
log(`adapter: ${adapter}; node ${process.version}; tfjs ${tf.version_core}`);
log(
  `limits: maxBufferSize ${device.limits.maxBufferSize}, maxStorageBufferBindingSize ${device.limits.maxStorageBufferBindingSize}`,
);
const worst = await checkAgainstCpu({ sizes, ks, reps, checkSizes: [4096, 4099], log });
log(`correctness: worst max|Δw|/max|w| against the cpu backend = ${worst.toExponential(2)}`);
log('');
const progress = (l: string) => console.error(l);
if (process.argv.includes('--upload')) {
  for (const n of sizes) {
    const r = await runUploadBench(n, reps);
    log(
      `gradient uploaded from the CPU every step, N=${n}: tfjs momentum ${r.momentumMs.toFixed(3)} ms, fused k=4 ${r.fusedMs.toFixed(3)} ms`,
    );
  }
}
const rows = await runBench({ sizes, ks, reps, checkSizes: [], log: progress });
const chains = arg('chains', '2,4,8');
const coupled = await runCoupledBench({ sizes, ks, reps, checkSizes: [], log: progress }, chains);
log('');
log('Multiscale step (MultiscaleOptimizer.applyGradients), tfjs optimizers and the copy floor:');
log(tableHeader.join('\n'));
for (const r of rows) log(formatRow(r));
log('');
log('Coupled Benna–Fusi chain (bennaFusi form: coupled):');
log(coupledHeader.join('\n'));
for (const r of coupled) log(formatCoupledRow(r));
const bayesian = await runBayesianBench({ sizes, ks, reps, checkSizes: [], log: progress });
log('');
log(
  "Bayesian multiscale (default options: 'fisher' curvature, 'shared' innovation; k=5, 1/f prior over τ = 1…10⁴):",
);
log(bayesianHeader.join('\n'));
for (const r of bayesian) log(formatBayesianRow(r));
log('');
log(
  `values: every timed run's weights (sampled over the whole array) against float64, worst relative error ${worstValueError.toExponential(2)}`,
);
log(
  `values: every timed Bayesian run's weights against the float64 filter, worst relative error ${worstBayesianError.toExponential(2)}`,
);
for (const t of [...targets(rows), ...bayesianTargets(bayesian)]) log(`- ${t}`);
process.exit(worst <= 1e-5 && worstValueError <= 1e-4 && worstBayesianError <= 1e-4 ? 0 : 1);
