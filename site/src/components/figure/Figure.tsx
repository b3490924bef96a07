import { type ReactNode, useId } from 'react';
import { FigureName } from './PlotBox';

/** Props of a `Figure`. */
export interface FigureProps {
  /** Stable name, used by tests as `data-figure`. */
  name: string;
  /** Accessible description: what the chart shows, for screen readers. */
  description: string;
  /** The caption, computed from the figure's current state. */
  caption: ReactNode;
  /** Labelled controls. */
  controls: ReactNode;
  /** The charts (`PlotBox`es). */
  children: ReactNode;
  /** The numbers the figure plots, published as JSON so tests can check them against the library. */
  data: unknown;
}

/**
 * The frame every live figure shares: controls, charts (each with SVG/PNG download buttons),
 * computed caption, and its numbers.
 */
export function Figure({ name, description, caption, controls, children, data }: FigureProps) {
  const id = useId();
  return (
    <figure
      className="live-figure"
      data-figure={name}
      aria-labelledby={`${id}-caption`}
      aria-describedby={`${id}-description`}
    >
      <p id={`${id}-description`} className="sr-only">
        {description}
      </p>
      <fieldset className="controls" style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="sr-only">Controls</legend>
        {controls}
      </fieldset>
      <FigureName.Provider value={name}>
        <div className="plots">{children}</div>
      </FigureName.Provider>
      <figcaption id={`${id}-caption`} aria-live="polite">
        {caption}
      </figcaption>
      <script
        type="application/json"
        className="figure-data"
        // biome-ignore lint/security/noDangerouslySetInnerHtml: JSON of numbers, with < escaped.
        dangerouslySetInnerHTML={{ __html: JSON.stringify(data).replace(/</g, '\\u003c') }}
      />
    </figure>
  );
}
