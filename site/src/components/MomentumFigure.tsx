import * as Plot from '@observablehq/plot';
import {
  diagonalize,
  momentumDynamics,
  multiscaleDynamics,
  restingState,
  simulate,
} from '@site/src/index';
import { lineChart, seriesRows } from '@site/src/plots/index';
import { useCallback, useMemo, useState } from 'react';
import { Choice, fmt, Slider } from './figure/Controls';
import { Figure } from './figure/Figure';
import { PlotBox } from './figure/PlotBox';

const STEPS = 60;
const KAPPA = 1;
const W_STAR = 1;
const W0 = 0;

type Convention = 'tfjs' | 'ema';

/**
 * Momentum on L = λ/2 (w − w*)², run twice by the library: as the coupled (w, v) system, and as
 * the diagonal system (slow + fast part) that `diagonalize` gives, fed the same gradients.
 */
export function momentumRun(learningRate: number, momentum: number, ema: boolean) {
  const d = momentumDynamics({ learningRate, momentum, ema });
  const { alpha, gamma, initialShare } = diagonalize(d);
  let s: number[] = Array.from(restingState(d, W0));
  const gradients: number[] = [];
  const w: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    const current = s[0] as number; // w is the first coordinate (readout e_1)
    const g = KAPPA * (current - W_STAR);
    gradients.push(g);
    const next = simulate(d, [g], s);
    s = Array.from(next.states[0] as Float64Array);
    w.push(next.w[0] as number);
  }
  const diagonal = simulate(
    multiscaleDynamics({ alpha, gamma }),
    gradients,
    initialShare.map((q) => q * W0),
  );
  const slow = diagonal.states.map((x) => x[0] as number);
  const fast = diagonal.states.map((x) => x[1] as number);
  return { alpha, gamma, gradients, w, slow, fast, wDiagonal: Array.from(diagonal.w) };
}

/** Live figure 3: momentum's weight, its slow part and its negative fast part. */
export default function MomentumFigure() {
  const [eta, setEta] = useState(0.1);
  const [beta, setBeta] = useState(0.8);
  const [convention, setConvention] = useState<Convention>('tfjs');
  const run = useMemo(() => momentumRun(eta, beta, convention === 'ema'), [eta, beta, convention]);

  const render = useCallback(
    (width: number) =>
      Plot.plot(
        lineChart(
          seriesRows(
            { 'w*': run.w.map(() => W_STAR), w: run.w, ω_slow: run.slow, ω_fast: run.fast },
            { xOffset: 1 },
          ),
          {
            title: 'Momentum = slow weight + negative fast weight',
            xLabel: 'step t',
            yLabel: 'value',
            dashed: ['w*'],
            zeroLine: true,
            width,
            height: Math.min(360, Math.max(260, width * 0.55)),
          },
        ),
      ),
    [run],
  );

  const gap = Math.max(...run.w.map((v, i) => Math.abs(v - (run.wDiagonal[i] as number))));
  const t5 = Math.min(4, STEPS - 1);
  const overshoot = Math.max(...run.w) - W_STAR;
  const caption = (
    <>
      η = {fmt(eta)}, β = {fmt(beta)} ({convention === 'ema' ? 'EMA' : 'TensorFlow.js'} convention):
      the diagonal form has γ = ({run.gamma.map((g) => fmt(g, 4)).join(', ')}) and α = (
      {run.alpha.map((a) => fmt(a, 4)).join(', ')}), a{' '}
      {(run.alpha[1] as number) < 0 ? 'negative' : 'positive'} fast weight. At step 5 the slow part
      is at {fmt(run.slow[t5] as number)} but the fast part holds w back by{' '}
      {fmt(-(run.fast[t5] as number))}, so w = {fmt(run.w[t5] as number)}.{' '}
      {overshoot > 1e-3
        ? `w overshoots w* = ${W_STAR} by ${fmt(overshoot)}.`
        : `w approaches w* = ${W_STAR} without overshooting.`}{' '}
      The coupled (w, v) update and ω_slow + ω_fast agree to {fmt(gap, 2)}.
    </>
  );

  return (
    <Figure
      name="momentum"
      description={`Line chart over ${STEPS} steps of gradient descent with momentum on a one-dimensional quadratic: the weight w, its slow part and its fast part, and the minimum w* = ${W_STAR}.`}
      caption={caption}
      data={{ eta, beta, ema: convention === 'ema', kappa: KAPPA, wStar: W_STAR, w0: W0, ...run }}
      controls={
        <>
          <Slider
            label="learning rate η"
            name="eta"
            value={eta}
            min={0.01}
            max={1}
            step={0.01}
            onChange={setEta}
          />
          <Slider
            label="momentum β"
            name="beta"
            value={beta}
            min={0.05}
            max={0.98}
            step={0.01}
            onChange={setBeta}
          />
          <Choice
            label="convention"
            name="convention"
            value={convention}
            onChange={setConvention}
            options={[
              { value: 'tfjs', label: 'TensorFlow.js: v ← βv + g' },
              { value: 'ema', label: 'EMA: v ← βv + (1−β)g' },
            ]}
          />
        </>
      }
    >
      <PlotBox name="momentum" label="w, slow part and fast part over time" render={render} />
    </Figure>
  );
}
