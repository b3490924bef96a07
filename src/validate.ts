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
