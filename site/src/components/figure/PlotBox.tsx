import { createContext, useContext, useEffect, useRef } from 'react';
import { DownloadButtons } from './Download';
import { useWidth } from './useWidth';

/** The enclosing figure's name (set by `Figure`), for download file names. */
export const FigureName = createContext('figure');

/** Props of a `PlotBox`. */
export interface PlotBoxProps {
  /** Builds the chart for the box's current width (an Observable Plot `plot(...)` call). */
  render: (width: number) => Element;
  /** A short accessible name of the chart. */
  label: string;
  /** Stable name for tests (`data-plot`). */
  name: string;
}

/**
 * One Observable Plot chart, drawn in `useEffect` (browser only) into a div, and redrawn when
 * `render` or the width changes. Plot draws axes in `currentColor`, so dark mode just works.
 * Under the chart, SVG and PNG download buttons save it for slides (file `figure-plot.svg`).
 */
export function PlotBox({ render, label, name }: PlotBoxProps) {
  const ref = useRef<HTMLDivElement>(null);
  const figure = useContext(FigureName);
  const width = useWidth(ref);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = render(width);
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-label', label);
    el.append(chart);
    return () => chart.remove();
  }, [render, width, label]);
  return (
    <div className="plot" data-plot={name}>
      <div className="plot-chart" ref={ref} />
      <DownloadButtons chart={ref} fileName={`${figure}-${name}`} label={label} />
    </div>
  );
}
