import { expect } from 'vitest';
import { maxAbs, maxAbsDiff } from './backends.js';

/**
 * Asserts max|actual − expected| ≤ tol·max(max|expected|, floor): a relative tolerance on the
 * largest entry, with `floor` (default 0) as the smallest scale, for references near zero.
 * `label` names the comparison in the failure message. Throws when the lengths differ.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  floor = 0,
  label = '',
): void {
  const diff = maxAbsDiff(actual, expected);
  const scale = Math.max(maxAbs(expected), floor);
  expect(diff, `${label}${label ? ': ' : ''}max|Δ| = ${diff}, scale ${scale}`).toBeLessThanOrEqual(
    tol * scale,
  );
}
