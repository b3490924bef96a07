// `npm test`: everything CI runs, in order, with one summary line at the end.
// Each stage reports how many checks it ran; a stage that fails without a report counts as one
// failed check. The last line is `N passed, N failed` so CI can read it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureChromium, ensureJupyter, ensureNodeModules } from './ensure.mjs';

const root = new URL('..', import.meta.url).pathname;
const results = `${root}build/test-results`;

ensureNodeModules();
ensureJupyter();
ensureChromium();
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

/** Counts from vitest's and Playwright's JSON reports, and from our notebook runner's. */
const readers = {
  vitest(file) {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    return {
      passed: r.numPassedTests,
      failed: r.numFailedTests + r.numPendingTests + r.numTodoTests,
    };
  },
  playwright(file) {
    const s = JSON.parse(readFileSync(file, 'utf8')).stats;
    return { passed: s.expected, failed: s.unexpected + s.flaky + s.skipped };
  },
  plain(file) {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    return { passed: r.passed, failed: r.failed };
  },
};

const stages = [
  { name: 'lint (biome)', cmd: ['npx', 'biome', 'ci', '.'] },
  { name: 'notation (scripts/lint-notation.mjs)', cmd: ['node', 'scripts/lint-notation.mjs'] },
  { name: 'type-check', cmd: ['npm', 'run', 'typecheck'] },
  { name: 'type-check (site figures)', cmd: ['npm', 'run', 'typecheck:site'] },
  { name: 'build', cmd: ['npm', 'run', 'build'] },
  {
    name: 'unit tests (vitest: cpu + wasm)',
    cmd: [
      'npx',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${results}/vitest.json`,
    ],
    report: ['vitest', `${results}/vitest.json`],
  },
  {
    name: 'course notebooks (tslab)',
    script: 'notebooks:execute',
    report: ['plain', `${results}/notebooks.json`],
  },
  {
    name: 'tutorial site (build + Playwright)',
    script: 'test:site',
    report: ['playwright', `${results}/playwright.json`],
  },
  {
    // The GitHub Pages build: under /multiscale-optimizer/, served with folders winning over
    // NAME.html; page-level specs only (the training specs ran in the stage above).
    name: 'tutorial site under a sub-path (build + page suite)',
    script: 'test:site:subpath',
    report: ['playwright', `${results}/playwright-subpath.json`],
  },
];

const scripts = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).scripts;
let passed = 0;
let failed = 0;
const lines = [];
for (const stage of stages) {
  const cmd = stage.cmd ?? ['npm', 'run', stage.script];
  if (stage.script && !scripts[stage.script]) {
    console.error(`\n[test] stage "${stage.name}" has no npm script "${stage.script}"`);
    failed += 1;
    lines.push(`${stage.name}: missing`);
    continue;
  }
  console.log(`\n[test] ── ${stage.name}: ${cmd.join(' ')}`);
  const started = Date.now();
  const { status } = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit', cwd: root });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  let counts = status === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  if (stage.report && existsSync(stage.report[1])) {
    counts = readers[stage.report[0]](stage.report[1]);
    if (status !== 0 && counts.failed === 0) counts.failed = 1;
  }
  passed += counts.passed;
  failed += counts.failed;
  lines.push(`${stage.name}: ${counts.passed} passed, ${counts.failed} failed (${seconds} s)`);
}
console.log('\n[test] summary');
for (const line of lines) console.log(`  ${line}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
