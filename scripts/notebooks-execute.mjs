// `npm run notebooks:execute [-- NAME_FILTER...]`: executes every notebooks/*.ipynb headlessly with
// the tslab kernel into build/notebooks/, the way CI does. A notebook passes when
//   - its committed copy holds no outputs (sources are stored clean, like d2l.ai's),
//   - every cell runs without an error (a tslab type error is an error too),
//   - it shows at least one chart (an <svg> in a display_data / execute_result output).
// Writes build/test-results/notebooks.json = {passed, failed, notebooks: [{name, ok, seconds,
// cpuSeconds, charts, checks, error?}]} for scripts/test.mjs, prints per-notebook timings (wall
// clock, and CPU time of runner + kernel, which a busy shared machine does not inflate), and exits
// non-zero on any failure. Optional arguments keep only the notebooks whose file name contains one
// of them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ensureJupyter, jupyterPython } from './ensure.mjs';
import { ensureBuilt, notebooksDir, registerKernel, root } from './notebooks-kernel.mjs';

const outDir = `${root}build/notebooks`;
const resultsFile = `${root}build/test-results/notebooks.json`;
/** Per-notebook wall-clock limit; the course aims for well under a minute each. */
const notebookTimeoutSeconds = 300;

/** Problems with a committed (source) notebook: it must be clean and use the tslab kernel. */
function sourceProblems(nb) {
  const problems = [];
  if (nb.metadata?.kernelspec?.name !== 'tslab') problems.push('kernelspec is not tslab');
  const dirty = nb.cells.filter(
    (c) => c.cell_type === 'code' && (c.outputs?.length > 0 || c.execution_count != null),
  ).length;
  if (dirty > 0) problems.push(`${dirty} code cell(s) committed with outputs (clear them)`);
  return problems;
}

/** Charts, numeric checks (lines with ✓) and error outputs in an executed notebook. */
function inspectExecuted(nb) {
  let charts = 0;
  let checks = 0;
  const errors = [];
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) {
      if (out.output_type === 'error') errors.push(`${out.ename}: ${out.evalue}`);
      if (out.output_type === 'stream') {
        const text = [].concat(out.text).join('');
        checks += text.split('\n').filter((line) => line.includes('✓')).length;
      }
      if (out.output_type === 'display_data' || out.output_type === 'execute_result') {
        const data = out.data ?? {};
        const html = [].concat(data['text/html'] ?? []).join('');
        if (data['image/svg+xml'] || html.includes('<svg')) charts += 1;
      }
    }
  }
  return { charts, checks, errors };
}

/**
 * Executes one notebook with nbclient, the engine behind `jupyter nbconvert --execute`, called
 * directly so that a failing notebook is still written (with the outputs up to the failure) and
 * the failing cell's own output is printed: tslab reports type errors on the cell's stderr stream,
 * which nbconvert's CLI drops. argv: source, destination, timeout per cell in seconds.
 */
const runner = `
import os, resource, sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
src, dst, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3])
nb = nbformat.read(src, as_version=4)
client = NotebookClient(nb, kernel_name='tslab', timeout=timeout,
                        resources={'metadata': {'path': os.path.dirname(src)}})
try:
    client.execute()
except CellExecutionError as error:
    ran = [c for c in nb.cells if c.get('execution_count') is not None]
    cell = max(ran, key=lambda c: c.execution_count) if ran else None
    if cell is not None:
        index = nb.cells.index(cell)
        print(f'cell {index} failed:', file=sys.stderr)
        print(cell.source, file=sys.stderr)
        print('--- its output ---', file=sys.stderr)
        for out in cell.get('outputs', []):
            if out.output_type == 'stream':
                print(out.text, file=sys.stderr, end='')
            elif out.output_type == 'error':
                print(out.ename + ': ' + out.evalue, file=sys.stderr)
                print('\\n'.join(out.get('traceback', [])), file=sys.stderr)
    else:
        print(str(error), file=sys.stderr)
    sys.exit(1)
finally:
    nbformat.write(nb, dst)
    # CPU time of this process and the (exited) kernel: a load-independent cost on a shared box.
    used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    print('cpu-seconds', sum(u.ru_utime + u.ru_stime for u in used))
`;

