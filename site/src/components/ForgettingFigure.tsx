import * as Plot from '@observablehq/plot';
import { closedFormSnr } from '@site/src/experiments/lifetime';
import { firstCrossing, logLogSlope, logSpace } from '@site/src/experiments/stats';
import { bennaFusiDynamics, impulseResponse, multiscaleDynamics } from '@site/src/index';
import { lineChart, sampleIndices } from '@site/src/plots/index';
import { useCallback, useMemo, useState } from 'react';
import { fmt, Slider } from './figure/Controls';
import { Figure } from './figure/Figure';
import { PlotBox } from './figure/PlotBox';

/** A flex item of the figure's plot row that takes the whole row. */
const FULL_ROW = { flex: '1 1 100%', minWidth: 0 } as const;

const MAX_STEPS = 2 ** 17;
const LEARNING_RATE = 1;

/** Steps enough to see the chain's exponential cut-off (its slowest timescale grows as 4^m). */
export function stepsFor(m: number): number {
  return Math.min(MAX_STEPS, 2 * 4 ** (m + 1));
}

/**
 * The memory trace −h(t) of a Benna–Fusi chain with m beakers (the library's `impulseResponse`),
 * thinned to log-spaced points, and the range of t where its local log–log slope is within 0.15
 * of −1/2.
 */
export function forgettingRun(m: number) {
  const steps = stepsFor(m);
  const h = impulseResponse(bennaFusiDynamics({ learningRate: LEARNING_RATE, beakers: m }), steps);
  const index = sampleIndices(steps, 160, true);
  const t = index.map((i) => i + 1);
  const trace = index.map((i) => -(h[i] as number));
  const slope = trace.map((y, j) =>
    j === 0
      ? Number.NaN
      : Math.log(y / (trace[j - 1] as number)) / Math.log((t[j] as number) / (t[j - 1] as number)),
  );
  const inLaw = t.filter((_, j) => Math.abs((slope[j] as number) + 0.5) < 0.15);
  const range =
    inLaw.length > 0 ? [Math.min(...inLaw), Math.max(...inLaw)] : [Number.NaN, Number.NaN];
  return { steps, index, t, trace, slope, range };
}

/** Synapse counts N of the lifetime panel. */
export const LIFETIME_N = logSpace(10, 1e5, 9);

/** The synapses of the lifetime panel: Benna–Fusi chains and one exponential synapse. */
export const LIFETIME_MODELS = [
  { name: 'Benna–Fusi m = 2', kind: 'bennaFusi', m: 2 },
  { name: 'Benna–Fusi m = 4', kind: 'bennaFusi', m: 4 },
  { name: 'Benna–Fusi m = 6', kind: 'bennaFusi', m: 6 },
  { name: 'exponential γ = 0.98', kind: 'exponential', gamma: 0.98 },
] as const;

/**
 * Memory lifetime against N from the experiments module's closed-form SNR. SNR(a) scales as √N
 * (see `closedFormSnr`), so one curve at the largest N gives the crossing for every N.
 */
export function lifetimeRun() {
  const nMax = LIFETIME_N[LIFETIME_N.length - 1] as number;
  return LIFETIME_MODELS.map((model) => {
    const d =
      model.kind === 'bennaFusi'
        ? bennaFusiDynamics({ learningRate: 1, beakers: model.m })
        : multiscaleDynamics({ alpha: [1], gamma: [model.gamma] });
    const curve = closedFormSnr(d, nMax);
    const lifetime = LIFETIME_N.map((n) =>
      firstCrossing(
        curve.age,
        curve.snr.map((s) => s * Math.sqrt(n / nMax)),
        1,
      ),
    );
    return { name: model.name, lifetime };
  });
}

