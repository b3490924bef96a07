/** Placeholder while the figure is written. */
export default function BennaFusiFigure() {
  return <p>Figure coming.</p>;
}
