// Renders bench results as bench/RESULTS.md.
import { bayesianStepWasmBytes, multiscaleStepWasmBytes } from '../src/kernels/wasm-simd.js';
import type { BackendResult, StepRow } from './suite.js';

/** Where and when the numbers were taken. */
export interface Meta {
  date: string;
  cpu: string;
  cores: number;
  node: string;
  tfjs: string;
  chromium: string | null;
  /** The 1-minute load average when the run started and when it ended. */
  load?: [number, number];
  options: string;
}

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(3));
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const sizeName = (n: number) => `10^${Math.round(Math.log10(n))}`;

function stepTable(r: BackendResult): string[] {
  const lines = [
    `| N | optimizer | ms/step | GB/s | vs sgd (k=1) / momentum (k=2) | vs add floor${r.copyGBs ? ' | vs copy floor' : ''} |`,
    `| --- | --- | ---: | ---: | ---: | ---:${r.copyGBs ? ' | ---:' : ''} |`,
  ];
  const at = (n: number, name: string) =>
    r.steps.find((s) => s.n === n && s.name === name) as StepRow;
  for (const s of r.steps) {
    const gbs = s.bytes / (s.ms * 1e6);
    let ref = '';
    if (s.name === 'multiscale k=1') ref = `${f(s.ms / at(s.n, 'tf.train.sgd').ms)}× sgd`;
    if (s.name === 'multiscale k=2') ref = `${f(s.ms / at(s.n, 'tf.train.momentum').ms)}× momentum`;
    const floorAdd = s.ms / (s.bytes / (r.addGBs * 1e6));
    const floorCopy = r.copyGBs ? ` | ${f(s.ms / (s.bytes / (r.copyGBs * 1e6)))}×` : '';
    lines.push(
      `| ${sizeName(s.n)} | ${s.name} | ${ms(s.ms)} | ${f(gbs)} | ${ref} | ${f(floorAdd)}×${floorCopy} |`,
    );
  }
  return lines;
}

/** Floats per entry that a Bayesian step with its 'shared' reduction moves, k timescales. */
const bayesianFloats = (k: number) => (2 * k - 1) * 2 + 2 + k + 1;
/** Floats per entry that a multiscale step moves (w, g and k − 1 rows in; w and the rows out). */
const multiscaleFloats = (k: number) => 2 * k + 1;
/** webgl texel reads per packed texel: Bayesian (innovation, weight, slot rows) and multiscale. */
const bayesianReads = (k: number) => ({
  innovation: k + 1,
  weight: 2 * k + 2,
  slot: 3 * k + 4 * (k - 1),
});
const multiscaleReads = (k: number) => ({ weight: k + 1, slot: 2 * (k - 1) });
const total = (parts: Record<string, number>) => Object.values(parts).reduce((a, b) => a + b, 0);
/** The k of the Bayesian comparison in the notes (the suite's). */
const K = 5;
const READS_RATIO = total(bayesianReads(K)) / total(multiscaleReads(K));
const BYTES_RATIO = bayesianFloats(K) / multiscaleFloats(K);

