import { Matrix, solve } from 'ml-matrix';

/**
 * Non-negative least squares, min ‖A·x − b‖ subject to x ≥ 0, by the active-set method of Lawson &
 * Hanson (1974). Each inner step is an ordinary least-squares solve (ml-matrix, QR) on the
 * columns currently allowed to be positive.
 * @example
 * nnls(new Matrix([[1, 0], [0, 1]]), [1, -1]) // [1, 0]
 */
export function nnls(A: Matrix, b: readonly number[], maxIterations = 10 * A.columns): number[] {
  const n = A.columns;
  const B = Matrix.columnVector([...b]);
  const x = new Array<number>(n).fill(0);
  const passive = new Set<number>();
  const tolerance = 1e-12 * Math.max(1, A.norm('frobenius') * B.norm('frobenius'));
  const gradient = () => {
    const r = B.clone().sub(A.mmul(Matrix.columnVector(x)));
    return A.transpose().mmul(r).getColumn(0);
  };
  const lstsq = (cols: number[]) => {
    const sub = A.subMatrixColumn(cols);
    const z = solve(sub, B).getColumn(0);
    const full = new Array<number>(n).fill(0);
    cols.forEach((c, i) => {
      full[c] = z[i] as number;
    });
    return full;
  };
  for (let iter = 0; iter < maxIterations; iter++) {
    const w = gradient();
    let best = -1;
    for (let j = 0; j < n; j++) {
      if (
        !passive.has(j) &&
        (w[j] as number) > tolerance &&
        (best < 0 || (w[j] as number) > (w[best] as number))
      ) {
        best = j;
      }
    }
    if (best < 0) break;
    passive.add(best);
    for (;;) {
      const cols = [...passive].sort((p, q) => p - q);
      const z = lstsq(cols);
      if (cols.every((c) => (z[c] as number) > 0)) {
        for (let j = 0; j < n; j++) x[j] = z[j] as number;
        break;
      }
      let step = 1;
      for (const c of cols) {
        const zc = z[c] as number;
        if (zc <= 0) step = Math.min(step, (x[c] as number) / ((x[c] as number) - zc));
      }
      for (let j = 0; j < n; j++)
        x[j] = (x[j] as number) + step * ((z[j] as number) - (x[j] as number));
      for (const c of cols)
        if ((x[c] as number) <= 1e-15) {
          x[c] = 0;
          passive.delete(c);
        }
    }
  }
  return x;
}
