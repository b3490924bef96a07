import { useEffect, useRef } from 'react';
import { useWidth } from './useWidth';

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
 */
export function PlotBox({ render, label, name }: PlotBoxProps) {
  const ref = useRef<HTMLDivElement>(null);
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
  return <div className="plot" data-plot={name} ref={ref} />;
}
