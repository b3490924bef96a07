import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const tsx = join('node_modules', '.bin', 'tsx');

function cli(...args: string[]) {
  const r = spawnSync(tsx, ['scripts/experiments.ts', ...args], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('experiments CLI', () => {
  for (const [label, args, pattern] of [
    ['an unknown experiment', ['nonsense'], /unknown experiment "nonsense"/],
    ['a non-numeric seed', ['forgetting', '--seed', 'abc'], /--seed must be an integer/],
    ['N ≤ 0', ['lifetime', '--sizes', '100,0'], /positive integer/],
    ['no experiment', [], /name an experiment/],
  ] as const) {
    it(`exits 2 with one line and no stack trace for ${label}`, () => {
      const r = cli(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('writes JSON and SVG for the experiment it was asked for', () => {
    const out = mkdtempSync(join(tmpdir(), 'experiments-'));
    const first = cli('forgetting', '--quick', '--seed', '3', '--out', out);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Benna–Fusi m=6/);
    const json = readFileSync(join(out, 'forgetting.json'), 'utf8');
    expect(JSON.parse(json).table.rows.length).toBeGreaterThan(10);
    expect(readFileSync(join(out, 'forgetting.svg'), 'utf8')).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
    );
    expect(existsSync(join(out, 'lifetime.json'))).toBe(false);
  });

  // The real-data experiments end to end at their --quick sizes, as the issue asks CI to run them.
  // Their wall time is printed (CI's log records it), never asserted: no timed tests.
  for (const [name, file, pattern] of [
    ['digits', 'digits.json', /Continual learning on handwritten digits/],
    ['series', 'series.json', /Online prediction of a real time series/],
  ] as const) {
    it(`runs ${name} --quick end to end and writes its table`, () => {
      const out = mkdtempSync(join(tmpdir(), 'experiments-'));
      const started = Date.now();
      const r = cli(name, '--quick', '--seed', '1', '--out', out);
      const seconds = (Date.now() - started) / 1000;
      console.log(`[experiments] ${name} --quick: ${seconds.toFixed(1)} s wall clock`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(pattern);
      expect(JSON.parse(readFileSync(join(out, file), 'utf8')).table.rows.length).toBeGreaterThan(
        2,
      );
    }, 300_000);
  }
});
