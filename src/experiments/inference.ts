import jStat from 'jstat';
import { integerAtLeast } from '../validate.js';
import { Random } from './random.js';
import { mean, std } from './stats.js';

/** A mean with its two-sided 95% confidence interval. */
export interface Interval {
  /** The estimate. */
  mean: number;
  /** Lower end of the 95% interval. */
  lo: number;
  /** Upper end of the 95% interval. */
  hi: number;
}

/**
 * The mean of `xs` with its 95% Student-t interval, mean ± t₀.₉₇₅,ₙ₋₁ · s/√n (s the sample standard
 * deviation). With one value the interval is that value ± ∞.
 *
 * $$ \bar x \pm t_{0.975,\,n-1}\,\frac{s}{\sqrt n} $$
 * @example
 * meanInterval([1, 2, 3]).hi // 2 + 4.302652729911275 / Math.sqrt(3)
 */
export function meanInterval(xs: ArrayLike<number>): Interval {
  const m = mean(xs);
  if (xs.length < 2) return { mean: m, lo: Number.NEGATIVE_INFINITY, hi: Number.POSITIVE_INFINITY };
  const half = jStat.studentt.inv(0.975, xs.length - 1) * (std(xs) / Math.sqrt(xs.length));
  return { mean: m, lo: m - half, hi: m + half };
}

/** A paired comparison of two learners on the same seeds: the mean difference a − b and its test. */
export interface PairedComparison extends Interval {
  /** Paired t statistic, mean(d)/(s_d/√n). */
  t: number;
  /** Two-sided p-value of the paired t-test (H₀: mean difference 0). */
  p: number;
  /** Whether the 95% interval excludes 0 (equivalently p < 0.05). */
  significant: boolean;
}

/**
 * Paired t-test of a − b over seeds (a[i] and b[i] from the same seed): the mean difference, its
 * 95% interval, the t statistic and the two-sided p-value. Identical inputs give d = 0, p = 1.
 * @example
 * pairedComparison([2, 3, 5], [1, 1, 2]).mean // 2
 */
export function pairedComparison(a: ArrayLike<number>, b: ArrayLike<number>): PairedComparison {
  if (a.length !== b.length) {
    throw new Error(`pairedComparison: a has ${a.length} values but b has ${b.length}`);
  }
  const d = Array.from(a, (x, i) => x - (b[i] as number));
  const interval = meanInterval(d);
  const s = std(d);
  const n = d.length;
  if (n < 2 || s === 0) {
    const same = interval.mean === 0;
    return { ...interval, t: same ? 0 : Number.NaN, p: same ? 1 : Number.NaN, significant: false };
  }
  const t = interval.mean / (s / Math.sqrt(n));
  const p = 2 * jStat.studentt.cdf(-Math.abs(t), n - 1);
  return { ...interval, t, p, significant: p < 0.05 };
}

/** Options of `blockBootstrapRatio`. */
export interface BlockBootstrapOptions {
  /** Length of the resampled blocks (keeps the serial dependence of a time series). Default 30. */
  block?: number;
  /** Bootstrap resamples. Default 2000. */
  resamples?: number;
  /** Seed of the resampling. Default 1. */
  seed?: number;
}

/**
 * The ratio Σa/Σb of two per-step loss series over the same steps (e.g. squared errors of two
 * predictors) with a 95% moving-block bootstrap interval (Künsch 1989): each resample glues
 * ⌈n/block⌉ blocks of `block` consecutive steps with uniformly drawn starts, and takes Σa/Σb over
 * the same resampled steps; the interval is the 2.5% and 97.5% percentiles.
 * @example
 * blockBootstrapRatio([1, 1, 1, 1], [2, 2, 2, 2], {block: 2}).mean // 0.5
 */
export function blockBootstrapRatio(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: BlockBootstrapOptions = {},
): Interval {
  const where = 'blockBootstrapRatio';
  const n = a.length;
  if (b.length !== n) throw new Error(`${where}: a has ${n} values but b has ${b.length}`);
  integerAtLeast(where, 'a.length', n, 2);
  const block = Math.min(n, integerAtLeast(where, 'block', options.block ?? 30, 1));
  const resamples = integerAtLeast(where, 'resamples', options.resamples ?? 2000, 10);
  const rng = new Random(options.seed ?? 1);
  const sum = (xs: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[i] as number;
    return s;
  };
  const ratios = new Float64Array(resamples);
  const blocks = Math.ceil(n / block);
  for (let r = 0; r < resamples; r++) {
    let sa = 0;
    let sb = 0;
    for (let k = 0; k < blocks; k++) {
      const start = Math.floor(rng.uniform() * (n - block + 1));
      for (let i = start; i < start + block; i++) {
        sa += a[i] as number;
        sb += b[i] as number;
      }
    }
    ratios[r] = sa / sb;
  }
  ratios.sort();
  const q = (p: number) => ratios[Math.min(resamples - 1, Math.floor(p * resamples))] as number;
  return { mean: sum(a) / sum(b), lo: q(0.025), hi: q(0.975) };
}
