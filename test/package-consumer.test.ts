// The package as users get it: `npm pack`, installed from the tarball into a fresh project next to
// its peer TensorFlow.js, then (a) imported from Node ESM and trained one `model.fit` step,
// (b) loaded with `require()` from CommonJS, (c) a consumer .ts type-checked with `tsc --strict`
// against the shipped .d.ts, and (d) bundled with Vite into a browser app that trains one step in
// Chromium. Also: the tarball lists only what users need, and the sizes the README states are the
// ones measured here (scripts/package-size.mjs rewrites them).
//
// The tarball's own dependencies come from the registry (or npm's cache, --prefer-offline). The
// peer @tensorflow/tfjs (≈300 MB installed) is linked from this repository's node_modules instead of
// downloaded again: the same versions the rest of the suite tests, and seconds instead of minutes.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consumerProject,
  installSize,
  packTarball,
  readmeSizes,
  type Tarball,
} from '../scripts/package-size.js';
import { chromiumArgs, chromiumPath } from './site/pages.js';

const root = new URL('..', import.meta.url).pathname;
let work: string;
let tarball: Tarball;
let project: string;

/** Runs a command without blocking the test worker (long sync calls starve vitest's RPC). */
const run = promisify(execFile);

/** Runs a file with Node in the consumer project; returns its last stdout line parsed as JSON. */
async function runNode(file: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [file], { cwd: project, encoding: 'utf8' });
  return JSON.parse(stdout.trim().split('\n').pop() as string);
}

/** Weights after one SGD step on y = 1 from the given weights: an independent reference. */
const data = {
  x: [
    [1, 2],
    [0.5, -1],
    [3, 0.25],
    [-2, 1],
  ],
  y: [[1], [0], [2], [-1]],
  kernel: [[0.3], [-0.2]],
  bias: [0.1],
  lr: 0.05,
};

/** One full-batch gradient step of a dense layer on mean squared error, in float64. */
function sgdReference(): number[] {
  const n = data.x.length;
  const grad = [0, 0, 0];
  data.x.forEach((row, i) => {
    const pred =
      (row[0] as number) * (data.kernel[0]?.[0] as number) +
      (row[1] as number) * (data.kernel[1]?.[0] as number) +
      (data.bias[0] as number);
    const e = (2 * (pred - (data.y[i]?.[0] as number))) / n;
    grad[0] = (grad[0] as number) + e * (row[0] as number);
    grad[1] = (grad[1] as number) + e * (row[1] as number);
    grad[2] = (grad[2] as number) + e;
  });
  const w = [data.kernel[0]?.[0], data.kernel[1]?.[0], data.bias[0]] as number[];
  return w.map((v, i) => v - data.lr * (grad[i] as number));
}

/** The training program shared by the Node and browser consumers (plain JS, no types). */
const trainOneStep = `
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
  model.setWeights([tf.tensor2d(${JSON.stringify(data.kernel)}), tf.tensor1d(${JSON.stringify(data.bias)})]);
  // One timescale that never decays (γ = 1) is plain SGD with rate α.
  model.compile({ optimizer: multiscale({ alpha: [${data.lr}], gamma: [1] }), loss: 'meanSquaredError' });
  await model.fit(tf.tensor2d(${JSON.stringify(data.x)}), tf.tensor2d(${JSON.stringify(data.y)}), {
    epochs: 1, batchSize: ${data.x.length}, shuffle: false, verbose: 0,
  });
  const weights = [...model.getWeights()[0].dataSync(), ...model.getWeights()[1].dataSync()];
  const result = {
    weights,
    iterations: model.optimizer.iterations,
    isOptimizer: model.optimizer instanceof tf.Optimizer,
    className: model.optimizer.getClassName(),
  };
`;

