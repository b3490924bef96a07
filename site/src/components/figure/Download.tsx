import { type RefObject, useState } from 'react';
import { exportSvg, PNG_SCALE, saveBlob, svgToPng } from './export';

/** Props of `DownloadButtons`. */
export interface DownloadButtonsProps {
  /** The element the chart is drawn into. */
  chart: RefObject<HTMLDivElement | null>;
  /** File name without extension, e.g. `forgetting-lifetime`. */
  fileName: string;
  /** The chart's accessible name, for the buttons' labels. */
  label: string;
}

/** The figure's background colour, so the exported file looks like the page. */
function backgroundOf(el: Element): string {
  const figure = el.closest('.live-figure') ?? el;
  const bg = getComputedStyle(figure).backgroundColor;
  return bg && bg !== 'rgba(0, 0, 0, 0)' ? bg : '#ffffff';
}

/** "SVG" and "PNG" buttons that save the chart for slides (PNG at 2× for sharp projection). */
export function DownloadButtons({ chart, fileName, label }: DownloadButtonsProps) {
  const [error, setError] = useState<string | null>(null);
  const save = async (kind: 'svg' | 'png') => {
    const el = chart.current;
    if (!el) return;
    try {
      const svg = exportSvg(el, backgroundOf(el));
      const blob =
        kind === 'svg'
          ? new Blob([svg.markup], { type: 'image/svg+xml' })
          : await svgToPng(svg, PNG_SCALE);
      saveBlob(blob, `${fileName}.${kind}`);
      setError(null);
    } catch (e) {
      setError(`Could not export the figure: ${(e as Error).message}`);
    }
  };
  return (
    <div
      className="figure-download"
      style={{ display: 'flex', gap: '0.4rem', justifyContent: 'flex-end', fontSize: '0.8rem' }}
    >
      <button
        type="button"
        data-download="svg"
        aria-label={`Download “${label}” as SVG`}
        onClick={() => save('svg')}
      >
        SVG
      </button>
      <button
        type="button"
        data-download="png"
        data-scale={PNG_SCALE}
        aria-label={`Download “${label}” as PNG (${PNG_SCALE}× resolution)`}
        onClick={() => save('png')}
      >
        PNG
      </button>
      {error ? <span role="alert">{error}</span> : null}
    </div>
  );
}
