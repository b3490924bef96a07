/**
 * Formats a number with `digits` significant digits (∞/NaN spelled out).
 * @example
 * fmt(Math.PI) // '3.14'
 */
export function fmt(x: number, digits = 3): string {
  if (Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3)) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}
