import * as Plot from '@observablehq/plot';
import { impulseResponseAt } from '@site/src/experiments/diffusion';
import {
  aggmoDynamics,
  bennaFusiDynamics,
  complexSynapseDynamics,
  diagonalize,
  fastWeightDynamics,
  impulseResponse,
  type LinearDynamics,
  momentumDynamics,
  qhmDynamics,
} from '@site/src/index';
import { useCallback, useId, useMemo, useState } from 'react';
import { Choice, fmt, Slider } from './figure/Controls';
import { Figure } from './figure/Figure';
import { PlotBox } from './figure/PlotBox';

/** One slider of an optimizer's settings. */
interface Param {
  key: string;
  label: string;
  min: number;
  max: number;
  step: number;
  value: number;
  /** Shown value (e.g. 10^v for a log slider). */
  format?: (v: number) => string;
}

/** An optimizer the converter knows: its settings, its dynamics, and the code that builds it. */
interface Entry {
  label: string;
  params: Param[];
  build: (p: Record<string, number>) => { dynamics: LinearDynamics; code: string };
}

const pow10 = (v: number) => fmt(10 ** v, 3);

/** AggMo's damping list for K velocities: 0, 0.9, 0.99, … (the original's default for K = 3). */
export const aggmoBetas = (K: number) => Array.from({ length: K }, (_, k) => 1 - 10 ** -k);

export const CATALOG: Record<string, Entry> = {
  momentum: {
    label: 'momentum (tf.train.momentum)',
    params: [
      { key: 'eta', label: 'learning rate η', min: 0.01, max: 1, step: 0.01, value: 0.1 },
      { key: 'beta', label: 'momentum β', min: 0, max: 0.99, step: 0.01, value: 0.9 },
    ],
    build: (p) => ({
      dynamics: momentumDynamics({ learningRate: p.eta as number, momentum: p.beta as number }),
      code: `momentum({learningRate: ${p.eta}, momentum: ${p.beta}})`,
    }),
  },
  nesterov: {
    label: 'Nesterov momentum',
    params: [
      { key: 'eta', label: 'learning rate η', min: 0.01, max: 1, step: 0.01, value: 0.1 },
      { key: 'beta', label: 'momentum β', min: 0, max: 0.99, step: 0.01, value: 0.9 },
    ],
    build: (p) => ({
      dynamics: momentumDynamics({
        learningRate: p.eta as number,
        momentum: p.beta as number,
        nesterov: true,
      }),
      code: `momentum({learningRate: ${p.eta}, momentum: ${p.beta}, nesterov: true})`,
    }),
  },
  fastWeights: {
    label: 'fast weights',
    params: [
      {
        key: 'slow',
        label: 'slow learning rate α_s',
        min: 0.001,
        max: 0.5,
        step: 0.001,
        value: 0.01,
      },
      { key: 'fast', label: 'fast learning rate α_f', min: -0.5, max: 0.5, step: 0.01, value: 0.3 },
      {
        key: 'retention',
        label: 'fast retention γ_f',
        min: 0,
        max: 0.999,
        step: 0.001,
        value: 0.95,
      },
    ],
    build: (p) => ({
      dynamics: fastWeightDynamics({
        slowLearningRate: p.slow as number,
        fastLearningRate: p.fast as number,
        fastRetention: p.retention as number,
      }),
      code: `fastWeights({slowLearningRate: ${p.slow}, fastLearningRate: ${p.fast}, fastRetention: ${p.retention}})`,
    }),
  },
  bennaFusi: {
    label: 'Benna–Fusi chain',
    params: [
      { key: 'eta', label: 'learning rate α', min: 0.05, max: 2, step: 0.05, value: 1 },
      { key: 'beakers', label: 'beakers m', min: 1, max: 10, step: 1, value: 6 },
    ],
    build: (p) => ({
      dynamics: bennaFusiDynamics({ learningRate: p.eta as number, beakers: p.beakers as number }),
      code: `bennaFusi({learningRate: ${p.eta}, beakers: ${p.beakers}})`,
    }),
  },
  aggmo: {
    label: 'AggMo (Lucas et al. 2019)',
    params: [
      { key: 'eta', label: 'learning rate η', min: 0.01, max: 1, step: 0.01, value: 0.1 },
      { key: 'K', label: 'velocities K (β = 0, 0.9, 0.99, …)', min: 1, max: 5, step: 1, value: 3 },
    ],
    build: (p) => {
      const betas = aggmoBetas(p.K as number);
      return {
        dynamics: aggmoDynamics({ learningRate: p.eta as number, betas }),
        code: `aggmo({learningRate: ${p.eta}, betas: [${betas.map((b) => fmt(b, 6)).join(', ')}]})`,
      };
    },
  },
  qhm: {
    label: 'QHM (Ma & Yarats 2019)',
    params: [
      { key: 'eta', label: 'learning rate η', min: 0.01, max: 1, step: 0.01, value: 1 },
      { key: 'beta', label: 'momentum β', min: 0, max: 0.999, step: 0.001, value: 0.999 },
      { key: 'nu', label: 'ν', min: 0, max: 1, step: 0.05, value: 0.7 },
    ],
    build: (p) => ({
      dynamics: qhmDynamics({
        learningRate: p.eta as number,
        momentum: p.beta as number,
        nu: p.nu as number,
      }),
      code: `qhm({learningRate: ${p.eta}, momentum: ${p.beta}, nu: ${p.nu}})`,
    }),
  },
  complexSynapse: {
    label: 'complex synapse (GMvandeVen/complex-synapses)',
    params: [
      { key: 'eta', label: 'learning rate', min: 0.05, max: 0.5, step: 0.05, value: 0.1 },
      { key: 'beakers', label: 'beakers n', min: 2, max: 10, step: 1, value: 6 },
      {
        key: 'longest',
        label: 'longest timescale',
        min: 1,
        max: 5,
        step: 0.5,
        value: Math.log10(1024),
        format: pow10,
      },
    ],
    build: (p) => {
      const longest = Number((10 ** (p.longest as number)).toPrecision(4));
      return {
        dynamics: complexSynapseDynamics({
          learningRate: p.eta as number,
          beakers: p.beakers as number,
          longestTimescale: longest,
        }),
        code: `complexSynapse({learningRate: ${p.eta}, beakers: ${p.beakers}, longestTimescale: ${longest}})`,
      };
    },
  },
};

