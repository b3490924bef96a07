import * as Plot from '@observablehq/plot';
import {
  impulseResponseAt,
  measuredSlope,
  powerLawWindow,
  predictedExponent,
  ratioChainConstants,
  ratioChainDynamics,
  stateResponseAt,
} from '@site/src/experiments/diffusion';
import { logSpace } from '@site/src/experiments/stats';
import { diagonalize } from '@site/src/index';
import { useCallback, useMemo, useState } from 'react';
import { fmt, Slider } from './figure/Controls';
import { Figure } from './figure/Figure';
import { PlotBox } from './figure/PlotBox';

/** Everything the figure draws, from the library: h(t), the fit, and the levels at a snapshot. */
export function diffusionRun(
  capacityRatio: number,
  tubeRatio: number,
  beakers: number,
  snapshot: number,
) {
  const options = { beakers, capacityRatio, tubeRatio };
  const d = ratioChainDynamics(options);
  const { capacities, couplings } = ratioChainConstants(options);
  const { gamma } = diagonalize(d);
  const slowest = -1 / Math.log(gamma[0] as number);
  const horizon = Math.min(1e12, 10 * slowest);
  const times = logSpace(1, horizon, 120);
  const response = impulseResponseAt(d, times).map((h) => -h);
  const window = powerLawWindow(d);
  const fit = window ? measuredSlope(d, window) : null;
  const levels = stateResponseAt(d, snapshot).map((u) => -u);
  // The predicted power law, through the response at the window's geometric middle.
  const theta = predictedExponent(capacityRatio, tubeRatio);
  let reference: { t: number; h: number }[] = [];
  if (window) {
    const mid = Math.sqrt(window.from * window.to);
    const hMid = -(impulseResponseAt(d, [mid])[0] as number);
    reference = [window.from, window.to].map((t) => ({ t, h: hMid * (t / mid) ** -theta }));
  }
  return {
    capacities,
    couplings,
    gamma,
    times,
    response,
    window,
    slope: fit ? fit.slope : Number.NaN,
    predicted: theta,
    reference,
    levels,
  };
}

