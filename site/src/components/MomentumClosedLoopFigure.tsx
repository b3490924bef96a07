import * as Plot from '@observablehq/plot';
import {
  autocorrelation,
  closedLoopEigenvalues,
  convergenceRate,
  optimalMomentum,
  ravinePath,
} from '@site/src/experiments/closed-loop';
import { fastWeightDynamics, type LinearDynamics, momentumDynamics } from '@site/src/index';
import { lineChart, seriesRows } from '@site/src/plots/index';
import { useCallback, useMemo, useState } from 'react';
import { fmt, Slider } from './figure/Controls';
import { Figure } from './figure/Figure';
import { PlotBox } from './figure/PlotBox';

/** The ravine: Hessian eigenvalues (steep, shallow), steep direction 30° from the w_1 axis. */
export const CURVATURES: [number, number] = [1, 0.05];
export const ANGLE = Math.PI / 6;
export const STEPS = 60;
/** The drifting-target regime: an isotropic bowl whose minimum takes a Gaussian random walk. */
export const DRIFT = {
  curvatures: [0.1, 0.1] as [number, number],
  step: 0.05,
  steps: 600,
  seed: 3,
};
export const MAX_LAG = 12;
const VIEW = 3;

/** The three optimizers compared: the same slow part; the fast part negative, absent, positive. */
export function closedLoopOptimizers(eta: number, beta: number): Record<string, LinearDynamics> {
  return {
    'gradient descent': momentumDynamics({ learningRate: eta, momentum: 0 }),
    momentum: momentumDynamics({ learningRate: eta, momentum: beta }),
    'positive fast weight': fastWeightDynamics({
      slowLearningRate: eta / (1 - beta),
      fastLearningRate: (eta * beta) / (1 - beta),
      fastRetention: beta,
    }),
  };
}

const NAMES = ['gradient descent', 'momentum', 'positive fast weight'] as const;

/** Everything the figure draws, computed by the library. */
export function closedLoopRun(eta: number, beta: number, start: [number, number]) {
  const optimizers = closedLoopOptimizers(eta, beta);
  const result = NAMES.map((name) => {
    const d = optimizers[name] as LinearDynamics;
    const path = ravinePath({
      dynamics: d,
      curvatures: CURVATURES,
      angle: ANGLE,
      start,
      steps: STEPS,
      escape: 1e3,
    });
    const drift = ravinePath({
      dynamics: d,
      curvatures: DRIFT.curvatures,
      start: [0, 0],
      steps: DRIFT.steps,
      drift: DRIFT.step,
      seed: DRIFT.seed,
    });
    return {
      name,
      rate: convergenceRate(d, CURVATURES),
      eigenvalues: CURVATURES.map((lambda) => closedLoopEigenvalues(d, lambda)),
      path: path.w,
      diverged: path.diverged,
      finalLoss: path.loss[path.loss.length - 1] as number,
      ravineR: autocorrelation(path.gradient, MAX_LAG),
      driftR: autocorrelation(drift.gradient, MAX_LAG),
      driftLoss: drift.loss.slice(100).reduce((a, b) => a + b, 0) / (drift.loss.length - 100),
      subweights: path.subweights[0] as number[][],
    };
  });
  const betas = Array.from({ length: 200 }, (_, j) => j / 200);
  const rateCurve = betas.map((b) =>
    convergenceRate(momentumDynamics({ learningRate: eta, momentum: b }), CURVATURES),
  );
  return { result, betas, rateCurve, optimum: optimalMomentum(eta, CURVATURES) };
}

/** Level sets of the ravine's loss, as closed curves. */
function contours() {
  const rows: { x: number; y: number; level: number }[] = [];
  const [l1, l2] = CURVATURES;
  for (const level of [0.02, 0.1, 0.3, 0.8, 2]) {
    for (let j = 0; j <= 96; j++) {
      const phi = (2 * Math.PI * j) / 96;
      const a = Math.sqrt((2 * level) / l1) * Math.cos(phi);
      const b = Math.sqrt((2 * level) / l2) * Math.sin(phi);
      rows.push({
        x: a * Math.cos(ANGLE) - b * Math.sin(ANGLE),
        y: a * Math.sin(ANGLE) + b * Math.cos(ANGLE),
        level,
      });
    }
  }
  return rows;
}
const CONTOURS = contours();