export type Kind = keyof typeof CATALOG | 'custom';

/** Parses "1, -0.09; 0, 0.9" (rows split by ';'), "-0.1, 1" into numbers; throws on junk. */
export function parseMatrix(text: string, what: string): number[][] {
  const rows = text
    .split(';')
    .map((r) => r.trim())
    .filter((r) => r.length > 0)
    .map((r) =>
      r.split(/[,\s]+/).map((x) => {
        const v = Number(x);
        if (x === '' || !Number.isFinite(v)) throw new Error(`${what}: '${x}' is not a number`);
        return v;
      }),
    );
  if (rows.length === 0) throw new Error(`${what} is empty`);
  return rows;
}

/** The custom optimizer from its three text fields. */
export function customDynamics(T: string, b: string, c: string): LinearDynamics {
  return {
    transition: parseMatrix(T, 'T'),
    input: parseMatrix(b, 'b').flat(),
    readout: parseMatrix(c, 'c').flat(),
  };
}

/** γ, α and the impulse response (coupled and diagonal) of an optimizer, or the error. */
export function converterRun(d: LinearDynamics) {
  const { alpha, gamma } = diagonalize(d);
  const slowest = gamma.reduce(
    (acc, g) => (Math.abs(g) < 1 ? Math.max(acc, -1 / Math.log(Math.abs(g))) : acc),
    1,
  );
  const steps = Math.min(20000, Math.max(50, Math.ceil(5 * slowest)));
  const h = Array.from(impulseResponse(d, steps));
  const index = Array.from(
    new Set(Array.from({ length: 120 }, (_, j) => Math.round(steps ** (j / 119)) - 1)),
  )
    .filter((t) => t >= 0 && t < steps)
    .sort((a, b) => a - b);
  const coupled = index.map((t) => -(h[t] as number));
  const diagonal = impulseResponseAt(d, index).map((x) => -x);
  return { alpha, gamma, steps, index, coupled, diagonal };
}

