// `npm run notebooks:execute [-- NAME_FILTER...]`: executes every course notebook headlessly with
// the tslab kernel into build/notebooks/, the way CI does: each student copy notebooks/NN-*.ipynb
// into build/notebooks/NN-*.ipynb and each instructor copy notebooks/solutions/NN-*.ipynb (its
// `starter` cells dropped) into build/notebooks/solutions/. See notebooks/README.md. It passes when
//   - both committed copies hold no outputs (sources are stored clean, like d2l.ai's), and the
//     student copy is exactly what `npm run notebooks:split` generates from the instructor copy,
//   - the notebook opens with Objectives, Prerequisites, Estimated time and a link to the
//     notation page, and ends with a Summary and "Check your understanding" questions,
//   - every cell of both copies runs without an error (a tslab type error is an error too),
//   - each shows at least one chart (an <svg> in a display_data / execute_result output),
//   - the student copy marks at least 4 exercises "✎ Exercise ID: your turn", and the instructor
//     copy prints "✓ Exercise ID" for each of them and no "your turn" at all.
// Writes build/test-results/notebooks.json = {passed, failed, notebooks: [{name, ok, seconds,
// cpuSeconds, charts, checks, exercises, error?}]} (one entry per copy) for scripts/test.mjs,
// prints per-notebook timings (wall clock, and CPU time of runner + kernel, which a busy shared
// machine does not inflate), and exits non-zero on any failure. Optional arguments keep only the
// notebooks whose file name contains one of them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ensureJupyter, jupyterPython } from './ensure.mjs';
import { ensureBuilt, notebooksDir, registerKernel, root } from './notebooks-kernel.mjs';
import {
  instructorDir,
  instructorNames,
  studentIsCurrent,
  tagProblems,
} from './notebooks-split.mjs';

const outDir = `${root}build/notebooks`;
const resultsFile = `${root}build/test-results/notebooks.json`;
/** Per-notebook wall-clock limit; the course aims for well under a minute each. */
const notebookTimeoutSeconds = 300;
/** Fewest exercises a notebook may have (the course's rule, notebooks/README.md). */
const minimumExercises = 4;
/** "✎ Exercise ID: your turn" and "✓ Exercise ID", as printed by `exercise` in lib/course.ts. */
const yourTurnLine = /✎ Exercise (.+?): your turn/;
const passedLine = /✓ Exercise (.+?)\s*$/;

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

/** The markdown text of a notebook's cells, in order. */
function markdownCells(nb) {
  return nb.cells
    .filter((c) => c.cell_type === 'markdown')
    .map((c) => [].concat(c.source).join(''));
}

/**
 * Problems with a notebook's course scaffolding: the opening (Objectives, Prerequisites, Estimated
 * time, a link to the notation page) within its first two markdown cells, and a Summary and
 * "Check your understanding" section among its markdown cells.
 */
function scaffoldingProblems(nb) {
  const problems = [];
  const markdown = markdownCells(nb);
  const opening = markdown.slice(0, 2).join('\n');
  for (const [label, pattern] of [
    ['Objectives', /\bObjectives\b/],
    ['Prerequisites', /\bPrerequisites\b/],
    ['Estimated time', /\bEstimated time\b/],
    ['a link to the notation page', /\]\([^)]*\/notation\/?\)/],
  ]) {
    if (!pattern.test(opening)) problems.push(`the opening has no ${label}`);
  }
  if (!markdown.some((m) => /^#+ .*Summary/m.test(m))) problems.push('no "Summary" heading');
  if (!markdown.some((m) => /^#+ .*Check your understanding/m.test(m))) {
    problems.push('no "Check your understanding" heading');
  }
  return problems;
}

/** Charts, numeric checks (lines with ✓), exercise markers and error outputs in an executed notebook. */
function inspectExecuted(nb) {
  let charts = 0;
  let checks = 0;
  const errors = [];
  const yourTurn = new Set();
  const passed = new Set();
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) {
      if (out.output_type === 'error') errors.push(`${out.ename}: ${out.evalue}`);
      if (out.output_type === 'stream') {
        const text = [].concat(out.text).join('');
        for (const line of text.split('\n')) {
          if (line.includes('✓')) checks += 1;
          const open = yourTurnLine.exec(line);
          if (open) yourTurn.add(open[1]);
          const done = passedLine.exec(line);
          if (done) passed.add(done[1]);
        }
      }
      if (out.output_type === 'display_data' || out.output_type === 'execute_result') {
        const data = out.data ?? {};
        const html = [].concat(data['text/html'] ?? []).join('');
        if (data['image/svg+xml'] || html.includes('<svg')) charts += 1;
      }
    }
  }
  return { charts, checks, errors, yourTurn, passed };
}

/**
 * Executes one notebook with nbclient, the engine behind `jupyter nbconvert --execute`, called
 * directly so that a failing notebook is still written (with the outputs up to the failure) and
 * the failing cell's own output is printed: tslab reports type errors on the cell's stderr stream,
 * which nbconvert's CLI drops. argv: source, destination, timeout per cell in seconds, the folder
 * the kernel runs in (the notebook's own, so its relative imports resolve), and a cell tag whose
 * cells are dropped before running ('-' for none).
 */
