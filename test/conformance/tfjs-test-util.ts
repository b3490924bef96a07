import * as tf from '@tensorflow/tfjs';

/**
 * tfjs's own closeness check and tolerance, used as tfjs's tests use them: `expectArraysClose`
 * from tfjs-core's `test_util` (tensorflow/tfjs, tfjs-core/src/test_util.ts), which compares
 * entries with an absolute tolerance of `testEpsilon()` = 1e-3 on float32 backends. It throws on a
 * mismatch, so a vitest test fails.
 */
export function expectArraysClose(
  actual: tf.TypedArray | number | number[],
  expected: tf.TypedArray | number | number[],
): void {
  tf.test_util.expectArraysClose(actual, expected);
}

/**
 * Keras's `toBeCloseTo` as tfjs-layers' tests use it (jasmine's default: 2 decimal places,
 * |a − e| < 0.005).
 */
export const JASMINE_CLOSE_DIGITS = 2;
