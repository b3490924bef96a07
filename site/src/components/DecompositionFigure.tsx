import * as Plot from '@observablehq/plot';
import { multiscaleDynamics, simulate } from '@site/src/index';
import { lineChart, seriesRows } from '@site/src/plots/index';
import { useCallback, useMemo, useState } from 'react';
import { Choice, fmt, Slider } from './figure/Controls';
import { Figure } from './figure/Figure';
import { PlotBox } from './figure/PlotBox';

const STEPS = 600;
const SHIFT = 300;

/** The drifting target: a slow and a medium oscillation, plus a sudden shift at t = 300. */
function target(t: number): number {
  return (
    0.8 * Math.sin((2 * Math.PI * t) / 400) +
    0.4 * Math.sin((2 * Math.PI * t) / 45) +
    (t >= SHIFT ? 1 : 0)
  );
}

type Preset = 'geometric' | 'sgd' | 'custom';

/** Timescales as log2 τ (γ = 1 − 2^(−v)), slowest first, and learning rates. */
function presetParts(preset: Preset, k: number): { logTau: number[]; alpha: number[] } {
  if (preset === 'sgd') {
    return {
      logTau: Array.from({ length: k }, () => 10),
      alpha: Array.from({ length: k }, () => 0.3 / k),
    };
  }
  // Geometric: τ = 2^(9 − 2i·8/k…), evenly spaced in log τ from 512 down to 2; fast parts learn more.
  return {
    logTau: Array.from({ length: k }, (_, i) => (k === 1 ? 5 : 9 - (8 * i) / (k - 1))),
    alpha: Array.from({ length: k }, (_, i) =>
      Number((0.04 + (0.3 * i) / Math.max(1, k - 1)).toFixed(2)),
    ),
  };
}

/** The figure's whole computation: a weight learning a drifting target by gradient descent. */
export function decompose(alpha: number[], gamma: number[]) {
  const d = multiscaleDynamics({ alpha, gamma });
  let s: number[] = alpha.map(() => 0);
  const y: number[] = [];
  const gradients: number[] = [];
  const w: number[] = [];
  const omega: number[][] = alpha.map(() => []);
  for (let t = 0; t < STEPS; t++) {
    const current = s.reduce((a, b) => a + b, 0);
    y.push(target(t));
    const g = current - (y[t] as number); // ∂/∂w of ½(w − y)²
    gradients.push(g);
    const next = simulate(d, [g], s); // one step of the library's own update
    s = Array.from(next.states[0] as Float64Array);
    w.push(next.w[0] as number);
    s.forEach((v, i) => {
      omega[i]?.push(v);
    });
  }
  return { y, gradients, w, omega };
}

/** Live figure 1: a drifting target, the weight w, and each part ω_i of it. */
export default function DecompositionFigure() {
  const [preset, setPreset] = useState<Preset>('geometric');
  const [k, setK] = useState(3);
  const [parts, setParts] = useState(() => presetParts('geometric', 3));
  const gamma = useMemo(() => parts.logTau.map((v) => 1 - 2 ** -v), [parts]);
  const result = useMemo(() => decompose(parts.alpha, gamma), [parts, gamma]);

  const choosePreset = (p: Preset) => {
    setPreset(p);
    if (p !== 'custom') setParts(presetParts(p, k));
  };
  const chooseK = (n: number) => {
    setK(n);
    setParts(presetParts(preset === 'custom' ? 'geometric' : preset, n));
    if (preset === 'custom') setPreset('geometric');
  };
  const setPart = (field: 'logTau' | 'alpha', i: number, v: number) => {
    setPreset('custom');
    setParts((p) => ({ ...p, [field]: p[field].map((x, j) => (j === i ? v : x)) }));
  };

  const render = useCallback(
    (width: number) => {
      const series: Record<string, number[]> = { target: result.y, 'w = Σ ω_i': result.w };
      result.omega.forEach((o, i) => {
        series[`ω_${i + 1} (τ ≈ ${fmt(2 ** (parts.logTau[i] as number), 2)})`] = o;
      });
      const rows = seriesRows(series, { xOffset: 1, maxPoints: 300 });
      return Plot.plot(
        lineChart(rows, {
          title: 'A weight and its parts',
          xLabel: 'step t',
          yLabel: 'value',
          dashed: ['target'],
          zeroLine: true,
          width,
          height: Math.min(380, Math.max(260, width * 0.55)),
          marks: [Plot.ruleX([SHIFT], { strokeDasharray: '2,3', strokeOpacity: 0.5 })],
        }),
      );
    },
    [result, parts],
  );

  const tail = result.w.slice(-100).map((v, i) => v - (result.y[STEPS - 100 + i] as number));
  const rms = Math.sqrt(tail.reduce((a, e) => a + e * e, 0) / tail.length);
  const finalW = result.w[STEPS - 1] as number;
  const shares = result.omega.map((o) => (o[STEPS - 1] as number) / finalW);
  const unstable = !result.w.every((v) => Math.abs(v) < 1e6);
  const caption = unstable ? (
    <>
      With total step size Σα = {fmt(parts.alpha.reduce((a, b) => a + b, 0))} the loop overshoots
      and w diverges: lower the learning rates.
    </>
  ) : (
    <>
      {k} part{k > 1 ? 's' : ''} with γ = ({gamma.map((g) => fmt(g, 4)).join(', ')}) and α = (
      {parts.alpha.map((a) => fmt(a)).join(', ')}): the immediate step is Σα ={' '}
      {fmt(parts.alpha.reduce((a, b) => a + b, 0))}. At the last step w = {fmt(finalW)}, split as{' '}
      {shares.map((s, i) => `ω_${i + 1} ${fmt(100 * s, 2)}%`).join(', ')}; the RMS tracking error
      over the last 100 steps is {fmt(rms)}.
    </>
  );

  return (
    <Figure
      name="decomposition"
      description={`Line chart over ${STEPS} steps of a drifting target that jumps at step ${SHIFT}, the weight w learning it, and its ${k} parts, each decaying at its own rate; the parts add up to w.`}
      caption={caption}
      data={{ alpha: parts.alpha, gamma, ...result }}
      controls={
        <>
          <Choice
            label="Preset"
            name="preset"
            value={preset}
            onChange={choosePreset}
            options={[
              { value: 'geometric', label: 'geometric timescales' },
              { value: 'sgd', label: 'all parts τ ≈ 1024 (≈ SGD)' },
              { value: 'custom', label: 'custom' },
            ]}
          />
          <Slider
            label="timescales k"
            name="k"
            value={k}
            min={1}
            max={5}
            step={1}
            onChange={chooseK}
          />
          {parts.logTau.map((v, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: part i is identified by its index.
            <div key={i} className="control-group" style={{ display: 'contents' }}>
              <Slider
                label={`γ_${i + 1}`}
                name={`gamma-${i + 1}`}
                value={v}
                min={0}
                max={10}
                step={0.5}
                format={(x) => `${fmt(1 - 2 ** -x, 4)} (τ ≈ ${fmt(2 ** x, 3)})`}
                onChange={(x) => setPart('logTau', i, x)}
              />
              <Slider
                label={`α_${i + 1}`}
                name={`alpha-${i + 1}`}
                value={parts.alpha[i] as number}
                min={0}
                max={0.6}
                step={0.01}
                onChange={(x) => setPart('alpha', i, x)}
              />
            </div>
          ))}
        </>
      }
    >
      <PlotBox name="decomposition" label="target, weight and parts over time" render={render} />
    </Figure>
  );
}