/** Live figure: the ravine, closed-loop eigenvalues, rate against β, autocorrelation, subweights. */
export default function MomentumClosedLoopFigure() {
  const [eta, setEta] = useState(1.5);
  const [beta, setBeta] = useState(0.6);
  const [start, setStart] = useState<[number, number]>([-2, 1.5]);
  const run = useMemo(() => closedLoopRun(eta, beta, start), [eta, beta, start]);

  const renderPath = useCallback(
    (index: number) => (width: number) => {
      const r = run.result[index] as (typeof run.result)[number];
      const size = Math.max(200, Math.min(width, 360));
      const chart = Plot.plot({
        title: `${r.name}: ρ = ${fmt(r.rate, 3)}`,
        width: size,
        height: size,
        marginLeft: 40,
        x: { domain: [-VIEW, VIEW], label: 'w₁' },
        y: { domain: [-VIEW, VIEW], label: 'w₂' },
        marks: [
          Plot.line(CONTOURS, {
            x: 'x',
            y: 'y',
            z: 'level',
            stroke: '#aaa',
            strokeWidth: 0.7,
            clip: true,
          }),
          Plot.line(r.path, {
            x: (p: number[]) => p[0],
            y: (p: number[]) => p[1],
            stroke: 'steelblue',
            clip: true,
          }),
          Plot.dot(r.path, {
            x: (p: number[]) => p[0],
            y: (p: number[]) => p[1],
            r: 1.8,
            fill: 'steelblue',
            clip: true,
          }),
          Plot.dot([start], {
            x: (p: number[]) => p[0],
            y: (p: number[]) => p[1],
            r: 5,
            stroke: 'currentColor',
          }),
          Plot.dot([[0, 0]], {
            x: (p: number[]) => p[0],
            y: (p: number[]) => p[1],
            symbol: 'plus',
            r: 6,
            stroke: 'currentColor',
          }),
        ],
      });
      // Drag (or click) anywhere on the chart to move the start point.
      const svg = (
        chart.tagName.toLowerCase() === 'svg' ? chart : chart.querySelector('svg')
      ) as SVGSVGElement | null;
      const xs = chart.scale('x');
      const ys = chart.scale('y');
      const move = (e: PointerEvent) => {
        if (!svg || !xs?.invert || !ys?.invert || (e.type === 'pointermove' && e.buttons === 0))
          return;
        const box = svg.getBoundingClientRect();
        const px = ((e.clientX - box.left) * size) / box.width;
        const py = ((e.clientY - box.top) * size) / box.height;
        const clamp = (v: number) => Math.max(-VIEW, Math.min(VIEW, Math.round(v * 20) / 20));
        setStart([clamp(xs.invert(px) as number), clamp(ys.invert(py) as number)]);
      };
      svg?.addEventListener('pointerdown', move);
      svg?.addEventListener('pointermove', move);
      svg?.style.setProperty('touch-action', 'none');
      svg?.style.setProperty('cursor', 'crosshair');
      return chart;
    },
    [run, start],
  );

  const renderEigen = useCallback(
    (width: number) => {
      const rows = run.result.flatMap((r) =>
        r.eigenvalues.flatMap((zs, d) =>
          zs.map((z) => ({
            re: z.re,
            im: z.im,
            optimizer: r.name,
            direction: d === 0 ? 'steep λ₁' : 'shallow λ₂',
          })),
        ),
      );
      const circle = Array.from({ length: 129 }, (_, j) => [
        Math.cos((2 * Math.PI * j) / 128),
        Math.sin((2 * Math.PI * j) / 128),
      ]);
      const reach = Math.max(
        1.1,
        ...rows.map((r) => Math.max(Math.abs(r.re), Math.abs(r.im)) * 1.05),
      );
      const limit = Math.min(reach, 3);
      const size = Math.max(220, Math.min(width, 380));
      return Plot.plot({
        title: 'Closed-loop eigenvalues z₁, z₂ per Hessian direction',
        width: size,
        height: size,
        marginLeft: 45,
        x: { domain: [-limit, limit], label: 'Re z' },
        y: { domain: [-limit, limit], label: 'Im z' },
        color: { legend: true, domain: [...NAMES], scheme: 'tableau10' },
        symbol: { legend: true },
        marks: [
          Plot.line(circle, {
            x: (p: number[]) => p[0],
            y: (p: number[]) => p[1],
            stroke: '#999',
            strokeDasharray: '3,3',
          }),
          Plot.ruleX([0], { stroke: '#ccc' }),
          Plot.ruleY([0], { stroke: '#ccc' }),
          Plot.dot(rows, {
            x: 're',
            y: 'im',
            stroke: 'optimizer',
            symbol: 'direction',
            r: 5,
            strokeWidth: 2,
            clip: true,
          }),
        ],
      });
    },
    [run],
  );

  const renderRate = useCallback(
    (width: number) =>
      Plot.plot(
        lineChart(
          seriesRows(
            {
              'momentum ρ(β)': run.rateCurve,
              'gradient descent': run.rateCurve.map(() => run.result[0]?.rate as number),
            },
            { x: run.betas },
          ),
          {
            title: `Convergence rate ρ against β (optimum β* = ${fmt(run.optimum.momentum, 3)})`,
            xLabel: 'momentum β',
            yLabel: 'ρ = max |z|',
            dashed: ['gradient descent'],
            yDomain: [0, 1.2],
            width,
            height: 280,
            marks: [
              Plot.ruleY([1], { stroke: '#c33', strokeDasharray: '2,2' }),
              Plot.dot([run.optimum], { x: 'momentum', y: 'rate', r: 5, fill: 'currentColor' }),
              Plot.ruleX([beta], { strokeDasharray: '4,3' }),
            ],
          },
        ),
      ),
    [run, beta],
  );

  const renderAutocorrelation = useCallback(
    (width: number) => {
      const rows = run.result.flatMap((r) =>
        (['ravine', 'drift'] as const).flatMap((regime) =>
          (regime === 'ravine' ? r.ravineR : r.driftR).map((y, lag) => ({
            lag,
            r: y,
            optimizer: r.name,
            regime:
              regime === 'ravine' ? 'fixed ravine (endogenous)' : 'drifting target (exogenous)',
          })),
        ),
      );
      return Plot.plot({
        title: 'Gradient autocorrelation r(Δ) along the path',
        width,
        height: 280,
        marginLeft: 50,
        fx: { label: null },
        x: { label: 'lag Δ' },
        y: { label: 'r(Δ)', domain: [-1, 1], grid: true },
        color: { legend: true, domain: [...NAMES], scheme: 'tableau10' },
        marks: [
          Plot.ruleY([0], { stroke: '#999' }),
          Plot.line(rows, { fx: 'regime', x: 'lag', y: 'r', stroke: 'optimizer', marker: 'dot' }),
        ],
      });
    },
    [run],
  );

  const momentumRun = run.result[1] as (typeof run.result)[number];
  const renderSubweights = useCallback(
    (width: number) => {
      const [slow, fast] = momentumRun.subweights as [number[], number[]];
      const w = slow.map((s, t) => s + (fast[t] as number));
      return Plot.plot(
        lineChart(seriesRows({ 'w (steep direction)': w, 'ω₁ slow': slow, 'ω₂ fast': fast }), {
          title: 'Momentum along the steep direction: slow part + negative fast part',
          xLabel: 'step t',
          yLabel: 'value',
          zeroLine: true,
          width,
          height: 280,
        }),
      );
    },
    [momentumRun],
  );

  const [gd, mom, fw] = run.result as [typeof momentumRun, typeof momentumRun, typeof momentumRun];
  const complex = (r: typeof momentumRun, d: number) =>
    Math.abs((r.eigenvalues[d]?.[0]?.im as number) ?? 0) > 1e-12;
  const state = (r: typeof momentumRun) =>
    r.rate >= 1 ? `diverges (ρ = ${fmt(r.rate, 3)} ≥ 1)` : `converges at ρ = ${fmt(r.rate, 3)}`;
  const published = {
    eta,
    beta,
    start,
    curvatures: CURVATURES,
    angle: ANGLE,
    steps: STEPS,
    drift: DRIFT,
    maxLag: MAX_LAG,
    rates: run.result.map((r) => r.rate),
    optimum: run.optimum,
    eigenvalues: run.result.map((r) => r.eigenvalues),
    paths: run.result.map((r) => r.path),
    ravineR: run.result.map((r) => r.ravineR),
    driftR: run.result.map((r) => r.driftR),
    driftLoss: run.result.map((r) => r.driftLoss),
    subweights: mom.subweights,
  };
  const caption = (
    <>
      With η = {fmt(eta)} and β = {fmt(beta)}, starting at ({fmt(start[0])}, {fmt(start[1])}):
      gradient descent {state(gd)}, momentum {state(mom)}, the positive fast weight {state(fw)}.
      Momentum's closed-loop eigenvalues are {complex(mom, 0) ? 'complex' : 'real'} along the steep
      direction and {complex(mom, 1) ? 'complex' : 'real'} along the shallow one
      {complex(mom, 0) || complex(mom, 1) ? ' (complex: the path spirals, |z| = √β)' : ''}. The best
      momentum for this η is β* = {fmt(run.optimum.momentum, 3)} (ρ = {fmt(run.optimum.rate, 3)}).
      In the fixed ravine gradient descent's gradients have r(1) = {fmt(gd.ravineR[1] as number, 2)}
      {(gd.ravineR[1] as number) < 0 ? ' (negative: it makes its own oscillation)' : ''}; under a
      drifting target r(1) = {fmt(gd.driftR[1] as number, 2)}, and the mean tracking loss is{' '}
      {fmt(gd.driftLoss, 3)} for gradient descent, {fmt(mom.driftLoss, 3)} for momentum and{' '}
      {fmt(fw.driftLoss, 3)} for the positive fast weight.
    </>
  );

  return (
    <Figure
      name="momentum-closed-loop"
      description="Three square charts of optimization paths in a two-dimensional ravine (gradient descent, momentum, positive fast weight), a complex-plane chart of closed-loop eigenvalues with the unit circle, a line chart of momentum's convergence rate against beta with the optimum marked, gradient autocorrelation against lag in a fixed ravine and under a drifting target, and momentum's slow and fast subweights over time."
      caption={caption}
      data={published}
      controls={
        <>
          <Slider
            label="learning rate η"
            name="eta"
            value={eta}
            min={0.05}
            max={2.5}
            step={0.05}
            onChange={setEta}
          />
          <Slider
            label="momentum β"
            name="beta"
            value={beta}
            min={0}
            max={0.98}
            step={0.01}
            onChange={setBeta}
          />
          <Slider
            label="start w₁"
            name="start-x"
            value={start[0]}
            min={-VIEW}
            max={VIEW}
            step={0.05}
            onChange={(v) => setStart([v, start[1]])}
          />
          <Slider
            label="start w₂"
            name="start-y"
            value={start[1]}
            min={-VIEW}
            max={VIEW}
            step={0.05}
            onChange={(v) => setStart([start[0], v])}
          />
        </>
      }
    >
      <PlotBox name="path-gd" label="gradient descent path in the ravine" render={renderPath(0)} />
      <PlotBox name="path-momentum" label="momentum path in the ravine" render={renderPath(1)} />
      <PlotBox
        name="path-fast"
        label="positive fast weight path in the ravine"
        render={renderPath(2)}
      />
      <PlotBox
        name="eigenvalues"
        label="closed-loop eigenvalues in the complex plane"
        render={renderEigen}
      />
      <PlotBox name="rate" label="convergence rate against momentum" render={renderRate} />
      <PlotBox
        name="autocorrelation"
        label="gradient autocorrelation in two regimes"
        render={renderAutocorrelation}
      />
      <PlotBox
        name="subweights"
        label="momentum's slow and fast subweights"
        render={renderSubweights}
      />
    </Figure>
  );
}
