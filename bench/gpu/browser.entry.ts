// The WebGPU benchmark in a browser page (used by scripts/bench-gpu-check.ts on SwiftShader).
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  bayesianHeader,
  formatBayesianRow,
  runBayesianBench,
  worstBayesianError,
} from './bayesian.js';
import { checkAgainstCpu, formatRow, runBench, tableHeader, targets } from './bench-core.js';

Object.assign(globalThis, {
  suite: {
    async run(sizes: number[], ks: number[], reps: number) {
      tf.enableProdMode();
      if (!(await tf.setBackend('webgpu'))) throw new Error('no webgpu backend');
      const lines: string[] = [];
      const log = (l: string) => lines.push(l);
      const info = (
        tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }
      ).adapterInfo;
      log(`adapter: ${info?.vendor} ${info?.architecture}`);
      const worst = await checkAgainstCpu({ sizes, ks, reps, checkSizes: [4096, 4099], log });
      log(`correctness: worst max|Δw|/max|w| against the cpu backend = ${worst.toExponential(2)}`);
      const rows = await runBench({ sizes, ks, reps, checkSizes: [], log: () => {} });
      lines.push(...tableHeader);
      for (const r of rows) lines.push(formatRow(r));
      lines.push(...targets(rows));
      const bayesian = await runBayesianBench({ sizes, ks, reps, checkSizes: [], log: () => {} });
      lines.push(...bayesianHeader);
      for (const r of bayesian) lines.push(formatBayesianRow(r));
      // Every Bayesian row timed on both paths, and every timed run's weights right.
      const bayesianOk =
        bayesian.every((r) => r.bayesianMs !== null && r.genericMs !== null) &&
        worstBayesianError <= 1e-4;
      lines.push(`Bayesian values: worst relative error ${worstBayesianError.toExponential(2)}`);
      return { lines, worst, rows: rows.length, bayesianOk };
    },
  },
});