const runner = `
import os, resource, sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
src, dst, timeout, cwd, drop = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
nb = nbformat.read(src, as_version=4)
nb.cells = [c for c in nb.cells if drop not in c.get('metadata', {}).get('tags', [])]
client = NotebookClient(nb, kernel_name='tslab', timeout=timeout,
                        resources={'metadata': {'path': cwd}})
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

/**
 * Runs one copy: `source` into `destination` with the kernel in `source`'s folder, dropping the
 * cells tagged `drop`. Returns its results entry (problems so far in `problems`) and what it printed.
 */
function execute(python, env, label, source, destination, drop, problems) {
  const entry = { name: label, ok: false, seconds: 0, cpuSeconds: null, charts: 0, checks: 0 };
  process.stdout.write(`[notebooks] ${label} … `);
  const folder = source.slice(0, source.lastIndexOf('/'));
  const started = Date.now();
  const run = spawnSync(
    python,
    ['-c', runner, source, destination, String(notebookTimeoutSeconds), folder, drop],
    { cwd: root, env, encoding: 'utf8', timeout: notebookTimeoutSeconds * 1000 },
  );
  entry.seconds = Number(((Date.now() - started) / 1000).toFixed(1));
  const cpu = /cpu-seconds ([\d.]+)/.exec(run.stdout ?? '');
  entry.cpuSeconds = cpu ? Number(Number(cpu[1]).toFixed(1)) : null;
  let found = { yourTurn: new Set(), passed: new Set() };
  if (run.status !== 0) {
    problems.push(run.error ? `did not finish: ${run.error.message}` : tail(run.stderr));
  } else {
    found = inspectExecuted(JSON.parse(readFileSync(destination, 'utf8')));
    entry.charts = found.charts;
    entry.checks = found.checks;
    problems.push(...found.errors);
    if (found.charts === 0) problems.push('no chart was displayed (expected at least one <svg>)');
  }
  return { entry, found };
}

/** Records `problems` on `entry`, prints its line, and adds it to `notebooks`. */
function report(notebooks, entry, problems) {
  entry.ok = problems.length === 0;
  if (!entry.ok) entry.error = problems.join('\n');
  notebooks.push(entry);
  console.log(
    `${entry.ok ? 'ok' : 'FAILED'} in ${entry.seconds} s, ${entry.cpuSeconds ?? '?'} s CPU ` +
      `(${entry.charts} charts, ${entry.checks} checks, ${entry.exercises ?? 0} exercises)`,
  );
  if (!entry.ok) console.log(entry.error.replace(/^/gm, '    '));
}

ensureJupyter();
ensureBuilt();
const python = executorPython();
const env = registerKernel();
const filters = process.argv.slice(2);
const matches = (f) => filters.length === 0 || filters.some((s) => f.includes(s));
const students = readdirSync(notebooksDir)
  .filter((f) => f.endsWith('.ipynb'))
  .filter(matches);
const names = [...new Set([...students, ...instructorNames(filters)])].sort();
if (names.length === 0) {
  console.error(`[notebooks] no notebooks matched in ${notebooksDir}`);
  process.exit(1);
}
mkdirSync(`${outDir}/solutions`, { recursive: true });
mkdirSync(`${root}build/test-results`, { recursive: true });

const notebooks = [];
for (const name of names) {
  const studentPath = `${notebooksDir}/${name}`;
  const instructorPath = `${instructorDir}/${name}`;
  const instructor = existsSync(instructorPath)
    ? JSON.parse(readFileSync(instructorPath, 'utf8'))
    : null;
  // The student copy: generated from the instructor copy, runs top to bottom, marks its exercises.
  const studentProblems = [];
  if (!existsSync(studentPath)) {
    studentProblems.push(`missing: run npm run notebooks:split to generate it from solutions/`);
  } else if (!instructor) {
    studentProblems.push(
      `no instructor copy notebooks/solutions/${name} (see notebooks/README.md)`,
    );
  } else if (!studentIsCurrent(name)) {
    studentProblems.push(
      `not the student copy of solutions/${name}: run npm run notebooks:split and commit both`,
    );
  }
  let student = { entry: { name, seconds: 0, charts: 0, checks: 0 }, found: null };
  if (existsSync(studentPath)) {
    const source = JSON.parse(readFileSync(studentPath, 'utf8'));
    studentProblems.push(...sourceProblems(source), ...scaffoldingProblems(source));
    student = execute(python, env, name, studentPath, `${outDir}/${name}`, '-', studentProblems);
    const open = student.found.yourTurn;
    student.entry.exercises = open.size;
    if (student.found.passed.size > 0) {
      studentProblems.push(`solved exercises in the student copy: ${[...student.found.passed]}`);
    }
    if (student.entry.charts > 0 && open.size < minimumExercises) {
      studentProblems.push(
        `${open.size} exercise(s) marked "✎ … your turn"; a notebook has at least ${minimumExercises}`,
      );
    }
  } else {
    process.stdout.write(`[notebooks] ${name} … `);
  }
  report(notebooks, student.entry, studentProblems);
  if (!instructor) continue;
  // The instructor copy, starter cells dropped: every exercise solved, none left open.
  const label = `solutions/${name}`;
  const problems = [...sourceProblems(instructor), ...tagProblems(instructor)];
  const run = execute(
    python,
    env,
    label,
    instructorPath,
    `${outDir}/solutions/${name}`,
    'starter',
    problems,
  );
  run.entry.exercises = run.found.passed.size;
  if (run.found.yourTurn.size > 0) {
    problems.push(`"your turn" left in the instructor copy: ${[...run.found.yourTurn].join(', ')}`);
  }
  const unsolved = [...(student.found?.yourTurn ?? [])].filter((id) => !run.found.passed.has(id));
  if (run.entry.charts > 0 && unsolved.length > 0) {
    problems.push(`no "✓ Exercise" for: ${unsolved.join(', ')}`);
  }
  report(notebooks, run.entry, problems);
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
