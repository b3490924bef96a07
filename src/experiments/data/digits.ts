import { fail, integerAtLeast } from '../../validate.js';
import { Random, subSeed } from '../random.js';

/**
 * Labelled grey-scale digit images, row-major: image n is `images[n·side²…(n+1)·side²)`, pixels in
 * [0, 1], label `labels[n]` ∈ 0…9. Pure data: the Node loader (`loadMnist`) and the browser
 * subset (`decodeDigitSubset`) both produce one.
 */
export interface DigitSet {
  /** Pixels, `count · side²` values in [0, 1]. */
  images: Float32Array;
  /** Class of each image, 0…9. */
  labels: Uint8Array;
  /** Width = height of an image in pixels. */
  side: number;
  /** Number of images. */
  count: number;
}

/**
 * Averages `factor × factor` blocks of pixels (mean pooling), e.g. 28×28 → 14×14 with factor 2,
 * which keeps the digits legible at a quarter of the inputs.
 * @example
 * poolDigits({images: new Float32Array([1, 0, 0, 1]), labels: new Uint8Array([3]), side: 2, count: 1}, 2).images // [0.5]
 */
export function poolDigits(set: DigitSet, factor: number): DigitSet {
  integerAtLeast('poolDigits', 'factor', factor, 1);
  if (set.side % factor !== 0) {
    fail('poolDigits', 'factor', factor, `it must divide the image side ${set.side}`);
  }
  const side = set.side / factor;
  const images = new Float32Array(set.count * side * side);
  const scale = 1 / (factor * factor);
  for (let n = 0; n < set.count; n++) {
    const src = n * set.side * set.side;
    const dst = n * side * side;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        let s = 0;
        for (let i = 0; i < factor; i++)
          for (let j = 0; j < factor; j++)
            s += set.images[src + (r * factor + i) * set.side + c * factor + j] as number;
        images[dst + r * side + c] = s * scale;
      }
    }
  }
  return { images, labels: set.labels, side, count: set.count };
}

/**
 * The images with the given indices, in that order.
 * @example
 * selectDigits({images: new Float32Array([0, 1]), labels: new Uint8Array([4, 7]), side: 1, count: 2}, [1]).labels // [7]
 */
export function selectDigits(set: DigitSet, indices: ArrayLike<number>): DigitSet {
  const d = set.side * set.side;
  const images = new Float32Array(indices.length * d);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const n = indices[k] as number;
    images.set(set.images.subarray(n * d, (n + 1) * d), k * d);
    labels[k] = set.labels[n] as number;
  }
  return { images, labels, side: set.side, count: indices.length };
}

/**
 * A seeded Fisher–Yates shuffle of 0…n−1.
 * @example
 * // With a generator that always draws 0, each i swaps with index 0:
 * Array.from(permutation(3, { uniform: () => 0 } as Random)) // [1, 2, 0]
 */
export function permutation(n: number, rng: Random): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = p[i] as number;
    p[i] = p[j] as number;
    p[j] = t;
  }
  return p;
}

/**
 * Splits a set into a training pool and a held-out test pool, stratified by class: a seeded
 * `testPerClass` images of every digit go to the test pool, the rest (shuffled) to training.
 */
export function trainTestSplit(
  set: DigitSet,
  seed: number,
  testPerClass: number,
): { train: DigitSet; test: DigitSet } {
  integerAtLeast('trainTestSplit', 'testPerClass', testPerClass, 1);
  const rng = new Random(subSeed(seed, 101));
  const order = permutation(set.count, rng);
  const taken = new Array<number>(10).fill(0);
  const train: number[] = [];
  const test: number[] = [];
  for (const n of order) {
    const label = set.labels[n] as number;
    if ((taken[label] as number) < testPerClass) {
      taken[label] = (taken[label] as number) + 1;
      test.push(n);
    } else train.push(n);
  }
  return { train: selectDigits(set, train), test: selectDigits(set, test) };
}

