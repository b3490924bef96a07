/** Placeholder while the figure is written. */
export default function DriftRaceFigure() {
  return <p>Figure coming.</p>;
}
