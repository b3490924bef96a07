/**
 * Argument checks shared by every constructor. Each failure throws an `Error` whose message names
 * the function, the parameter, the value it got and what is allowed. Nothing is clamped.
 */

function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Throws `where: name = value is not allowed; allowed`. */
export function fail(where: string, name: string, value: unknown, allowed: string): never {
  throw new Error(`${where}: ${name} = ${show(value)} is not allowed; ${allowed}.`);
}

/** A finite number. */
export function finite(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(where, name, value, 'it must be a finite number');
  }
  return value;
}

/** A finite number in [lo, hi] (or [lo, hi) when `hiOpen`). */
export function inRange(
  where: string,
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  hiOpen = false,
): number {
  const x = finite(where, name, value);
  if (x < lo || x > hi || (hiOpen && x === hi)) {
    fail(where, name, value, `it must lie in [${lo}, ${hi}${hiOpen ? ')' : ']'}`);
  }
  return x;
}

/** A finite number > 0. */
export function positive(where: string, name: string, value: unknown): number {
  const x = finite(where, name, value);
  if (!(x > 0)) fail(where, name, value, 'it must be a finite number > 0');
  return x;
}

/** An integer ≥ `min`. */
export function integerAtLeast(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(where, name, value, `it must be an integer ≥ ${min}`);
  }
  return value;
}

/** A non-empty array of finite numbers, of the given length when `length` is set. */
export function finiteVector(
  where: string,
  name: string,
  value: unknown,
  length?: number,
): number[] {
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) {
    fail(where, name, value, 'it must be an array of finite numbers');
  }
  const v = Array.from(value as ArrayLike<unknown>);
  if (v.length === 0) fail(where, name, value, 'it must have at least one entry');
  if (length !== undefined && v.length !== length) {
    fail(where, `${name}.length`, v.length, `it must equal ${length} to match the other arguments`);
  }
  v.forEach((x, i) => {
    finite(where, `${name}[${i}]`, x);
  });
  return v as number[];
}

/** A non-empty square matrix of finite numbers. */
export function squareMatrix(where: string, name: string, value: unknown): number[][] {
  if (!Array.isArray(value) || value.length === 0) {
    fail(where, name, value, 'it must be a non-empty square array of rows');
  }
  const n = value.length;
  return value.map((row, i) => {
    if (!Array.isArray(row) || row.length !== n) {
      fail(
        where,
        `${name}[${i}].length`,
        Array.isArray(row) ? row.length : row,
        `the matrix must be square: every row needs ${n} entries`,
      );
    }
    return finiteVector(where, `${name}[${i}]`, row, n);
  });
}

/** A boolean, or undefined when the option was left out. `1` and `'yes'` are refused. */
export function optionalBoolean(where: string, name: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    fail(where, name, value, 'it must be true or false');
  }
  return value;
}

/**
 * Names users bring from other libraries (tf.train, Keras, PyTorch) or from earlier releases of
 * this one, and the option they mean here.
 */
const FAMILIAR_NAMES: Readonly<Record<string, readonly string[]>> = {
  usenesterov: ['nesterov'],
  lr: ['learningRate'],
  learningrates: ['alpha', 'learningRate'],
  rates: ['alpha'],
  decay: ['gamma', 'fastRetention', 'retention'],
  decays: ['gamma'],
  retention: ['gamma', 'fastRetention'],
  retentions: ['gamma'],
  variables: ['beakers'],
  m: ['beakers'],
  fastdecay: ['fastRetention'],
  beta: ['momentum', 'longestTimescale'],
  alpha: ['shortestTimescale'],
  nbeakers: ['beakers'],
  usenesterovmomentum: ['nesterov'],
};

/** Levenshtein distance between two strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(
        Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitute),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The allowed option an unknown key most likely means, or undefined when none is close.
 * @example
 * closestOption('useNesterov', ['learningRate', 'momentum', 'nesterov']) // 'nesterov'
 */
export function closestOption(key: string, allowed: readonly string[]): string | undefined {
  const plain = (s: string) => s.toLowerCase().replace(/[_\s-]/g, '');
  const familiar = FAMILIAR_NAMES[plain(key)]?.find((name) => allowed.includes(name));
  if (familiar !== undefined) return familiar;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of allowed) {
    const d = editDistance(plain(key), plain(name));
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * Checks that `options` is one plain object whose keys are all in `allowed`. An unknown key throws
 * with a "did you mean" hint (familiar names from tf.train and earlier releases, then the nearest
 * allowed name by edit distance); positional arguments (an array, a number) throw with the shape
 * of the object to pass instead.
 * @example
 * checkKeys('momentum', {learningRate: 0.1, momentum: 0.9}, ['learningRate', 'momentum'])
 */
export function checkKeys(where: string, options: unknown, allowed: readonly string[]): void {
  const shape = `{${allowed.join(', ')}}`;
  if (Array.isArray(options) || typeof options === 'number') {
    fail(
      where,
      'options',
      options,
      `pass one object ${shape} (positional arguments, as in tf.train, are not supported)`,
    );
  }
  if (options === null || typeof options !== 'object')
    fail(where, 'options', options, `pass ${shape}`);
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const hint = closestOption(key, allowed);
    throw new Error(
      `${where}: unknown option "${key}"${hint === undefined ? '' : `; did you mean "${hint}"?`} ` +
        `The options are ${allowed.join(', ')}.`,
    );
  }
}