/** Live figure: a ratio chain's impulse response on log–log axes, and its beakers at one time. */
export default function DiffusionFigure() {
  const [qC, setQC] = useState(2);
  const [qG, setQG] = useState(0.5);
  const [m, setM] = useState(10);
  const [logT, setLogT] = useState(3);
  const snapshot = Math.round(10 ** logT);
  const run = useMemo(() => diffusionRun(qC, qG, m, snapshot), [qC, qG, m, snapshot]);

  const renderResponse = useCallback(
    (width: number) => {
      const rows = run.times.map((t, j) => ({ t, h: run.response[j] as number }));
      const marks: Plot.Markish[] = [];
      if (run.window) {
        const { from, to } = run.window;
        marks.push(
          Plot.rectX([{ from, to }], { x1: 'from', x2: 'to', fill: '#888', fillOpacity: 0.12 }),
        );
        marks.push(
          Plot.line(run.reference, {
            x: 't',
            y: 'h',
            stroke: '#c33',
            strokeDasharray: '5,4',
            strokeWidth: 1.5,
          }),
        );
      }
      return Plot.plot({
        title: `Memory trace −h(t): measured slope ${fmt(run.slope, 3)}, predicted −${fmt(run.predicted, 3)}`,
        width,
        height: 300,
        marginLeft: 60,
        grid: true,
        x: { type: 'log', label: 'step t (log)' },
        y: { type: 'log', label: '−h(t) (log)' },
        marks: [
          ...marks,
          Plot.line(
            rows.filter((r) => r.h > 0),
            { x: 't', y: 'h', strokeWidth: 1.8 },
          ),
          Plot.ruleX([snapshot], { strokeDasharray: '2,3' }),
        ],
      });
    },
    [run, snapshot],
  );

  const renderBeakers = useCallback(
    (width: number) => {
      // Beaker ℓ spans [χ_(ℓ−1), χ_ℓ] in the capacity coordinate χ_ℓ = C_1 + … + C_ℓ (χ_0 = ½ so
      // the first beaker has room on the log axis); its height is its level.
      let chi = 0.5;
      const rows = run.capacities.map((c, l) => {
        const row = {
          beaker: `u${l + 1}`,
          x1: chi,
          x2: chi + c,
          level: Math.max(run.levels[l] as number, 1e-30),
        };
        chi += c;
        return row;
      });
      const top = Math.max(...rows.map((r) => r.level));
      return Plot.plot({
        title: `Beakers at t = ${snapshot}, drawn as wide as their capacity C_ℓ`,
        width,
        height: 260,
        marginLeft: 60,
        x: { type: 'log', label: 'capacity coordinate χ (log)' },
        y: { type: 'log', label: 'level u_ℓ (log)', domain: [top * 1e-6, top * 2], grid: true },
        marks: [
          Plot.rect(rows, {
            x1: 'x1',
            x2: 'x2',
            y1: top * 1e-6,
            y2: 'level',
            fill: 'steelblue',
            stroke: 'white',
            clip: true,
          }),
        ],
      });
    },
    [run, snapshot],
  );

  const published = {
    capacityRatio: qC,
    tubeRatio: qG,
    beakers: m,
    snapshot,
    capacities: run.capacities,
    couplings: run.couplings,
    times: run.times,
    response: run.response,
    window: run.window,
    slope: run.slope,
    predicted: run.predicted,
    levels: run.levels,
  };
  const front = run.levels.findIndex((u, l) => l > 0 && u < 0.1 * (run.levels[0] as number));
  const caption = (
    <>
      {m} beakers, each {fmt(qC)}× wider than the last, joined by tubes each {fmt(qG)}× as wide: the
      timescale ratio is q_C/q_G = {fmt(qC / qG, 3)} and the predicted exponent ln q_C / ln(q_C/q_G)
      = {fmt(run.predicted, 3)}.{' '}
      {run.window ? (
        <>
          Fitted over t = {fmt(run.window.from, 2)} … {fmt(run.window.to, 2)} (shaded), the memory
          trace falls with slope {fmt(run.slope, 3)}, within{' '}
          {fmt(Math.abs(run.slope + run.predicted), 2)} of −{fmt(run.predicted, 3)} (dashed).
        </>
      ) : (
        <>With so few beakers the chain has no power-law range to fit.</>
      )}{' '}
      At t = {snapshot} the water has reached beaker {front < 0 ? m : front} (level above a tenth of
      the first), having spread to χ ≈{' '}
      {fmt(
        run.capacities.slice(0, front < 0 ? m : front).reduce((a, b) => a + b, 0),
        3,
      )}
      .
    </>
  );

  return (
    <Figure
      name="diffusion"
      description="A log–log line chart of a ratio chain's memory trace against time with a shaded fit window and the predicted power law, and a chart of the beakers drawn as wide as their capacity with their levels at a chosen time."
      caption={caption}
      data={published}
      controls={
        <>
          <Slider
            label="capacity ratio q_C"
            name="capacity-ratio"
            value={qC}
            min={1.2}
            max={4}
            step={0.1}
            onChange={setQC}
          />
          <Slider
            label="tube ratio q_G"
            name="tube-ratio"
            value={qG}
            min={0.1}
            max={1}
            step={0.05}
            onChange={setQG}
          />
          <Slider
            label="beakers m"
            name="beakers"
            value={m}
            min={3}
            max={14}
            step={1}
            onChange={setM}
          />
          <Slider
            label="snapshot step t"
            name="snapshot"
            value={logT}
            min={0}
            max={6}
            step={0.25}
            format={(v) => String(Math.round(10 ** v))}
            onChange={setLogT}
          />
        </>
      }
    >
      <PlotBox name="response" label="memory trace on log-log axes" render={renderResponse} />
      <PlotBox
        name="beakers"
        label="beaker levels in the capacity coordinate"
        render={renderBeakers}
      />
    </Figure>
  );
}
