/**
 * Small helpers shared by the course notebooks: show a chart, and check a number with a visible
 * ✓ (or stop the notebook with an error that says what was expected). No optimizer math lives
 * here; the notebooks compute everything with the library in ../../dist (built from ../../src).
 */
import type * as Plot from '@observablehq/plot';
import * as tslab from 'tslab';
import { chartSvg } from '../../dist/plots/node.js';

/** Renders Observable Plot options to SVG (jsdom) and displays them in the notebook. */
export function show(options: Plot.PlotOptions): void {
  tslab.display.html(chartSvg(options));
}

/** Prints `✓ label` when `ok`, otherwise throws an error naming the failed check. */
export function check(label: string, ok: boolean, detail = ''): void {
  if (!ok) throw new Error(`✗ ${label}${detail ? `: ${detail}` : ''}`);
  console.log(`✓ ${label}${detail ? ` (${detail})` : ''}`);
}

/** The largest |a_i − b_i| over two equally long arrays (or two numbers). */
export function maxAbsDiff(a: number | ArrayLike<number>, b: number | ArrayLike<number>): number {
  const xs = typeof a === 'number' ? [a] : a;
  const ys = typeof b === 'number' ? [b] : b;
  if (xs.length !== ys.length) throw new Error(`lengths differ: ${xs.length} vs ${ys.length}`);
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = Math.abs((xs[i] as number) - (ys[i] as number));
    worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(worst, d);
  }
  return worst;
}

/**
 * Checks that `actual` matches `expected` to within `tolerance` (absolute, elementwise) and prints
 * `✓ label (max error …)`; throws otherwise.
 */
export function checkClose(
  label: string,
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  tolerance: number,
): void {
  const error = maxAbsDiff(actual, expected);
  check(label, error <= tolerance, `max error ${error.toExponential(2)} ≤ ${tolerance}`);
}

/**
 * Grades a student's answer: prints whether it is right (with a hint if not) and returns true or
 * false. Never throws, so students can try again.
 */
export function grade(exercise: string, right: boolean, hint: string): boolean {
  console.log(right ? `✓ ${exercise}: correct.` : `✗ ${exercise}: not yet. Hint: ${hint}`);
  return right;
}

/** Formats a number with `digits` significant digits, for captions and printed tables. */
export function fmt(x: number, digits = 4): string {
  return Number(x.toPrecision(digits)).toString();
}
