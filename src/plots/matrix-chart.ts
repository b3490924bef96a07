import * as Plot from '@observablehq/plot';

/** Options of `matrixChart`. */
export interface MatrixChartOptions {
  /** Figure title, e.g. `'Transition T of the chain'`. */
  title: string;
  /** Optional line under the title. */
  subtitle?: string;
  /** Optional caption under the chart. */
  caption?: string;
  /** Names of the rows, top to bottom. Default `'1'…'n'`. */
  rowNames?: readonly string[];
  /** Names of the columns, left to right. Default `'1'…'m'`. */
  columnNames?: readonly string[];
  /** Axis label of the rows, e.g. `'row (variable u_k)'`. */
  rowLabel: string;
  /** Axis label of the columns, e.g. `'column (eigenmode i)'`. */
  columnLabel: string;
  /** Legend label of the color, e.g. `'entry value'`. Default `'value'`. */
  valueLabel?: string;
  /** Significant digits printed in each cell. Default 3. */
  digits?: number;
  /** Cell size in pixels. Default 48. */
  cellSize?: number;
}

/** One cell of a matrix, as drawn by `matrixChart`. */
export interface MatrixCell {
  row: string;
  column: string;
  value: number;
}

/** The cells of a row-major matrix in long format, with names for rows and columns. */
export function matrixCells(
  matrix: readonly (readonly number[])[],
  rowNames?: readonly string[],
  columnNames?: readonly string[],
): MatrixCell[] {
  return matrix.flatMap((row, i) =>
    row.map((value, j) => ({
      row: rowNames?.[i] ?? String(i + 1),
      column: columnNames?.[j] ?? String(j + 1),
      value,
    })),
  );
}

/**
 * Plot options drawing a matrix as a grid of colored cells with each entry printed in it, on a
 * diverging (10-step quantized) scale centred at 0 (negative red, positive blue). Use it for T, V, V⁻¹ or diag(Λ).
 * @example
 * matrixChart(bennaFusiDynamics({learningRate: 1, beakers: 4}).transition,
 *   { title: 'T', rowLabel: 'row', columnLabel: 'column' })
 */
export function matrixChart(
  matrix: readonly (readonly number[])[],
  options: MatrixChartOptions,
): Plot.PlotOptions {
  const rows = matrix.length;
  const columns = Math.max(0, ...matrix.map((r) => r.length));
  const rowNames = options.rowNames ?? Array.from({ length: rows }, (_, i) => String(i + 1));
  const columnNames =
    options.columnNames ?? Array.from({ length: columns }, (_, j) => String(j + 1));
  const cells = matrixCells(matrix, rowNames, columnNames);
  const size = options.cellSize ?? 48;
  const digits = options.digits ?? 3;
  const extent = Math.max(1e-12, ...cells.map((c) => Math.abs(c.value)));
  return {
    title: options.title,
    ...(options.subtitle ? { subtitle: options.subtitle } : {}),
    ...(options.caption ? { caption: options.caption } : {}),
    width: 120 + columns * size,
    height: 90 + rows * size,
    marginLeft: 90,
    marginTop: 40,
    x: { label: options.columnLabel, domain: columnNames, axis: 'top' },
    y: { label: options.rowLabel, domain: rowNames },
    color: {
      // A quantized ramp: its legend is drawn with rects, so it renders in jsdom (no canvas).
      type: 'quantize',
      n: 10,
      scheme: 'rdbu',
      domain: [-extent, extent],
      legend: true,
      label: options.valueLabel ?? 'value',
    },
    marks: [
      Plot.cell(cells, { x: 'column', y: 'row', fill: 'value', inset: 0.5 }),
      Plot.text(cells, {
        x: 'column',
        y: 'row',
        text: (c: MatrixCell) =>
          c.value === 0 ? '0' : Number(c.value.toPrecision(digits)).toString(),
        fill: (c: MatrixCell) => (Math.abs(c.value) > 0.6 * extent ? 'white' : 'black'),
        fontSize: 10,
      }),
    ],
  };
}