/** The last lines of the runner's stderr, which hold the failing cell and its output. */
function tail(text, lines = 40) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/**
 * The Python that runs the executor: Debian's (ensure.mjs's `jupyterPython`) when it has nbclient,
 * else whatever `python3` is on PATH (a pip or virtualenv Jupyter).
 */
function executorPython() {
  for (const python of [jupyterPython, 'python3']) {
    const probe = spawnSync(python, ['-c', 'import nbclient, nbformat'], { stdio: 'ignore' });
    if (probe.status === 0) return python;
  }
  throw new Error('no Python with nbclient and nbformat found (pip install nbclient nbformat)');
}

ensureJupyter();
ensureBuilt();
const python = executorPython();
const env = registerKernel();
const filters = process.argv.slice(2);
const names = readdirSync(notebooksDir)
  .filter((f) => f.endsWith('.ipynb'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (names.length === 0) {
  console.error(`[notebooks] no notebooks matched in ${notebooksDir}`);
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
mkdirSync(`${root}build/test-results`, { recursive: true });

const notebooks = [];
for (const name of names) {
  const entry = { name, ok: false, seconds: 0, cpuSeconds: null, charts: 0, checks: 0 };
  notebooks.push(entry);
  const problems = sourceProblems(JSON.parse(readFileSync(`${notebooksDir}/${name}`, 'utf8')));
  process.stdout.write(`[notebooks] ${name} … `);
  const started = Date.now();
  const run = spawnSync(
    python,
    ['-c', runner, `${notebooksDir}/${name}`, `${outDir}/${name}`, String(notebookTimeoutSeconds)],
    { cwd: root, env, encoding: 'utf8', timeout: notebookTimeoutSeconds * 1000 },
  );
  entry.seconds = Number(((Date.now() - started) / 1000).toFixed(1));
  const cpu = /cpu-seconds ([\d.]+)/.exec(run.stdout ?? '');
  entry.cpuSeconds = cpu ? Number(Number(cpu[1]).toFixed(1)) : null;
  if (run.status !== 0) {
    problems.push(run.error ? `did not finish: ${run.error.message}` : tail(run.stderr));
  } else {
    const executed = JSON.parse(readFileSync(`${outDir}/${name}`, 'utf8'));
    const { charts, checks, errors } = inspectExecuted(executed);
    entry.charts = charts;
    entry.checks = checks;
    problems.push(...errors);
    if (charts === 0) problems.push('no chart was displayed (expected at least one <svg>)');
  }
  entry.ok = problems.length === 0;
  if (!entry.ok) entry.error = problems.join('\n');
  console.log(
    `${entry.ok ? 'ok' : 'FAILED'} in ${entry.seconds} s, ${entry.cpuSeconds ?? '?'} s CPU ` +
      `(${entry.charts} charts, ${entry.checks} checks)`,
  );
  if (!entry.ok) console.log(entry.error.replace(/^/gm, '    '));
}

const passed = notebooks.filter((n) => n.ok).length;
const failed = notebooks.length - passed;
writeFileSync(resultsFile, `${JSON.stringify({ passed, failed, notebooks }, null, 2)}\n`);
const total = notebooks.reduce((sum, n) => sum + n.seconds, 0).toFixed(1);
const cpuTotal = notebooks.reduce((sum, n) => sum + (n.cpuSeconds ?? 0), 0).toFixed(1);
console.log(
  `[notebooks] ${passed} passed, ${failed} failed in ${total} s (${cpuTotal} s CPU) → build/notebooks/`,
);
process.exit(failed === 0 ? 0 : 1);
