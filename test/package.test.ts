import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

/** Runs a module as a separate Node process from the repository root and returns its stdout. */
function runModule(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mso-consumer-'));
  const file = join(root, 'build', `consumer-${process.pid}-${Date.now()}.mjs`);
  writeFileSync(file, source);
  try {
    return execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' });
  } finally {
    execFileSync('rm', ['-f', file]);
  }
}

describe('the built package', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist/index.js'))) {
      execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    }
    execFileSync('mkdir', ['-p', join(root, 'build')]);
  }, 180_000);

  it("imports by name from a separate script ('multiscale-optimizer' → dist/)", () => {
    const out = runModule(`
      import * as tf from '@tensorflow/tfjs';
      import { multiscale, diagonalize, momentumDynamics, bennaFusi, MultiscaleOptimizer } from 'multiscale-optimizer';
      const d = diagonalize(momentumDynamics({ learningRate: 0.1, momentum: 0.5, ema: true }));
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
      model.compile({ optimizer: multiscale({ alpha: [0.1, 0.2], gamma: [1, 0.5] }), loss: 'meanSquaredError' });
      await model.fit(tf.ones([4, 2]), tf.ones([4, 1]), { epochs: 2, verbose: 0 });
      console.log(JSON.stringify({
        gamma: d.gamma,
        isOptimizer: model.optimizer instanceof tf.Optimizer && model.optimizer instanceof MultiscaleOptimizer,
        coupled: bennaFusi({ learningRate: 0.1, beakers: 3, form: 'coupled' }).getClassName(),
        iterations: model.optimizer.iterations,
      }));
    `);
    const result = JSON.parse(out.trim().split('\n').pop() as string);
    expect(result.gamma[0]).toBeCloseTo(1, 12);
    expect(result.gamma[1]).toBeCloseTo(0.5, 12);
    expect(result.isOptimizer).toBe(true);
    expect(result.coupled).toBe('LinearDynamicsOptimizer');
    expect(result.iterations).toBe(2);
  });

  it('ships type declarations that a consumer can compile against', () => {
    const file = join(root, 'build', `consumer-${process.pid}.ts`);
    writeFileSync(
      file,
      `import { multiscale, type LinearDynamics, diagonalize } from 'multiscale-optimizer';
const d: LinearDynamics = { transition: [[1]], input: [-0.1], readout: [1] };
const gamma: number[] = diagonalize(d).gamma;
multiscale({ alpha: [0.1], gamma });
`,
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    execFileSync(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--skipLibCheck',
        file,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    execFileSync('rm', ['-f', file]);
  });
});