/** How the kernels work and why the targets come out as they do (independent of the numbers). */
const NOTES = [
  '## How the steps run, and reading the numbers',
  '',
  '- **cpu**: the fused `MultiscaleStep` kernel is one blocked pass over the typed arrays (`src/kernels/cpu.ts`). tfjs\'s own cpu ops make a fresh array per op and run generic broadcasting loops, so `tf.train.momentum` (four ops) and even one `add` move far fewer GB/s than the fused pass: on cpu the fused step is *faster* than the "add floor". The machine floor (a `TypedArray.set` memcpy) is out of reach for a scalar JavaScript loop (no SIMD in JS); its ratio is reported for honesty. Each step also allocates its outputs, as every tfjs cpu op does.',
  `- **wasm**: a ${(multiscaleStepWasmBytes().length / 1000).toFixed(1)} kB` +
    " hand-assembled WebAssembly SIMD module (`src/kernels/wasm-simd.ts`) imports the tfjs wasm backend's own memory and runs the step in one pass over the heap. This beats both a JS loop over the heap and the fewest-tfjs-ops formulation (about seven SIMD ops over the stacked state, or a `matMul` that repacks the state every step); it also imports the shared heap of tfjs's threaded build; without WebAssembly SIMD the kernel falls back to a JS loop.",
  "- **webgl**: two GPGPU passes (one output per program): the new weight, and all the new slot rows. Rank-2/3 weights run packed programs (four entries per texel, the layout tfjs's matMul and elementwise ops use), so training never pays pack/unpack passes. In this run webgl is **SwiftShader, a software renderer on the same two CPU cores**: its cost is per fragment and per shader instruction, not memory bandwidth, so its ratios say little about a real GPU, where each pass is bandwidth-bound and two passes beat momentum's four.",
  '- **coupled form**: `LinearDynamicsOptimizer` recognises a tridiagonal transition whose weight reads one coordinate (Benna–Fusi chains, momentum, k = 2 systems whose readout has one non-zero entry) and runs a fused `TridiagonalStep` kernel (cpu loop, wasm SIMD, two packed webgl passes, one WGSL pass on webgpu) or a few elementwise ops per coordinate elsewhere; a dense (k−1)×k product remains for other T, including k = 2 systems whose readout has two non-zero entries.',
  "- **Bayesian multiscale**: fused on every backend (`src/kernels/bayesian-step-kernel.ts` holds the contract and the cpu loop; `wasm-simd.ts`, `webgl-bayesian.ts` and `webgpu/bayesian.ts` the others): one pass per weight on cpu, wasm and webgpu, two on webgl (one program per output), plus for the 'shared' innovation one reduction per weight on the device whose scalar stays a tensor (no read-back). The step moves (2k−1)·2 + 2 floats per entry and the reduction k + 1 more: " +
    `${f(BYTES_RATIO, 2)}× a multiscale step's bytes at k = ${K} (${bayesianFloats(K)} floats per entry against ${multiscaleFloats(K)}), the least this ratio can be on a bandwidth-bound machine.`,
  "- **wasm Bayesian**: the default case ('shared' innovation, curvature from the gradient) is one SIMD pass (`bStep`, 8 entries at a time with V, ĝ/D, ĥ and every variance in registers) after one SIMD reduction in float64 (`bInnov`). `bStep` is assembled for each k and pivot (a module of " +
    `${(bayesianStepWasmBytes(K, K - 1).length / 1000).toFixed(1)} kB at k = ${K}` +
    "), its rows unrolled into straight-line code: the same pass with a loop over the rows ran 1.5–2× slower at N = 10⁶ when it was measured in development (commit ee864db; how well V8 unrolls and peels such a loop changed with the code around it). `'perRow'`, `'perWeight'`, a curvature function and the n % 8 tail run the JS loop over the heap.",
  `- **webgl Bayesian**: one output per fragment, so every fragment of a slot row reads again what its row needs (ĝ and D; a mean row also its variance), and the weight's fragment reads all 2k − 1 rows. Per packed texel at k = ${K} that is ${total(bayesianReads(K))} texel reads (innovation ${bayesianReads(K).innovation}, weight ${bayesianReads(K).weight}, slot rows ${bayesianReads(K).slot}) against the multiscale step's ${total(multiscaleReads(K))} (weight ${multiscaleReads(K).weight}, slot rows ${multiscaleReads(K).slot}), ${f(READS_RATIO, 1)}×. On SwiftShader each read is shader instructions on a CPU core, so that ratio, not the ${f(BYTES_RATIO, 1)}× in bytes, sets the cost of this design there; on a GPU the repeated reads of one texel come from its texture cache.`,
  "- **Allocation floor (cpu)**: a tfjs kernel must return new tensors, so every fused cpu step allocates its outputs, and the same-bytes JS loop is timed both with fresh output arrays and reusing them. With glibc, an allocation above its mmap threshold (which grows to at most 32 MiB) comes straight from `mmap` and every page faults in on first write, every step; on a virtual machine a page fault can cost microseconds. At N = 10⁶, k = 5 the Bayesian slot is 36 MB (above) and the multiscale slot 16 MB (below, reused from the heap), which is why the Bayesian table also reports the two kernels' loops timed over output arrays allocated once, and the allocation alone. Where this dominates, running Node with `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` (huge pages for those mappings) or a larger `glibc.malloc.mmap_threshold` lowers the floor for every tfjs cpu op; `npm run bench -- --backends=cpu` under that variable shows by how much on a given machine. Recycling output arrays inside the kernel is not an option: on cpu `dataSync()` returns the tensor's own array, which a caller may keep after disposing the tensor.",
  "- On wasm the tridiagonal SIMD pass costs more than the diagonal one although both move the same bytes: per entry and coordinate it does four multiply-adds and a table lookup against three, and tfjs's heap allocations are only 8-byte aligned, which hurts its 16-byte loads more (on 16-byte-aligned buffers the two functions differ by about 1.4×).",
  '- Small N (10⁴) is dominated by per-call overhead (engine bookkeeping, a few µs per op), not bandwidth; the floor ratios are meaningful at 10⁶.',
  '',
];