/** Live figure 4: Benna–Fusi forgetting curves on log–log axes, against t^(−1/2). */
export default function ForgettingFigure() {
  const [m, setM] = useState(6);
  const run = useMemo(() => forgettingRun(m), [m]);
  const lifetimes = useMemo(() => lifetimeRun(), []);
  const reference = useMemo(() => {
    // t^(−1/2) through the trace at the middle of its power-law range (or at t = 10).
    const anchor = Number.isFinite(run.range[0])
      ? Math.sqrt((run.range[0] as number) * (run.range[1] as number))
      : 10;
    const j = run.t.findIndex((x) => x >= anchor);
    const c = (run.trace[j] as number) * Math.sqrt(run.t[j] as number);
    return run.t.map((x) => c / Math.sqrt(x));
  }, [run]);

  const render = useCallback(
    (width: number) => {
      const rows = [
        ...run.t.map((x, j) => ({ x, y: run.trace[j] as number, series: `Benna–Fusi, m = ${m}` })),
        ...run.t.map((x, j) => ({ x, y: reference[j] as number, series: 't^(−1/2)' })),
      ];
      const floor = Math.max(1e-12, Math.min(...run.trace.filter((y) => y > 0)));
      return Plot.plot(
        lineChart(
          rows.filter((r) => r.y >= floor),
          {
            title: 'Forgetting curve −h(t)',
            xLabel: 'step t (log)',
            yLabel: 'memory trace −h(t) (log)',
            logX: true,
            logY: true,
            dashed: ['t^(−1/2)'],
            width,
            height: Math.min(360, Math.max(260, width * 0.6)),
            marks: Number.isFinite(run.range[0])
              ? [Plot.ruleX(run.range, { strokeDasharray: '2,3', strokeOpacity: 0.6 })]
              : [],
          },
        ),
      );
    },
    [run, m, reference],
  );

  const renderLifetime = useCallback(
    (width: number) => {
      const rows = lifetimes.flatMap((l) =>
        LIFETIME_N.map((n, j) => ({ x: n, y: l.lifetime[j] as number, series: l.name })).filter(
          (r) => Number.isFinite(r.y),
        ),
      );
      return Plot.plot(
        lineChart(rows, {
          title: 'Memory lifetime against N',
          xLabel: 'synapses N (log)',
          yLabel: 'lifetime: steps until SNR < 1 (log)',
          logX: true,
          logY: true,
          points: rows,
          width,
          height: Math.min(340, Math.max(240, width * 0.55)),
        }),
      );
    },
    [lifetimes],
  );
  const growth = lifetimes.map((l) => {
    const ok = LIFETIME_N.map((n, j) => [n, l.lifetime[j] as number]).filter(
      ([, y]) => Number.isFinite(y) && (y as number) > 1,
    );
    return {
      name: l.name,
      slope: logLogSlope(
        ok.map((p) => p[0] as number),
        ok.map((p) => p[1] as number),
      ),
    };
  });

  const [a, b] = run.range as [number, number];
  const caption = Number.isFinite(a) ? (
    <>
      With m = {m} beakers the memory trace falls like t^(−1/2) (local slope within 0.15 of −½) from
      t ≈ {fmt(a, 2)} to t ≈ {fmt(b, 2)}, a range of {fmt(b / a, 2)}× (
      {fmt(Math.log(b / a) / Math.log(4), 2)} factors of 4)
      {b >= (run.t[run.t.length - 1] as number)
        ? `, and on past the last step plotted (${fmt(run.steps, 3)}): this chain forgets exponentially only after that`
        : ', then falls exponentially'}
      . Each extra beaker adds about one factor of 4.
    </>
  ) : (
    <>
      With m = {m} beakers the chain is too short to show a t^(−1/2) range; the trace is close to
      one exponential.
    </>
  );

  const lifetimeText = (
    <>
      {' '}
      Right: lifetime grows with N as N^
      {growth.map((g) => `${fmt(g.slope, 2)} (${g.name})`).join(', N^')}, for N from{' '}
      {fmt(LIFETIME_N[0] as number)} to {fmt(LIFETIME_N[LIFETIME_N.length - 1] as number)}.
    </>
  );

  return (
    <Figure
      name="forgetting"
      description={`Log–log line chart of the memory trace of a Benna–Fusi synapse with ${m} beakers over ${run.steps} steps, with a dashed t to the minus one half reference line; and a log–log chart of memory lifetime against the number of synapses N for Benna–Fusi chains and an exponential synapse.`}
      caption={
        <>
          {caption}
          {lifetimeText}
        </>
      }
      data={{ m, learningRate: LEARNING_RATE, ...run, lifetimeN: LIFETIME_N, lifetimes }}
      controls={
        <Slider label="beakers m" name="m" value={m} min={1} max={10} step={1} onChange={setM} />
      }
    >
      {/* Each chart gets a full row: side by side they were half the column wide on desktop. */}
      <div style={FULL_ROW}>
        <PlotBox name="forgetting" label="memory trace on log-log axes" render={render} />
      </div>
      <div style={FULL_ROW}>
        <PlotBox
          name="lifetime"
          label="memory lifetime against number of synapses"
          render={renderLifetime}
        />
      </div>
    </Figure>
  );
}
