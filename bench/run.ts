// `npm run bench` (add `-- --quick` for a short smoke run, `-- --backends=cpu,wasm` to choose;
// BENCH_LOCK=/tmp/site.lock holds that lock while Chromium runs).
// cpu and wasm run here in Node; webgl runs the same suite bundled into headless Chromium.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { chromium } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { launchOptions, openSuite, runInPage, serveBundle } from '../test/browser/harness.js';
import { type Meta, renderResults } from './report.js';
import { type BackendResult, type BenchOptions, runBenchmark } from './suite.js';

const quick = process.argv.includes('--quick');
const chosen = process.argv.find((a) => a.startsWith('--backends='))?.split('=')[1];
const backends = chosen ? chosen.split(',') : ['cpu', 'wasm', 'webgl'];

const options: BenchOptions = quick
  ? { sizes: [1e4, 1e5], ks: [1, 2, 4, 8], reps: 3, batchMs: 15, fitSamples: 128, fitEpochs: 1 }
  : {
      sizes: [1e4, 1e5, 1e6],
      ks: [1, 2, 4, 8],
      reps: 9,
      batchMs: 60,
      fitSamples: 2048,
      fitEpochs: 3,
    };
// Overrides for trial runs: --sizes=1e4,1e6 --reps=3 --fit-samples=256.
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
if (arg('sizes')) options.sizes = (arg('sizes') as string).split(',').map(Number);
if (arg('reps')) options.reps = Number(arg('reps'));
if (arg('fit-samples')) options.fitSamples = Number(arg('fit-samples'));
const trial = quick || arg('sizes') !== undefined || arg('reps') !== undefined;

/** The cpu backend's matMul is ~30× slower than wasm's: a smaller data set keeps its epochs short. */
const fitSamplesFor = (backend: string) =>
  backend === 'cpu' ? Math.min(options.fitSamples, 512) : options.fitSamples;

const log = (s: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);

async function inNode(backend: string): Promise<BackendResult> {
  tf.enableProdMode();
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to start`);
  await tf.ready();
  return runBenchmark({ ...options, fitSamples: fitSamplesFor(backend) }, log);
}

/**
 * Holds `flock LOCK` (e.g. BENCH_LOCK=/tmp/site.lock, shared with site builds that also start
 * Chromium) while `work` runs; no lock when BENCH_LOCK is unset.
 */
async function withLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = process.env.BENCH_LOCK;
  if (!lock) return work();
  log(`waiting for ${lock}`);
  const holder = spawn('flock', [lock, '-c', 'echo locked; exec sleep 7200'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true, // its own process group, so flock and its sleep end together
  });
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`flock ${lock} exited with ${code}`)));
  });
  try {
    return await work();
  } finally {
    if (holder.pid !== undefined) process.kill(-holder.pid, 'SIGTERM');
  }
}

async function inChromium(): Promise<{ result: BackendResult; version: string }> {
  log('webgl: bundling and starting Chromium');
  const served = await serveBundle(new URL('./webgl.entry.ts', import.meta.url));
  const browser = await chromium.launch(launchOptions);
  try {
    const page = await browser.newPage();
    await openSuite(page, served.url);
    log('webgl: running (progress is not streamed from the page)');
    const result = await runInPage<BackendResult>(page, 'run', options);
    return { result, version: browser.version() };
  } finally {
    await browser.close();
    await served.close();
  }
}

const loadAtStart = loadavg()[0] as number;
const results: BackendResult[] = [];
let chromiumVersion: string | null = null;
for (const backend of backends) {
  if (backend === 'webgl') {
    try {
      const { result, version } = await withLock(inChromium);
      results.push(result);
      chromiumVersion = version;
    } catch (error) {
      // Keep the Node backends' results; the report says webgl is missing.
      log(`webgl failed: ${error}`);
    }
  } else {
    results.push(await inNode(backend));
  }
}

const meta: Meta = {
  date: `${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC`,
  cpu: cpus()[0]?.model ?? 'unknown CPU',
  cores: cpus().length,
  node: process.version,
  tfjs: tf.version.tfjs,
  chromium: chromiumVersion,
  load: [loadAtStart, loadavg()[0] as number],
  options: `${trial ? 'trial; ' : ''}N ∈ {${options.sizes.join(', ')}}, k ∈ {${options.ks.join(', ')}}, ${options.reps} interleaved repetitions of ≥${options.batchMs} ms batches`,
};
const dir = trial ? 'build/bench' : 'bench';
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}/results.json`, `${JSON.stringify({ meta, results }, null, 2)}\n`);
writeFileSync(`${dir}/RESULTS.md`, renderResults(meta, results));
log(`wrote ${dir}/RESULTS.md and ${dir}/results.json`);
