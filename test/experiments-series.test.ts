import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  blockBootstrapRatio,
  meanInterval,
  onlineSquaredErrors,
  pairedComparison,
  parseSeries,
  readSeriesCsv,
  realDataLearners,
  runSeries,
  seattleWeather,
  seriesDesign,
  seriesGrids,
} from '../src/experiments/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tsx = join('node_modules', '.bin', 'tsx');
function cli(...args: string[]) {
  const r = spawnSync(tsx, ['scripts/experiments.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stderr: r.stderr };
}

describe('real series: loading', () => {
  it('reads a numeric column and its dates with d3-dsv', () => {
    const s = parseSeries('day,temp,note\n2012-01-01,1.5,"a, b"\n2012-01-02,-2,x\n', {
      column: 'temp',
      date: 'day',
    });
    expect(Array.from(s.values)).toEqual([1.5, -2]);
    expect(s.dates?.map((d) => d.toISOString().slice(0, 10))).toEqual(['2012-01-01', '2012-01-02']);
  });

  it('names the missing column and lists the ones that exist', () => {
    expect(() => parseSeries('a,b\n1,2\n3,4\n', { column: 'c' })).toThrow(
      'CSV: no column "c"; the columns are "a", "b"',
    );
    expect(() => parseSeries('a,b\n1,2\n3,x\n', { column: 'b' })).toThrow(
      'column "b" row 3 is "x", not a finite number',
    );
    expect(() => readSeriesCsv('/nonexistent/weather.csv', { column: 'a' })).toThrow(
      'no such file: /nonexistent/weather.csv',
    );
  });

  it('loads the Seattle weather series from vega-datasets: 1461 days, 2012–2015', () => {
    const s = seattleWeather('temp_max');
    expect(s.values.length).toBe(1461);
    expect(s.dates?.[0]?.toISOString().slice(0, 10)).toBe('2012-01-01');
    expect(s.dates?.[1460]?.toISOString().slice(0, 10)).toBe('2015-12-31');
    expect(s.values[0]).toBe(12.8); // first data row of the CSV: 2012-01-01,0.0,12.8,5.0,4.7,drizzle
  });
});

describe('real series: design and statistics against hand computation', () => {
  it('builds lags, targets and persistence, standardized on the tuning segment only', () => {
    const values = [1, 2, 4, 7, 11, 16, 22, 29, 37, 46, 56, 67];
    const design = seriesDesign(
      { source: 'test', column: 'x', values: Float64Array.from(values) },
      { lags: 2, tuneFraction: 0.25 },
    );
    // 12 values, 2 lags → 10 predictions; tuning: round(0.25·10) = 3 steps, which use values 0…4.
    expect(design.steps).toBe(10);
    expect(design.tuneSteps).toBe(3);
    const tune = [1, 2, 4, 7, 11];
    const m = tune.reduce((a, b) => a + b, 0) / 5;
    const sd = Math.sqrt(tune.reduce((a, b) => a + (b - m) ** 2, 0) / 4);
    const z = (v: number) => (v - m) / sd;
    expect(design.dim).toBe(3);
    // Step 0 sees values 2 and 1 (newest first) and predicts 4.
    expect(Array.from(design.x.subarray(0, 3))).toEqual([1, Math.fround(z(2)), Math.fround(z(1))]);
    expect(design.y[0]).toBeCloseTo(z(4), 6);
    expect(design.persistence[0]).toBeCloseTo(z(2), 6);
    expect(design.y[9]).toBeCloseTo(z(67), 5);
  });

  it('online SGD errors match a float64 predict-then-update loop', () => {
    const values = Array.from({ length: 60 }, (_, i) => Math.sin(i / 5) + 0.1 * i);
    const design = seriesDesign(
      { source: 'test', column: 'x', values: Float64Array.from(values) },
      { lags: 3 },
    );
    const eta = 0.05;
    const errors = onlineSquaredErrors(design, tf.train.sgd(eta));
    const w = [0, 0, 0, 0];
    for (let s = 0; s < design.steps; s++) {
      const x = Array.from(design.x.subarray(s * 4, s * 4 + 4));
      const p = x.reduce((a, xi, i) => a + xi * (w[i] as number), 0);
      const e = p - (design.y[s] as number);
      // float32 tfjs against float64: relative agreement to 1e-4.
      expect(Math.abs((errors[s] as number) - e * e)).toBeLessThan(1e-4 * (1 + e * e));
      for (let i = 0; i < 4; i++) w[i] = (w[i] as number) - eta * e * (x[i] as number);
    }
  });

  it('t-intervals and the paired t-test match closed forms', () => {
    // t₀.₉₇₅ with 2 degrees of freedom is 4.302652729911275 (any t table).
    const i = meanInterval([1, 2, 3]);
    expect(i.mean).toBe(2);
    expect(i.hi - 2).toBeCloseTo(4.302652729911275 / Math.sqrt(3), 9);
    // Differences 1, 2, 3: t = 2/(1/√3) = 2√3; with 2 degrees of freedom the t CDF is
    // ½ + t/(2√(2 + t²)), so the two-sided p = 1 − t/√(2 + t²).
    const c = pairedComparison([2, 3, 5], [1, 1, 2]);
    const t = 2 * Math.sqrt(3);
    expect(c.t).toBeCloseTo(t, 9);
    expect(c.p).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 6);
    expect(c.significant).toBe(false);
    expect(pairedComparison([1, 2], [1, 2])).toMatchObject({ mean: 0, p: 1, significant: false });
  });

  it('the block bootstrap of Σa/Σb is exact when a block spans the series', () => {
    const a = [1, 2, 3, 4];
    const b = [2, 2, 2, 2];
    const whole = blockBootstrapRatio(a, b, { block: 4, resamples: 50 });
    expect(whole).toEqual({ mean: 10 / 8, lo: 10 / 8, hi: 10 / 8 });
    // One-step blocks: every resampled ratio is (Σ of 4 draws from a)/8, between 4/8 and 16/8.
    const single = blockBootstrapRatio(a, b, { block: 1, resamples: 500, seed: 3 });
    expect(single.lo).toBeGreaterThanOrEqual(0.5);
    expect(single.hi).toBeLessThanOrEqual(2);
    expect(single.lo).toBeLessThan(single.hi);
  });
});

describe('real series: the experiment', () => {
  const small = () =>
    realDataLearners(
      { sgd: seriesGrids.sgd ?? {}, bennaFusi: seriesGrids.bennaFusi ?? {} },
      true,
    ).filter((l) => ['tf.train.sgd', 'bennaFusi'].includes(l.name));

  it('is deterministic, and persistence is its own unit', () => {
    const series = seattleWeather('temp_max');
    const a = runSeries(series, { quick: true, limit: 120, learners: small() });
    const b = runSeries(series, { quick: true, limit: 120, learners: small() });
    expect(a.rows).toEqual(b.rows);
    const persistence = a.rows[0];
    expect(persistence?.learner).toBe('persistence');
    expect(persistence?.vsPersistence).toEqual({ mean: 1, lo: 1, hi: 1 });
    expect(a.bestSingle).toBe('tf.train.sgd');
    expect(a.rows.find((r) => r.learner === 'tf.train.sgd')?.vsBestSingle.mean).toBe(1);
  });

  it('CLI: a missing file or column is one line and exit code 2', () => {
    const missing = cli('series', '--csv', '/nonexistent/x.csv', '--column', 'v');
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('experiments: no such file: /nonexistent/x.csv');
    const dir = mkdtempSync(join(tmpdir(), 'series-'));
    const file = join(dir, 'x.csv');
    writeFileSync(file, 'a,b\n1,2\n3,4\n');
    const column = cli('series', '--csv', file, '--column', 'temp');
    expect(column.code).toBe(2);
    expect(column.stderr.trim()).toBe(
      `experiments: ${file}: no column "temp"; the columns are "a", "b"`,
    );
    const noColumn = cli('series', '--csv', file);
    expect(noColumn.code).toBe(2);
    expect(noColumn.stderr).toMatch(/--csv needs --column NAME/);
  });
});