/** Live figure: any linear optimizer as a multiscale optimizer. */
export default function LinearOptimizersFigure() {
  const [kind, setKind] = useState<Kind>('momentum');
  const [values, setValues] = useState<Record<string, Record<string, number>>>(() =>
    Object.fromEntries(
      Object.entries(CATALOG).map(([k, e]) => [
        k,
        Object.fromEntries(e.params.map((p) => [p.key, p.value])),
      ]),
    ),
  );
  const [customT, setCustomT] = useState('1, -0.09; 0, 0.9');
  const [customB, setCustomB] = useState('-0.1, 1');
  const [customC, setCustomC] = useState('1, 0');
  const ids = [useId(), useId(), useId()];

  const built = useMemo(() => {
    try {
      if (kind === 'custom') {
        const dynamics = customDynamics(customT, customB, customC);
        const code = `linearDynamicsOptimizer({transition: ${JSON.stringify(dynamics.transition)}, input: ${JSON.stringify(dynamics.input)}, readout: ${JSON.stringify(dynamics.readout)}})`;
        return { dynamics, code, run: converterRun(dynamics), error: '' };
      }
      const entry = CATALOG[kind] as Entry;
      const { dynamics, code } = entry.build(values[kind] as Record<string, number>);
      return { dynamics, code, run: converterRun(dynamics), error: '' };
    } catch (e) {
      return { dynamics: null, code: '', run: null, error: String((e as Error)?.message ?? e) };
    }
  }, [kind, values, customT, customB, customC]);

  const run = built.run;
  const renderRates = useCallback(
    (width: number) => {
      const rows = (run?.alpha ?? []).map((a, i) => ({
        mode: `ω${i + 1}`,
        alpha: a,
        gamma: run?.gamma[i] as number,
        sign: a >= 0 ? 'positive α' : 'negative α',
      }));
      return Plot.plot({
        title: 'Learning rate α_i of each subweight (γ_i above each bar)',
        width,
        height: 260,
        marginLeft: 60,
        x: { label: 'subweight (slowest first)', domain: rows.map((r) => r.mode) },
        y: { label: 'α_i', grid: true },
        color: {
          legend: true,
          domain: ['positive α', 'negative α'],
          range: ['steelblue', '#d62728'],
        },
        marks: [
          Plot.barY(rows, { x: 'mode', y: 'alpha', fill: 'sign' }),
          Plot.ruleY([0]),
          Plot.text(rows, {
            x: 'mode',
            y: (r: { alpha: number }) => Math.max(0, r.alpha),
            text: (r: { gamma: number }) => `γ=${fmt(r.gamma, 4)}`,
            dy: -8,
          }),
        ],
      });
    },
    [run],
  );

  const renderResponse = useCallback(
    (width: number) => {
      const rows = (run?.index ?? []).flatMap((t, j) => [
        { t: t + 1, y: run?.coupled[j] as number, series: 'coupled: −cᵀTᵗb' },
      ]);
      const dots = (run?.index ?? []).map((t, j) => ({
        t: t + 1,
        y: run?.diagonal[j] as number,
        series: 'diagonal: Σ α_i γ_iᵗ',
      }));
      return Plot.plot({
        title: 'Impulse response −h(t): coupled form (line) and multiscale form (dots)',
        width,
        height: 260,
        marginLeft: 60,
        x: { type: 'log', label: 'step t + 1 (log)' },
        y: { label: '−h(t)', grid: true },
        color: { legend: true, scheme: 'tableau10' },
        marks: [
          Plot.ruleY([0], { stroke: '#999' }),
          Plot.line(rows, { x: 't', y: 'y', stroke: 'series' }),
          Plot.dot(dots, { x: 't', y: 'y', stroke: 'series', r: 2 }),
        ],
      });
    },
    [run],
  );

  const entry = kind === 'custom' ? null : (CATALOG[kind] as Entry);
  const params = values[kind] ?? {};
  const negative = (run?.alpha ?? []).filter((a) => a < 0).length;
  const tau = (g: number) => (g >= 1 ? '∞' : g <= 0 ? '0' : fmt(-1 / Math.log(g), 3));
  const caption = built.error ? (
    <>
      This optimizer is not a multiscale optimizer: <span data-error>{built.error}</span>
    </>
  ) : (
    <>
      {kind === 'custom' ? 'Your T, b, c' : entry?.label} diagonalizes into {run?.alpha.length}{' '}
      subweights with retentions γ = ({run?.gamma.map((g) => fmt(g, 4)).join(', ')}), timescales τ =
      ({run?.gamma.map(tau).join(', ')}) steps and learning rates α = (
      {run?.alpha.map((a) => fmt(a, 3)).join(', ')}); {negative} of them negative. Their sum, the
      immediate step −h(0) = {fmt(run?.coupled[0] as number, 4)}; the coupled and diagonal impulse
      responses agree to{' '}
      {fmt(
        Math.max(...(run?.coupled ?? []).map((v, j) => Math.abs(v - (run?.diagonal[j] as number)))),
        2,
      )}{' '}
      over {run?.steps} steps.
    </>
  );
  const equivalent = run
    ? `multiscale({alpha: [${run.alpha.map((a) => fmt(a, 6)).join(', ')}], gamma: [${run.gamma.map((g) => fmt(g, 6)).join(', ')}]})`
    : '';

  return (
    <Figure
      name="linear-optimizers"
      description="A bar chart of the learning rates of the subweights of the chosen linear optimizer, colored by sign and labelled with their retentions, a log-time chart of its impulse response in coupled and diagonal form, and the code that builds it."
      caption={caption}
      data={{
        kind,
        params: kind === 'custom' ? { T: customT, b: customB, c: customC } : params,
        dynamics: built.dynamics,
        error: built.error,
        alpha: run?.alpha ?? null,
        gamma: run?.gamma ?? null,
        index: run?.index ?? null,
        coupled: run?.coupled ?? null,
        diagonal: run?.diagonal ?? null,
      }}
      controls={
        <>
          <Choice
            label="optimizer"
            name="optimizer"
            value={kind}
            onChange={setKind}
            options={[
              ...Object.entries(CATALOG).map(([value, e]) => ({
                value: value as Kind,
                label: e.label,
              })),
              { value: 'custom', label: 'your own T, b, c' },
            ]}
          />
          {entry?.params.map((p) => (
            <Slider
              key={`${kind}-${p.key}`}
              label={p.label}
              name={p.key}
              value={params[p.key] as number}
              min={p.min}
              max={p.max}
              step={p.step}
              {...(p.format ? { format: p.format } : {})}
              onChange={(v) => setValues({ ...values, [kind]: { ...params, [p.key]: v } })}
            />
          ))}
          {kind === 'custom'
            ? (
                [
                  ['T (rows separated by ;)', customT, setCustomT, 'T'],
                  ['b', customB, setCustomB, 'b'],
                  ['c', customC, setCustomC, 'c'],
                ] as const
              ).map(([label, value, set, name], j) => (
                <div className="control" key={name}>
                  <label htmlFor={ids[j]}>{label}</label>
                  <input
                    id={ids[j]}
                    type="text"
                    data-control={name}
                    value={value}
                    spellCheck={false}
                    onChange={(e) => set(e.currentTarget.value)}
                  />
                </div>
              ))
            : null}
        </>
      }
    >
      {run ? (
        <>
          <PlotBox
            name="rates"
            label="learning rates and retentions of the subweights"
            render={renderRates}
          />
          <PlotBox
            name="response"
            label="impulse response, coupled and diagonal"
            render={renderResponse}
          />
        </>
      ) : (
        <p className="status" role="alert">
          {built.error}
        </p>
      )}
      {built.code ? (
        <pre className="plot" data-plot="code" style={{ flexBasis: '100%' }}>
          <code>
            {`import { ${kind === 'custom' ? 'linearDynamicsOptimizer' : kind === 'nesterov' ? 'momentum' : kind}, multiscale } from 'multiscale-optimizer';\n\n`}
            {`// Build it with the library:\nconst optimizer = ${built.code};\n\n`}
            {`// The same optimizer as a multiscale optimizer (same w for every gradient sequence):\nconst same = ${equivalent};`}
          </code>
        </pre>
      ) : null}
    </Figure>
  );
}
