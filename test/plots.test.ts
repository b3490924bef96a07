import { describe, expect, it } from 'vitest';
import {
  barChart,
  lineChart,
  matrixCells,
  matrixChart,
  renderToSvg,
  sampleIndices,
  seriesRows,
} from '../src/plots/index.js';
import { chartSvg, nodeDocument } from '../src/plots/node.js';

/** Parses rendered markup back into a DOM so tests can query it. */
function parse(markup: string): Element {
  const host = nodeDocument().createElement('div');
  host.innerHTML = markup;
  return host.firstElementChild as Element;
}

describe('sampleIndices', () => {
  it('keeps everything when under the limit', () => {
    expect(sampleIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
  });
  it('thins evenly, keeping both ends, sorted and unique', () => {
    const kept = sampleIndices(1000, 4);
    expect(kept).toEqual([0, 333, 666, 999]);
  });
  it('log spacing keeps early steps dense and late steps sparse', () => {
    const kept = sampleIndices(100_000, 50, true);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(99_999);
    expect(new Set(kept).size).toBe(kept.length);
    expect(kept.length).toBeLessThanOrEqual(51);
    // Equal ratios between neighbours far from the start: log-spaced, not linear.
    const early = kept.filter((i) => i < 100).length;
    const late = kept.filter((i) => i >= 10_000).length;
    expect(early).toBeGreaterThan(5);
    expect(late).toBeLessThan(15);
  });
  it('rejects a negative count', () => {
    expect(() => sampleIndices(-1)).toThrow(/not a count/);
  });
});

describe('seriesRows', () => {
  it('lays out named arrays in long format with an x offset', () => {
    const rows = seriesRows({ a: [1, 2], b: new Float64Array([3, 4]) }, { xOffset: 1 });
    expect(rows).toEqual([
      { x: 1, y: 1, series: 'a' },
      { x: 2, y: 2, series: 'a' },
      { x: 1, y: 3, series: 'b' },
      { x: 2, y: 4, series: 'b' },
    ]);
  });
  it('uses a shared x and complains when lengths differ', () => {
    expect(seriesRows({ a: [5] }, { x: [10] })).toEqual([{ x: 10, y: 5, series: 'a' }]);
    expect(() => seriesRows({ a: [5, 6] }, { x: [10] })).toThrow(/has 2 values but x has 1/);
  });
});

describe('lineChart', () => {
  const rows = seriesRows({ slow: [1, 0.5, 0.25], fast: [1, 0.1, 0] }, { xOffset: 1 });

  it('renders a titled figure with labelled axes and one legend entry per curve', () => {
    const figure = parse(
      chartSvg(
        lineChart(rows, {
          title: 'Forgetting',
          subtitle: 'two timescales',
          xLabel: 'step t',
          yLabel: 'memory (a.u.)',
        }),
      ),
    );
    expect(figure.tagName.toLowerCase()).toBe('figure');
    expect(figure.querySelector('h2')?.textContent).toBe('Forgetting');
    expect(figure.querySelector('h3')?.textContent).toBe('two timescales');
    const text = figure.textContent ?? '';
    expect(text).toContain('step t');
    expect(text).toContain('memory (a.u.)');
    const legend = Array.from(figure.querySelectorAll('[class$="-swatch"]')).map((s) =>
      s.textContent?.trim(),
    );
    expect(legend).toEqual(['slow', 'fast']);
    expect(figure.querySelector('svg')?.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
  });

  it('drops non-positive values on log axes instead of drawing -Infinity', () => {
    const options = lineChart(rows, { title: 't', xLabel: 'x', yLabel: 'y', logY: true });
    const [line] = options.marks as unknown as Array<{ data: Array<{ y: number }> }>;
    expect(line?.data.map((r) => r.y)).toEqual([1, 0.5, 0.25, 1, 0.1]);
    expect((options.y as { type: string }).type).toBe('log');
  });

  it('draws dashed curves and dots as separate marks', () => {
    const options = lineChart(rows, {
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      dashed: ['fast'],
      points: [{ x: 2, y: 0.5, series: 'slow' }],
      zeroLine: true,
    });
    expect(options.marks).toHaveLength(4);
    const svg = parse(chartSvg(options));
    expect(svg.querySelectorAll('[stroke-dasharray="5,4"]').length).toBeGreaterThan(0);
    expect(svg.querySelectorAll('circle').length).toBeGreaterThanOrEqual(1);
  });
});

describe('matrixChart', () => {
  it('lists every entry with row and column names', () => {
    expect(matrixCells([[1, -2]], ['r'], ['a', 'b'])).toEqual([
      { row: 'r', column: 'a', value: 1 },
      { row: 'r', column: 'b', value: -2 },
    ]);
  });
  it('prints each entry inside its cell', () => {
    const figure = parse(
      chartSvg(
        matrixChart(
          [
            [0.875, 0.125],
            [0.0625, -0.5],
          ],
          { title: 'T', rowLabel: 'row', columnLabel: 'column' },
        ),
      ),
    );
    const labels = Array.from(figure.querySelectorAll('text')).map((t) => t.textContent);
    for (const value of ['0.875', '0.125', '0.0625', '-0.5']) expect(labels).toContain(value);
    expect(figure.querySelectorAll('rect').length).toBeGreaterThanOrEqual(4);
  });
});

describe('barChart and renderToSvg', () => {
  it('renders negative bars below the zero line, with any document', () => {
    const options = barChart(
      [
        { x: 'slow', y: 1 },
        { x: 'fast', y: -0.9 },
      ],
      { title: 'Learning rates', xLabel: 'subweight', yLabel: 'α_i' },
    );
    const markup = renderToSvg(options, nodeDocument());
    const figure = parse(markup);
    expect(figure.querySelector('h2')?.textContent).toBe('Learning rates');
    expect(figure.querySelectorAll('rect').length).toBe(2);
    expect(figure.textContent).toContain('α_i');
  });
});
