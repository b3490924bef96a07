/** Placeholder while the figure is written. */
export default function DecompositionFigure() {
  return <p>Figure coming.</p>;
}