describe('the packed package, installed into a fresh project', () => {
  beforeAll(async () => {
    if (!existsSync(join(root, 'dist/index.js'))) {
      execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    }
    work = mkdtempSync(join(tmpdir(), 'mso-pack-'));
    tarball = await packTarball(work);
    project = await consumerProject(work, tarball.file);
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the tarball holds only what users need: dist (no experiments, plots or maps), README, LICENSE, CHANGELOG', () => {
    const files = tarball.files;
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'])
      expect(files).toContain(f);
    const unexpected = files.filter(
      (f) =>
        !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(f) &&
        !/^dist\/.+\.(js|d\.ts)$/.test(f),
    );
    expect(unexpected).toEqual([]);
    expect(files.filter((f) => /^dist\/(experiments|plots)\//.test(f))).toEqual([]);
  });

  it('a default install pulls no Dawn (webgpu) and no pure-rand', () => {
    const installed = (name: string) => existsSync(join(project, 'node_modules', name));
    expect(installed('multiscale-optimizer')).toBe(true);
    expect(installed('ml-matrix')).toBe(true);
    expect(installed('webgpu')).toBe(false);
    expect(installed('pure-rand')).toBe(false);
  });

  it('(a) Node ESM: imports by name and trains one model.fit step (equal to a float64 SGD step)', async () => {
    const file = join(project, 'consumer.mjs');
    writeFileSync(
      file,
      `import * as tf from '@tensorflow/tfjs';
import { multiscale } from 'multiscale-optimizer';
tf.enableProdMode();
${trainOneStep}
console.log(JSON.stringify(result));
`,
    );
    const result = await runNode(file);
    expect(result.iterations).toBe(1);
    expect(result.isOptimizer).toBe(true);
    expect(result.className).toBe('MultiscaleOptimizer');
    const expected = sgdReference();
    (result.weights as number[]).forEach((w, i) => {
      expect(w).toBeCloseTo(expected[i] as number, 5);
    });
  });

  it("(b) CommonJS: require('multiscale-optimizer') works (Node ≥ 20.19 requires ES modules)", async () => {
    const file = join(project, 'consumer.cjs');
    writeFileSync(
      file,
      `const mso = require('multiscale-optimizer');
const d = mso.diagonalize(mso.momentumDynamics({ learningRate: 0.1, momentum: 0.5 }));
console.log(JSON.stringify({ gamma: d.gamma, factory: typeof mso.multiscale }));
`,
    );
    const result = await runNode(file);
    expect(result.factory).toBe('function');
    // Momentum's transition matrix [[1, −ηβ], [0, β]] has eigenvalues 1 and β.
    const gamma = [...(result.gamma as number[])].sort((a, b) => b - a);
    expect(gamma[0]).toBeCloseTo(1, 12);
    expect(gamma[1]).toBeCloseTo(0.5, 12);
  });

  it('(c) a consumer .ts type-checks with tsc --strict against the shipped .d.ts', async () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import * as tf from '@tensorflow/tfjs';
import { diagonalize, type LinearDynamics, multiscale, MultiscaleOptimizer } from 'multiscale-optimizer';
const d: LinearDynamics = { transition: [[1]], input: [-0.1], readout: [1] };
const gamma: number[] = diagonalize(d).gamma;
const optimizer: tf.Optimizer = multiscale({ alpha: [0.1], gamma });
export const ok: boolean = optimizer instanceof MultiscaleOptimizer;
`,
    );
    // A wrong type must fail, or the check above proves nothing.
    writeFileSync(
      join(project, 'wrong.ts'),
      `import { multiscale } from 'multiscale-optimizer';
multiscale({ alpha: 'fast', gamma: [1] });
`,
    );
    const tsc = async (file: string): Promise<string> => {
      try {
        await run(
          process.execPath,
          [
            join(root, 'node_modules/typescript/bin/tsc'),
            '--noEmit',
            '--strict',
            '--module',
            'nodenext',
            '--moduleResolution',
            'nodenext',
            '--target',
            'es2022',
            '--types',
            'node',
            '--typeRoots',
            join(root, 'node_modules/@types'),
            '--skipLibCheck',
            file,
          ],
          { cwd: project, encoding: 'utf8' },
        );
        return '';
      } catch (e) {
        return String((e as { stdout?: string }).stdout ?? e);
      }
    };
    expect(await tsc('consumer.ts')).toBe('');
    expect(await tsc('wrong.ts')).toMatch(
      /wrong\.ts.*error TS2322: Type 'string' is not assignable to type 'readonly number\[\]'/,
    );
  });

  it('(d) a Vite browser app trains one step in Chromium', async () => {
    const app = join(project, 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(
      join(app, 'index.html'),
      '<!doctype html><html><body><pre id="result">running</pre><script type="module" src="./main.js"></script></body></html>\n',
    );
    writeFileSync(
      join(app, 'main.js'),
      `import * as tf from '@tensorflow/tfjs';
import { multiscale } from 'multiscale-optimizer';
tf.enableProdMode();
try {
  await tf.setBackend('cpu');
  ${trainOneStep}
  result.backend = tf.getBackend();
  document.getElementById('result').textContent = JSON.stringify(result);
} catch (e) {
  document.getElementById('result').textContent = 'error: ' + e;
}
`,
    );
    await run(
      process.execPath,
      [
        join(root, 'node_modules/vite/bin/vite.js'),
        'build',
        app,
        '--outDir',
        join(app, 'dist'),
        '--logLevel',
        'warn',
      ],
      { cwd: project, env: { ...process.env, NODE_ENV: 'production' } },
    );
    const server = await serve(join(app, 'dist'));
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const { port } = server.address() as AddressInfo;
      await page.goto(`http://127.0.0.1:${port}/`);
      const text = await page
        .locator('#result')
        .filter({ hasNotText: 'running' })
        .textContent({ timeout: 60_000 });
      expect(errors).toEqual([]);
      expect(text).not.toMatch(/^error/);
      const result = JSON.parse(text as string);
      expect(result.iterations).toBe(1);
      expect(result.className).toBe('MultiscaleOptimizer');
      const expected = sgdReference();
      (result.weights as number[]).forEach((w, i) => {
        expect(w).toBeCloseTo(expected[i] as number, 5);
      });
    } finally {
      await browser.close();
      server.close();
    }
  }, 240_000);

  it('the README states the tarball and install size this test measures (within 10 %)', () => {
    const stated = readmeSizes(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(stated, 'README has no package-size block: run npm run package:size').not.toBeNull();
    const measured = {
      tarball: tarball.size,
      unpacked: tarball.unpackedSize,
      ...installSize(project),
    };
    for (const key of ['tarball', 'unpacked', 'install'] as const) {
      const ratio = (stated?.[key] as number) / measured[key];
      expect(
        ratio,
        `${key}: README says ${stated?.[key]} B, measured ${measured[key]} B`,
      ).toBeGreaterThan(0.9);
      expect(
        ratio,
        `${key}: README says ${stated?.[key]} B, measured ${measured[key]} B`,
      ).toBeLessThan(1.1);
    }
  });
});

/** A static file server for the built Vite app. */
function serve(dir: string): Promise<Server> {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.wasm': 'application/wasm',
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