/** The three standard continual-learning streams built from one digit set. */
export type StreamKind = 'permuted' | 'split' | 'rotated';

/** The stream kinds, for argument checks and menus. */
export const streamKinds: readonly StreamKind[] = ['permuted', 'split', 'rotated'];

/** One task of a continual stream: how its images and labels are made from the base digits. */
export interface DigitTask {
  /** Short name, e.g. `'perm 2'`, `'3 vs 4'`, `'45°'`. */
  name: string;
  /** Number of classes the network must tell apart (10, or 2 for split digits). */
  classes: number;
  /** Pixel permutation (permuted digits): input pixel i is base pixel `permutation[i]`. */
  permutation?: Int32Array;
  /** Rotation angle in degrees (rotated digits). */
  angle?: number;
  /** The two digits of a split task; label 0 is the first, 1 the second. */
  pair?: readonly [number, number];
}

/**
 * The tasks of a continual stream, seeded:
 * - `'permuted'`: task 0 is the identity, task i > 0 a fixed random pixel permutation (Goodfellow
 *   et al. 2013; Kirkpatrick et al. 2017); 10 classes.
 * - `'split'`: task i tells digit 2i from 2i+1 (Zenke et al. 2017), 2 classes, at most 5 tasks.
 * - `'rotated'`: task i rotates every image by i·180°/tasks degrees (Lopez-Paz & Ranzato 2017).
 * @example
 * digitTasks('split', 2, 1).map((t) => t.name) // ['0 vs 1', '2 vs 3']
 */
export function digitTasks(kind: StreamKind, tasks: number, seed: number, side = 14): DigitTask[] {
  const where = 'digitTasks';
  integerAtLeast(where, 'tasks', tasks, 1);
  if (!streamKinds.includes(kind)) {
    fail(where, 'kind', kind, `it must be one of ${streamKinds.join(', ')}`);
  }
  if (kind === 'split') {
    if (tasks > 5)
      fail(where, 'tasks', tasks, 'split digits have at most 5 tasks (pairs of digits)');
    return Array.from({ length: tasks }, (_, i) => ({
      name: `${2 * i} vs ${2 * i + 1}`,
      classes: 2,
      pair: [2 * i, 2 * i + 1] as const,
    }));
  }
  if (kind === 'rotated') {
    return Array.from({ length: tasks }, (_, i) => {
      const angle = (i * 180) / tasks;
      return { name: `${angle}°`, classes: 10, angle };
    });
  }
  const rng = new Random(subSeed(seed, 202));
  return Array.from({ length: tasks }, (_, i) => {
    const p = permutation(side * side, rng);
    if (i === 0) for (let j = 0; j < p.length; j++) p[j] = j;
    return { name: i === 0 ? 'original' : `perm ${i}`, classes: 10, permutation: p };
  });
}

/**
 * Rotates one square image by `angle` degrees about its centre (bilinear, zero outside); 90° turns
 * the top-left pixel into the top-right one.
 * @example
 * Array.from(rotateImage(new Float32Array([1, 0, 0, 0]), 2, 90)).map(Math.round) // [0, 1, 0, 0]
 */
