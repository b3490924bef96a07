import * as Plot from '@observablehq/plot';
import { bennaFusiDynamics, diagonalize, multiscaleDynamics, simulate } from '@site/src/index';
import { lineChart, sampleIndices, seriesRows } from '@site/src/plots/index';
import { useCallback, useMemo, useState } from 'react';
import { Choice, fmt, Slider } from './figure/Controls';
import { Figure } from './figure/Figure';
import { PlotBox } from './figure/PlotBox';

const STEPS = 3000;
const LESSON = 10;
const LEARNING_RATE = 0.1;

type View = 'coupled' | 'diagonal';

/** Legend name of part i in a view. */
function partName(view: View, i: number): string {
  return view === 'coupled' ? `u_${i + 1}` : `ω_${i + 1}`;
}

/** Tube conductances g_k = g_1 · r^(k−1). */
function couplingsOf(m: number, first: number, ratio: number): number[] {
  return Array.from({ length: m }, (_, k) => first * ratio ** k);
}

/**
 * One lesson (g = −1 for 10 steps, then nothing) stored in a Benna–Fusi chain, run twice by the
 * library: the coupled beakers u_k, and the eigenmodes ω_i of `diagonalize` fed the same gradients.
 */
export function bennaFusiRun(m: number, first: number, ratio: number) {
  const couplings = couplingsOf(m, first, ratio);
  const d = bennaFusiDynamics({ learningRate: LEARNING_RATE, beakers: m, couplings });
  const { alpha, gamma } = diagonalize(d);
  const gradients = Array.from({ length: STEPS }, (_, t) => (t < LESSON ? -1 : 0));
  const coupled = simulate(d, gradients);
  const diagonal = simulate(multiscaleDynamics({ alpha, gamma }), gradients);
  return {
    couplings,
    alpha,
    gamma,
    gradients,
    u: Array.from({ length: m }, (_, k) => coupled.states.map((s) => s[k] as number)),
    omega: alpha.map((_, i) => diagonal.states.map((s) => s[i] as number)),
    wCoupled: Array.from(coupled.w),
    wDiagonal: Array.from(diagonal.w),
  };
}

