/** Placeholder while the figure is written. */
export default function ForgettingFigure() {
  return <p>Figure coming.</p>;
}
