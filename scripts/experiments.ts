/**
 * Command line for the experiments:
 *
 *   npm run experiments -- <name|all> [--seed S] [--quick] [--sizes 100,1000] [--backend cpu|wasm]
 *                          [--out DIR] [--markdown FILE] [--plugin MODULE]...
 *
 * Runs one experiment (or all), shows a progress bar, prints a results table, and writes
 * `<out>/<name>.json` and `<out>/<name>.svg` (default out: build/experiments). `--markdown` also
 * writes a summary of the run (src/experiments/RESULTS.md is generated this way). `--plugin`
 * imports a module first, e.g. one that calls `registerDriftLearner`; the drift benchmark also
 * loads src/experiments/drift-bayesian.ts when it exists. Bad input prints one line and exits
 * with code 2.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ExperimentReport } from '../src/experiments/index.js';
import { experimentNames } from '../src/experiments/names.js';

class UsageError extends Error {}

interface Args {
  names: string[];
  seed: number;
  quick: boolean;
  sizes?: number[];
  backend?: 'cpu' | 'wasm';
  out: string;
  markdown?: string;
  plugins: string[];
  csv?: string;
  column?: string;
  date?: string;
  stream?: 'permuted' | 'split' | 'rotated';
}

const USAGE = `usage: npm run experiments -- <${[...experimentNames, 'all'].join('|')}> [--seed S] [--quick] [--sizes N1,N2,...] [--backend cpu|wasm] [--out DIR] [--markdown FILE] [--plugin MODULE] [--stream permuted|split|rotated] [--csv FILE --column NAME [--date NAME]]`;

function parseArgs(argv: string[]): Args {
  const args: Args = { names: [], seed: 1, quick: false, out: 'build/experiments', plugins: [] };
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--quick') args.quick = true;
    else if (a === '--seed') {
      const v = value(i++, a);
      if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
        throw new UsageError(`--seed must be an integer, got "${v}"`);
      }
      args.seed = Number(v);
    } else if (a === '--sizes') {
      const v = value(i++, a);
      args.sizes = v.split(',').map((s) => {
        const n = Number(s);
        if (!/^\s*-?\d+\s*$/.test(s) || !(n > 0) || !Number.isSafeInteger(n)) {
          throw new UsageError(`--sizes: every N must be a positive integer, got "${s}"`);
        }
        return n;
      });
    } else if (a === '--backend') {
      const v = value(i++, a);
      if (v !== 'cpu' && v !== 'wasm')
        throw new UsageError(`--backend must be cpu or wasm, got "${v}"`);
      args.backend = v;
    } else if (a === '--out') args.out = value(i++, a);
    else if (a === '--markdown') args.markdown = value(i++, a);
    else if (a === '--plugin') args.plugins.push(value(i++, a));
    else if (a === '--csv') args.csv = value(i++, a);
    else if (a === '--column') args.column = value(i++, a);
    else if (a === '--date') args.date = value(i++, a);
    else if (a === '--stream') {
      const v = value(i++, a);
      if (v !== 'permuted' && v !== 'split' && v !== 'rotated') {
        throw new UsageError(`--stream must be permuted, split or rotated, got "${v}"`);
      }
      args.stream = v;
    } else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else if (a === 'all') args.names.push(...experimentNames);
    else if ((experimentNames as readonly string[]).includes(a)) args.names.push(a);
    else
      throw new UsageError(
        `unknown experiment "${a}"; choose one of ${experimentNames.join(', ')}, all`,
      );
  }
  if (args.names.length === 0) throw new UsageError('name an experiment');
  if ((args.column !== undefined || args.date !== undefined) && args.csv === undefined) {
    throw new UsageError('--column and --date need --csv FILE');
  }
  if (args.csv !== undefined && args.column === undefined) {
    throw new UsageError('--csv needs --column NAME (the numeric column to predict)');
  }
  args.names = [...new Set(args.names)];
  return args;
}

function printTable(report: ExperimentReport): void {
  const { columns, rows } = report.table;
  const widths = columns.map((c, j) => Math.max(c.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padEnd(widths[j] as number)).join('  ');
  console.log(`\n${report.title}`);
  console.log(line(columns));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  for (const f of report.findings) console.log(`  • ${f}`);
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`experiments: ${e.message}\n${USAGE}`.split('\n')[0]);
      process.exit(2);
    }
    throw e;
  }
  // A CSV is read (and its file and columns checked) before the heavy imports, so bad input fails fast.
  let series: import('../src/experiments/data/series.js').RealSeries | undefined;
  if (args.csv !== undefined) {
    const { readSeriesCsv } = await import('../src/experiments/data/series.js');
    try {
      series = readSeriesCsv(args.csv, {
        column: args.column as string,
        ...(args.date !== undefined ? { date: args.date } : {}),
      });
    } catch (e) {
      console.error(`experiments: ${e instanceof Error ? e.message : String(e)}`.split('\n')[0]);
      process.exit(2);
    }
  }
  // Heavy imports only after the arguments are known to be good, so bad input fails fast.
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  const { default: cliProgress } = await import('cli-progress');
  const { experiments, mergeReportMarkdown, reportMarkdown } = await import(
    '../src/experiments/index.js'
  );
  const { standaloneSvg } = await import('../src/experiments/svg-file.js');
  // Learners that other modules add to the drift benchmark load themselves when imported; the
  // Bayesian multiscale learners (issue 7) are loaded by default when their module exists.
  const bundled = fileURLToPath(new URL('../src/experiments/drift-bayesian.ts', import.meta.url));
  const plugins = [
    ...(args.names.includes('drift') && existsSync(bundled) ? [bundled] : []),
    ...args.plugins,
  ];
  for (const plugin of plugins) await import(pathToFileURL(resolve(plugin)).href);
  tf.enableProdMode();
  mkdirSync(args.out, { recursive: true });
  const reports: ExperimentReport[] = [];
  for (const name of args.names) {
    const experiment = experiments.find((e) => e.name === name);
    if (!experiment) continue;
    const backend = args.backend ?? experiment.backend;
    if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to initialize`);
    await tf.ready();
    const bar = new cliProgress.SingleBar(
      {
        format: `${name.padEnd(15)} [{bar}] {percentage}% {label}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1000, 0, { label: '' });
    const started = performance.now();
    const report = await experiment.run({
      seed: args.seed,
      quick: args.quick,
      ...(args.sizes ? { sizes: args.sizes } : {}),
      ...(series ? { series } : {}),
      ...(args.stream ? { stream: args.stream } : {}),
      onProgress: (f, label) => bar.update(Math.round(1000 * f), { label }),
    });
    bar.update(1000, { label: `${((performance.now() - started) / 1000).toFixed(1)} s` });
    bar.stop();
    printTable(report);
    const json = {
      name,
      seed: args.seed,
      quick: args.quick,
      backend,
      table: report.table,
      findings: report.findings,
      data: report.data,
    };
    writeFileSync(join(args.out, `${name}.json`), `${JSON.stringify(json, null, 1)}\n`);
    writeFileSync(join(args.out, `${name}.svg`), `${standaloneSvg(report.chart)}\n`);
    reports.push(report);
  }
  if (args.markdown) {
    mkdirSync(dirname(args.markdown), { recursive: true });
    const command = `npm run experiments -- ${args.names.length === experimentNames.length ? 'all' : args.names.join(' ')} --seed ${args.seed}${args.quick ? ' --quick' : ''} --markdown ${args.markdown}`;
    // A run of some experiments refreshes only their sections of an existing file.
    const partial = args.names.length < experimentNames.length && existsSync(args.markdown);
    writeFileSync(
      args.markdown,
      partial
        ? mergeReportMarkdown(readFileSync(args.markdown, 'utf8'), reports, command)
        : reportMarkdown(reports, command),
    );
  }
  console.log(`\nwrote ${args.names.map((n) => join(args.out, `${n}.{json,svg}`)).join(', ')}`);
}

main().catch((e: unknown) => {
  console.error(`experiments: ${e instanceof Error ? e.message : String(e)}`.split('\n')[0]);
  process.exit(1);
});