/** Live figure 2: the Benna–Fusi chain as beakers, next to its eigenmodes. */
export default function BennaFusiFigure() {
  const [m, setM] = useState(5);
  const [logFirst, setLogFirst] = useState(-3); // g_1 = 2^−3, Benna & Fusi's default
  const [ratio, setRatio] = useState(0.5);
  const [view, setView] = useState<View>('coupled');
  const [snapshot, setSnapshot] = useState(100);
  const run = useMemo(() => bennaFusiRun(m, 2 ** logFirst, ratio), [m, logFirst, ratio]);
  const parts = view === 'coupled' ? run.u : run.omega;
  const w = view === 'coupled' ? run.wCoupled : run.wDiagonal;

  const renderTraces = useCallback(
    (width: number) => {
      const series: Record<string, number[]> = { w: w };
      parts.forEach((p, i) => {
        series[partName(view, i)] = p;
      });
      return Plot.plot(
        lineChart(seriesRows(series, { xOffset: 1, maxPoints: 200, logSpaced: true }), {
          title:
            view === 'coupled'
              ? 'Coupled view: beaker levels u_k'
              : 'Diagonal view: eigenmodes ω_i',
          xLabel: 'step t (log)',
          yLabel: 'level',
          logX: true,
          zeroLine: true,
          width,
          height: Math.min(340, Math.max(240, width * 0.55)),
          marks: [Plot.ruleX([snapshot], { strokeDasharray: '2,3', strokeOpacity: 0.6 })],
        }),
      );
    },
    [parts, w, view, snapshot],
  );

  const renderBeakers = useCallback(
    (width: number) => {
      // Beaker k drawn as wide as log2(C_k) + 1 (C_k = 2^(k−1)), so wider beakers look wider;
      // eigenmodes have no width, so they are drawn alike.
      let left = 0;
      const rows = parts.map((p, i) => {
        const w = view === 'coupled' ? i + 1 : 1;
        const row = {
          part: partName(view, i),
          x1: left,
          x2: left + w,
          mid: left + w / 2,
          level: p[snapshot - 1] as number,
        };
        left += w + 0.4;
        return row;
      });
      return Plot.plot({
        title: view === 'coupled' ? `Beakers at t = ${snapshot}` : `Eigenmodes at t = ${snapshot}`,
        width,
        height: 220,
        marginLeft: 60,
        marginBottom: 24,
        x: { axis: null, domain: [0, left - 0.4] },
        y: { label: 'level', grid: true },
        marks: [
          Plot.rectY(rows, { x1: 'x1', x2: 'x2', y: 'level', fill: 'steelblue' }),
          Plot.ruleY([0]),
          Plot.text(rows, { x: 'mid', y: 0, text: 'part', dy: 10, frameAnchor: 'bottom' }),
        ],
      });
    },
    [parts, view, snapshot],
  );

  const renderEigen = useCallback(
    (width: number) => {
      const rows = run.gamma.map((g, i) => ({ mode: `ω_${i + 1}`, rate: 1 - g, gamma: g }));
      return Plot.plot({
        title: 'Eigenvalues γ_i = λ_i(T)',
        width,
        height: 220,
        marginLeft: 60,
        x: { label: null, domain: rows.map((r) => r.mode) },
        y: { label: '1 − γ_i (log)', type: 'log', grid: true },
        marks: [
          Plot.dot(rows, { x: 'mode', y: 'rate', r: 4, fill: 'currentColor' }),
          Plot.text(rows, { x: 'mode', y: 'rate', text: (r) => fmt(r.gamma, 4), dy: -10 }),
        ],
      });
    },
    [run],
  );

  // The numbers for tests, at log-spaced steps (the full 3000-step arrays would make every slider
  // move re-serialize ~40k numbers).
  const published = useMemo(() => {
    const index = sampleIndices(STEPS, 150, true);
    const at = (a: number[]) => index.map((i) => a[i] as number);
    return {
      m,
      view,
      snapshot,
      learningRate: LEARNING_RATE,
      lesson: LESSON,
      steps: STEPS,
      couplings: run.couplings,
      alpha: run.alpha,
      gamma: run.gamma,
      index,
      u: run.u.map(at),
      omega: run.omega.map(at),
      wCoupled: at(run.wCoupled),
      wDiagonal: at(run.wDiagonal),
    };
  }, [run, m, view, snapshot]);
  const gap = Math.max(...run.wCoupled.map((v, i) => Math.abs(v - (run.wDiagonal[i] as number))));
  const slowest = 1 / (1 - (run.gamma[0] as number));
  const fastest = 1 / (1 - (run.gamma[run.gamma.length - 1] as number));
  const caption = (
    <>
      {m} beakers with g = ({run.couplings.map((g) => fmt(g, 2)).join(', ')}) have eigenvalues γ
      from {fmt(run.gamma[run.gamma.length - 1] as number, 4)} to {fmt(run.gamma[0] as number, 6)}:
      timescales from {fmt(fastest, 3)} to {fmt(slowest, 3)} steps. Every mode learns with a
      positive rate, α = ({run.alpha.map((a) => fmt(a, 2)).join(', ')}), summing to α/C_1 ={' '}
      {fmt(
        run.alpha.reduce((a, b) => a + b, 0),
        4,
      )}
      . Showing the {view} view; at t = {snapshot}, w = {fmt(w[snapshot - 1] as number)}. The
      coupled and diagonal w agree to {fmt(gap, 2)}.
    </>
  );

  return (
    <Figure
      name="benna-fusi"
      description={`Benna–Fusi synapse with ${m} beakers after a ${LESSON}-step lesson: a log-time line chart of the ${view === 'coupled' ? 'beaker levels' : 'eigenmodes'} and the weight w, a bar chart of the levels at step ${snapshot}, and a chart of the eigenvalues.`}
      caption={caption}
      data={published}
      controls={
        <>
          <Choice
            label="view"
            name="view"
            value={view}
            onChange={setView}
            options={[
              { value: 'coupled', label: 'coupled: beakers u_k' },
              { value: 'diagonal', label: 'diagonal: eigenmodes ω_i' },
            ]}
          />
          <Slider label="beakers m" name="m" value={m} min={2} max={8} step={1} onChange={setM} />
          <Slider
            label="first tube g_1"
            name="g1"
            value={logFirst}
            min={-6}
            max={-1}
            step={0.5}
            format={(v) => fmt(2 ** v, 3)}
            onChange={setLogFirst}
          />
          <Slider
            label="tube ratio g_(k+1)/g_k"
            name="ratio"
            value={ratio}
            min={0.25}
            max={1}
            step={0.05}
            onChange={setRatio}
          />
          <Slider
            label="snapshot step t"
            name="snapshot"
            value={snapshot}
            min={1}
            max={STEPS}
            step={1}
            onChange={setSnapshot}
          />
        </>
      }
    >
      {/* The traces take the whole row; the beakers and eigenvalues share the next one. */}
      <div style={{ flex: '1 1 100%', minWidth: 0 }}>
        <PlotBox name="traces" label="levels and weight over log time" render={renderTraces} />
      </div>
      <PlotBox name="beakers" label="levels at the snapshot step" render={renderBeakers} />
      <PlotBox name="eigenvalues" label="eigenvalues of the chain" render={renderEigen} />
    </Figure>
  );
}