/** One line per target: what was asked, what this run reached, per backend. */
function targets(results: BackendResult[]): string[] {
  const lines = [
    '## Targets',
    '',
    `| target | ${results.map((r) => r.backend).join(' | ')} |`,
    `| --- | ${results.map(() => '---').join(' | ')} |`,
  ];
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  const worst = (r: BackendResult, name: string, ref: string) => {
    const ratios = r.steps
      .filter((s) => s.name === name)
      .map((s) => s.ms / (r.steps.find((t) => t.n === s.n && t.name === ref) as StepRow).ms);
    return Math.max(...ratios);
  };
  const row = (label: string, cell: (r: BackendResult) => string) =>
    lines.push(`| ${label} | ${results.map(cell).join(' | ')} |`);
  row('k=1 ≤ 1.05× tf.train.sgd (worst N)', (r) => {
    const x = worst(r, 'multiscale k=1', 'tf.train.sgd');
    return `${mark(x <= 1.05)} ${f(x)}×`;
  });
  row('k=2 ≤ 1.1× tf.train.momentum (worst N)', (r) => {
    const x = worst(r, 'multiscale k=2', 'tf.train.momentum');
    return `${mark(x <= 1.1)} ${f(x)}×`;
  });
  row('k=4 within 2× of the floor at the largest N (cpu, wasm)', (r) => {
    const n = Math.max(...r.steps.map((s) => s.n));
    const s = r.steps.find((t) => t.n === n && t.name === 'multiscale k=4');
    if (s === undefined) return '–';
    const add = s.ms / (s.bytes / (r.addGBs * 1e6));
    const copy = r.copyGBs ? s.ms / (s.bytes / (r.copyGBs * 1e6)) : null;
    const text = `${f(add)}× add${copy !== null ? `, ${f(copy)}× copy` : ''}`;
    return r.backend === 'webgl'
      ? `(${text})`
      : `${mark(add <= 2 && (copy === null || copy <= 2))} ${text}`;
  });
  row('coupled Benna–Fusi ≤ 2× diagonal (worst m)', (r) => {
    const x = Math.max(...r.coupled.map((c) => c.coupledMs / c.diagonalMs));
    return `${mark(x <= 2)} ${f(x)}×`;
  });
  row('wasm k=1 ≤ 1× tf.train.sgd at N ≥ 10⁵ (worst N)', (r) => {
    if (r.backend !== 'wasm') return '–';
    const ratios = r.steps
      .filter((s) => s.name === 'multiscale k=1' && s.n >= 1e5)
      .map(
        (s) => s.ms / (r.steps.find((t) => t.n === s.n && t.name === 'tf.train.sgd') as StepRow).ms,
      );
    const x = Math.max(...ratios);
    return `${mark(x <= 1)} ${f(x)}×`;
  });
  row('cpu k=4 ≤ 1.3× a JS loop moving the same bytes (largest N)', (r) => {
    if (r.jsLoop === null) return '–';
    const x = r.jsLoop.kernelMs / r.jsLoop.loopFreshMs;
    return `${mark(x <= 1.3)} ${f(x)}× (${f(r.jsLoop.kernelMs / r.jsLoop.loopReusedMs)}× the loop reusing its outputs)`;
  });
  row('Bayesian k=5 ≤ 3× multiscale k=5', (r) => {
    const b = r.bayesian[0];
    if (b === undefined) return '–';
    const x = b.bayesianMs / b.multiscaleMs;
    const how = b.genericMs === null ? ', tfjs ops (no fused kernel)' : ', fused';
    const lp = b.loops ?? null;
    const net =
      lp === null
        ? ''
        : `; kernel loops alone ${f(lp.bayesianMs / lp.multiscaleMs)}×, loops + output allocation ${f((lp.bayesianMs + lp.allocBayesianMs) / (lp.multiscaleMs + lp.allocMultiscaleMs))}×`;
    const reads =
      r.backend === 'webgl'
        ? `; texel reads ${f(total(bayesianReads(b.k)) / total(multiscaleReads(b.k)), 1)}×`
        : '';
    return `${mark(x <= 3)} ${f(x)}× at ${sizeName(b.n)}${how}${net}${reads}`;
  });
  row('model.fit overhead of k=4 over momentum ≤ 10%', (r) => {
    const x = (100 * (r.fit.multiscaleMs - r.fit.momentumMs)) / r.fit.momentumMs;
    return `${mark(x <= 10)} ${f(x, 1)}%`;
  });
  lines.push('');
  return lines;
}

