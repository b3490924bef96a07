/** Placeholder while the figure is written. */
export default function MomentumFigure() {
  return <p>Figure coming.</p>;
}
