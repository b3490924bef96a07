import * as Plot from '@observablehq/plot';
import { lifetimeScaling } from '@site/src/experiments/lifetime';
import { logLogSlope } from '@site/src/experiments/stats';
import { lineChart } from '@site/src/plots/index';
import { useCallback, useMemo, useState } from 'react';
import { fmt, Slider } from './figure/Controls';
import { Figure } from './figure/Figure';
import { PlotBox } from './figure/PlotBox';

/** Sizes N drawn: 17 log-spaced from 10² to 10⁶. */
export const SIZES = Array.from({ length: 17 }, (_, i) => Math.round(100 * 10 ** (i / 4)));
const MODELS = ['Benna–Fusi', 'exponential, fixed γ', 'exponential, tuned γ'] as const;

/** Live figure: lifetime and initial SNR against N for three synapses (closed form). */
export default function LifetimeScalingFigure() {
  const [retention, setRetention] = useState(0.98);
  const rows = useMemo(() => lifetimeScaling({ sizes: SIZES, retention }), [retention]);
  const of = useCallback(
    (model: string, key: 'lifetime' | 'initialSnr') =>
      rows.filter((r) => r.model === model).map((r) => r[key]),
    [rows],
  );

  const render = useCallback(
    (key: 'lifetime' | 'initialSnr') => (width: number) => {
      const data = rows.map((r) => ({ x: r.N, y: r[key], series: r.model }));
      const reference =
        key === 'lifetime'
          ? SIZES.map((N) => ({ x: N, y: N / Math.E, series: 'N/e' }))
          : SIZES.map((N) => ({ x: N, y: 1, series: 'SNR = 1' }));
      return Plot.plot(
        lineChart([...data, ...reference], {
          title: key === 'lifetime' ? 'Memory lifetime against N' : 'Initial SNR against N',
          xLabel: 'synapses N (log)',
          yLabel: key === 'lifetime' ? 'lifetime (steps, log)' : 'initial SNR (log)',
          logX: true,
          logY: true,
          dashed: [key === 'lifetime' ? 'N/e' : 'SNR = 1'],
          seriesOrder: [...MODELS, key === 'lifetime' ? 'N/e' : 'SNR = 1'],
          width,
          height: 300,
        }),
      );
    },
    [rows],
  );

  const last = (model: string, key: 'lifetime' | 'initialSnr') => of(model, key).at(-1) as number;
  const slopeOf = (model: string, key: 'lifetime' | 'initialSnr') =>
    logLogSlope(SIZES, of(model, key));
  const published = { retention, sizes: SIZES, rows };
  const big = SIZES.at(-1) as number;
  const caption = (
    <>
      At N = {fmt(big)}: Benna–Fusi ({rows.at(-3)?.parameter} beakers) lives{' '}
      {fmt(last('Benna–Fusi', 'lifetime'), 3)} steps from an initial SNR of{' '}
      {fmt(last('Benna–Fusi', 'initialSnr'), 3)}; the exponential synapse with γ ={' '}
      {fmt(retention, 4)} lives {fmt(last('exponential, fixed γ', 'lifetime'), 3)} steps from{' '}
      {fmt(last('exponential, fixed γ', 'initialSnr'), 3)}; tuned to N (γ ={' '}
      {fmt(rows.at(-1)?.parameter as number, 7)}) it lives{' '}
      {fmt(last('exponential, tuned γ', 'lifetime'), 3)} steps (
      {fmt((last('exponential, tuned γ', 'lifetime') * Math.E) / big, 3)}·N/e) but starts at SNR{' '}
      {fmt(last('exponential, tuned γ', 'initialSnr'), 3)}, barely above 1. Log–log slopes over N =
      10²…10⁶: lifetime {fmt(slopeOf('Benna–Fusi', 'lifetime'), 2)} (Benna–Fusi),{' '}
      {fmt(slopeOf('exponential, fixed γ', 'lifetime'), 2)} (fixed γ),{' '}
      {fmt(slopeOf('exponential, tuned γ', 'lifetime'), 2)} (tuned γ); initial SNR{' '}
      {fmt(slopeOf('Benna–Fusi', 'initialSnr'), 2)},{' '}
      {fmt(slopeOf('exponential, fixed γ', 'initialSnr'), 2)},{' '}
      {fmt(slopeOf('exponential, tuned γ', 'initialSnr'), 2)}.
    </>
  );

  return (
    <Figure
      name="lifetime-scaling"
      description="Two log–log line charts against the number of synapses N: memory lifetime and initial signal-to-noise ratio, for a Benna–Fusi chain, an exponential synapse with fixed retention and one with retention tuned to N."
      caption={caption}
      data={published}
      controls={
        <Slider
          label="fixed retention γ"
          name="retention"
          value={retention}
          min={0.9}
          max={0.999}
          step={0.001}
          onChange={setRetention}
        />
      }
    >
      <PlotBox name="lifetime" label="lifetime against N" render={render('lifetime')} />
      <PlotBox name="initial-snr" label="initial SNR against N" render={render('initialSnr')} />
    </Figure>
  );
}