/** The whole RESULTS.md. */
export function renderResults(meta: Meta, results: BackendResult[]): string {
  const out: string[] = [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench\` on ${meta.date}. Machine: ${meta.cpu}, ${meta.cores} cores; Node ${meta.node}; TensorFlow.js ${meta.tfjs}${meta.chromium ? `; Chromium ${meta.chromium} (webgl on SwiftShader, i.e. software GL on these same CPU cores)` : ''}. Options: ${meta.options}.`,
    '',
    `**Caveat.** These numbers come from a shared ${meta.cores}-core virtual machine on which other engineers were running test suites, site builds and notebooks during the same session, so absolute times are noisy${meta.load ? ` (1-minute load average ${f(meta.load[0], 1)} when this run started, ${f(meta.load[1], 1)} when it ended)` : ''}. Every comparison is therefore made *within one run*: variants are timed in interleaved, rotating batches (each repetition runs every variant once), and each entry is the median over repetitions. Ratios are more trustworthy than absolute milliseconds.`,
    '',
    "Bytes per step: a multiscale step with k timescales reads w, g and the k−1 slot rows and writes w and the rows: (2k+1)·4·N bytes; sgd moves 3·4·N, momentum 5·4·N. GB/s = bytes / time. The *floor* is the time the step's bytes would take at the bandwidth of tfjs's own `add` of two 4M-element tensors on the same backend in the same run (the practical floor) and, on cpu, of a 64 MB `TypedArray.set` copy (the machine floor).",
    '',
    ...targets(results),
  ];
  for (const r of results) {
    out.push(`## ${r.backend}`, '');
    out.push(
      `Floors in this run: tfjs \`add\` ${f(r.addGBs)} GB/s${r.copyGBs ? `; large copy ${f(r.copyGBs)} GB/s` : ''}.`,
      '',
    );
    out.push(...stepTable(r), '');
    if (r.fusedVsGeneric.length > 0) {
      const g = r.fusedVsGeneric[0] as BackendResult['fusedVsGeneric'][number];
      out.push(
        `Fused kernel vs the generic tfjs-ops path (kernel unregistered), k=4, N=${sizeName(g.n)}: ${ms(g.fusedMs)} vs ${ms(g.genericMs)} ms/step (${f(g.genericMs / g.fusedMs, 1)}× faster).`,
        '',
      );
    }
    out.push(
      "Coupled Benna–Fusi chain (`form: 'coupled'`, tridiagonal step) vs its diagonal form:",
      '',
    );
    out.push(
      '| N | variables m | diagonal ms | coupled ms | coupled / diagonal |',
      '| --- | ---: | ---: | ---: | ---: |',
    );
    for (const c of r.coupled) {
      out.push(
        `| ${sizeName(c.n)} | ${c.m} | ${ms(c.diagonalMs)} | ${ms(c.coupledMs)} | ${f(c.coupledMs / c.diagonalMs)}× |`,
      );
    }
    out.push('');
    const fit = r.fit;
    out.push(
      `Whole training: \`model.fit\` of a 784-256-10 MLP on ${fit.samples} synthetic samples, batch ${fit.batch}, median epoch: tf.train.momentum ${ms(fit.momentumMs)} ms, multiscale k=4 ${ms(fit.multiscaleMs)} ms (overhead ${f((100 * (fit.multiscaleMs - fit.momentumMs)) / fit.momentumMs, 1)}%).`,
      '',
    );
    if (r.jsLoop !== null) {
      const j = r.jsLoop;
      out.push(
        `Fused k=${j.k} step vs a plain JS loop that moves the same bytes (reads w, g and ${j.k - 1} rows, writes w and ${j.k - 1} rows), N=${sizeName(j.n)}, timed together: kernel ${ms(j.kernelMs)} ms (the whole optimizer step), loop with fresh output arrays ${ms(j.loopFreshMs)} ms (${f(j.kernelMs / j.loopFreshMs)}×), loop reusing its outputs ${ms(j.loopReusedMs)} ms (${f(j.kernelMs / j.loopReusedMs)}×).`,
        '',
      );
    }
    for (const b of r.bayesian) {
      out.push(
        `Bayesian multiscale (default options: 'fisher' curvature, 'shared' innovation; k=${b.k}, 1/f prior over τ = 1…10⁴) vs a multiscale step with the same k, N=${sizeName(b.n)}, timed together: multiscale ${ms(b.multiscaleMs)} ms, Bayesian ${ms(b.bayesianMs)} ms (${f(b.bayesianMs / b.multiscaleMs)}×)${
          b.genericMs === null
            ? ' with tfjs ops (this backend has no fused Bayesian kernel).'
            : `. Before (the generic tfjs-ops path, fused kernels unregistered): ${ms(b.genericMs)} ms (${f(b.genericMs / b.multiscaleMs)}× multiscale); the fused step is ${f(b.genericMs / b.bayesianMs, 1)}× faster.`
        }`,
        '',
      );
      const parts = b.parts ?? null;
      if (parts !== null) {
        out.push(
          `The two fused kernels alone, timed with them: the 'shared' innovation's reduction ${ms(parts.innovationMs)} ms (${f(parts.innovationMs / b.multiscaleMs)}× the multiscale step), the step given its sum ${ms(parts.stepMs)} ms (${f(parts.stepMs / b.multiscaleMs)}×).`,
          '',
        );
      }
      const lp = b.loops ?? null;
      if (lp !== null) {
        out.push(
          `The two kernels' loops alone, timed with them, writing into output arrays allocated once (no per-step allocation, no tfjs bookkeeping): multiscale ${ms(lp.multiscaleMs)} ms (w and ${b.k - 1} rows), Bayesian innovation sum + step ${ms(lp.bayesianMs)} ms (w and ${2 * b.k - 1} rows), ${f(lp.bayesianMs / lp.multiscaleMs)}×. Allocating each step's outputs alone (a fresh w and slot, one write per 4 kB page), timed with them: multiscale ${ms(lp.allocMultiscaleMs)} ms (a ${mb(4 * (b.k - 1) * b.n)} slot), Bayesian ${ms(lp.allocBayesianMs)} ms (a ${mb(4 * (2 * b.k - 1) * b.n)} slot). Loops plus allocation: ${f((lp.bayesianMs + lp.allocBayesianMs) / (lp.multiscaleMs + lp.allocMultiscaleMs))}× (see "Allocation floor" below).`,
          '',
        );
      }
    }
    out.push('Tensor count (one 10⁴-parameter weight) after step 1 and after step 1000:', '');
    out.push('| optimizer | after 1 step | after 1000 steps |', '| --- | ---: | ---: |');
    for (const t of r.tensors) out.push(`| ${t.name} | ${t.after1} | ${t.after1000} |`);
    out.push('');
  }
  out.push(...NOTES);
  const mem = results[0]?.memory ?? [];
  out.push('## Memory', '', 'Optimizer state per weight (the same on every backend):', '');
  out.push(
    '| optimizer | slot variables per weight | state floats per parameter | bytes per parameter (weight + state, float32) |',
    '| --- | ---: | ---: | ---: |',
  );
  for (const m of mem) {
    out.push(
      `| ${m.name} | ${m.slotsPerWeight} | ${f(m.stateFloatsPerParam, 0)} | ${f(4 * (1 + m.stateFloatsPerParam), 0)} |`,
    );
  }
  out.push('');
  return `${out.join('\n')}\n`;
}
