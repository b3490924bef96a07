import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** The backends every optimizer test runs on in Node. */
export const BACKENDS = ['cpu', 'wasm'] as const;

/** Switches tfjs to `name` and waits until it is ready. */
export async function useBackend(name: string): Promise<void> {
  tf.enableProdMode();
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialize`);
  await tf.ready();
}

/** max |a − b| over all entries. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expectSameLength(a, b);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** max |a| over all entries. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

function expectSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
}

/** A seeded float64 stream of standard normals (Box–Muller over a 32-bit LCG), test-only. */
export function normals(seed: number, n: number): Float64Array {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  }
  return out;
}