export function rotateImage(image: Float32Array, side: number, angle: number): Float32Array {
  const out = new Float32Array(side * side);
  const a = (angle * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const c = (side - 1) / 2;
  const at = (r: number, q: number) =>
    r < 0 || q < 0 || r >= side || q >= side ? 0 : (image[r * side + q] as number);
  for (let r = 0; r < side; r++) {
    for (let q = 0; q < side; q++) {
      // The source pixel that lands on (r, q): rotate back by −angle.
      const y = cos * (r - c) - sin * (q - c) + c;
      const x = sin * (r - c) + cos * (q - c) + c;
      const r0 = Math.floor(y);
      const q0 = Math.floor(x);
      const fy = y - r0;
      const fx = x - q0;
      out[r * side + q] =
        (1 - fy) * ((1 - fx) * at(r0, q0) + fx * at(r0, q0 + 1)) +
        fy * ((1 - fx) * at(r0 + 1, q0) + fx * at(r0 + 1, q0 + 1));
    }
  }
  return out;
}

/**
 * The images and labels of one task, built from a base set: the images of its two digits
 * (split, labels 0/1), every image rotated (rotated), or every image's pixels permuted (permuted).
 */
export function taskDigits(base: DigitSet, task: DigitTask): DigitSet {
  const d = base.side * base.side;
  if (task.pair) {
    const [a, b] = task.pair;
    const keep: number[] = [];
    for (let n = 0; n < base.count; n++) {
      const l = base.labels[n];
      if (l === a || l === b) keep.push(n);
    }
    const set = selectDigits(base, keep);
    for (let n = 0; n < set.count; n++) set.labels[n] = set.labels[n] === a ? 0 : 1;
    return set;
  }
  const images = new Float32Array(base.count * d);
  for (let n = 0; n < base.count; n++) {
    const image = base.images.subarray(n * d, (n + 1) * d);
    if (task.permutation) {
      const p = task.permutation;
      for (let i = 0; i < d; i++) images[n * d + i] = image[p[i] as number] as number;
    } else if (task.angle) {
      images.set(rotateImage(image, base.side, task.angle), n * d);
    } else images.set(image, n * d);
  }
  return { images, labels: base.labels.slice(), side: base.side, count: base.count };
}

/**
 * A small committed subset of the digits for the browser, as bytes: a 4-byte header
 * (`side`, count as uint16 little-endian, 0), then `count` labels, then `count · side²` pixels as
 * uint8 (0…255). `encodeDigitSubset` writes it, `decodeDigitSubset` reads it.
 */
export function encodeDigitSubset(set: DigitSet): Uint8Array {
  const d = set.side * set.side;
  const bytes = new Uint8Array(4 + set.count + set.count * d);
  bytes[0] = set.side;
  bytes[1] = set.count & 0xff;
  bytes[2] = set.count >> 8;
  bytes.set(set.labels, 4);
  for (let i = 0; i < set.count * d; i++) {
    bytes[4 + set.count + i] = Math.round(255 * (set.images[i] as number));
  }
  return bytes;
}

/** Reads what `encodeDigitSubset` wrote. */
export function decodeDigitSubset(bytes: Uint8Array): DigitSet {
  const side = bytes[0] as number;
  const count = (bytes[1] as number) + 256 * (bytes[2] as number);
  const d = side * side;
  if (side === 0 || bytes.length !== 4 + count + count * d) {
    fail('decodeDigitSubset', 'bytes.length', bytes.length, `expected ${4 + count + count * d}`);
  }
  const labels = bytes.slice(4, 4 + count);
  const images = new Float32Array(count * d);
  for (let i = 0; i < count * d; i++) images[i] = (bytes[4 + count + i] as number) / 255;
  return { images, labels, side, count };
}

/**
 * A class-balanced subset: the first `perClass` images of every digit in a seeded shuffle,
 * pooled 2×2 (28×28 → 14×14) unless the set is already smaller. Ordered by that shuffle.
 */
export function digitSubset(set: DigitSet, options: { perClass: number; seed: number }): DigitSet {
  integerAtLeast('digitSubset', 'perClass', options.perClass, 1);
  const order = permutation(set.count, new Random(options.seed));
  const taken = new Array<number>(10).fill(0);
  const keep: number[] = [];
  for (const n of order) {
    const l = set.labels[n] as number;
    if ((taken[l] as number) < options.perClass) {
      taken[l] = (taken[l] as number) + 1;
      keep.push(n);
    }
  }
  const chosen = selectDigits(set, keep);
  return chosen.side === 28 ? poolDigits(chosen, 2) : chosen;
}
