import useBaseUrl from '@docusaurus/useBaseUrl';
import * as Plot from '@observablehq/plot';
import { driftData, driftProblem } from '@site/src/experiments/drift';
import type { DriftLearner, Hyperparameters } from '@site/src/experiments/drift-learners';
import { lineChart } from '@site/src/plots/index';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { fmt, Slider } from './figure/Controls';
import { Figure } from './figure/Figure';
import { PlotBox } from './figure/PlotBox';
import { RunControls, SeedInput, startBackend, type TrainingStatus } from './figure/Training';

const REPLICAS = 4;
const DIM = 4;
/** Running MSE is an exponential average over about this many steps. */
const SMOOTHING = 200;
/** One point per this many steps. */
const EVERY = 25;

/**
 * Hyperparameters per learner: the winners of the benchmark's own grid search,
 * `runDrift({seed: 1, quick: true, steps: 2000, dim: 4, seeds: 2})` (cpu backend), so the race
 * starts at once with tuned settings. On that run the test MSE relative to the Kalman filter was
 * sgd 1.16, momentum 1.22, adam 1.37, fastWeights 1.08, bennaFusi 1.06, multiscale (derived) 1.07.
 */
const CHOSEN: Record<string, Hyperparameters> = {
  'tf.train.sgd': { lr: 0.03 },
  'tf.train.momentum': { lr: 0.01, beta: 0.5 },
  'tf.train.adam': { lr: 0.1, beta1: 0.9 },
  fastWeights: { slow: 0.01, fast: 0.1, decay: 0.9 },
  bennaFusi: { lr: 0.1, m: 6 },
  'multiscale (derived)': { gainScale: 1 },
};

/**
 * The racers: the exact Kalman filter (the floor), the learners with a chosen setting, and the
 * Bayesian multiscale optimizer (a mean-field Kalman filter per timescale, no tuning; on the
 * benchmark ≈ 1.01× the Kalman filter's MSE, see drift-bayesian.ts). The learners, and with them
 * TensorFlow.js, are imported only when a reader presses Start: a page that does not train stays
 * light on a phone (test/site/weight.spec.ts).
 */
async function racers(): Promise<{ learner: DriftLearner; hyper: Hyperparameters }[]> {
  const [{ defaultDriftLearners }, { bayesianDriftLearner }] = await Promise.all([
    import('@site/src/experiments/drift-learners'),
    import('@site/src/experiments/drift-bayesian'),
  ]);
  const list = defaultDriftLearners()
    .filter((l) => l.reference || CHOSEN[l.name])
    .map((learner) => ({
      learner,
      hyper: learner.reference ? {} : (CHOSEN[learner.name] as Hyperparameters),
    }));
  list.push({ learner: bayesianDriftLearner('Bayesian multiscale', 'exact'), hyper: {} });
  return list;
}

/** How many racers `racers()` returns: the tuned learners, the Kalman filter, Bayesian multiscale. */
const RACER_COUNT = Object.keys(CHOSEN).length + 2;

/** Points of the preview: the first replica's targets, and their 50-step moving average. */
const PREVIEW_POINTS = 400;
const PREVIEW_WINDOW = 50;

interface Curve {
  name: string;
  setting: string;
  points: { x: number; y: number }[];
  /** Mean squared error over all steps so far. */
  mse: number;
}

/** Live figure 5: optimizers racing on the 1/f-drift task, trained by TensorFlow.js in the page. */
export default function DriftRaceFigure() {
  const wasmBase = useBaseUrl('/tfjs-wasm/');
  const [seed, setSeed] = useState(1);
  const [steps, setSteps] = useState(2000);
  const [status, setStatus] = useState<TrainingStatus>('idle');
  const [backend, setBackend] = useState<string>('not started');
  const [done, setDone] = useState(0);
  const [curves, setCurves] = useState<Curve[]>([]);
  // The task for this seed, drawn before the race so the reader sees what is being learned.
  const data = useMemo(
    () => driftData(driftProblem({ dim: DIM, steps }), seed, REPLICAS),
    [seed, steps],
  );
  const firstTargets = useMemo(() => Array.from(data.y.subarray(0, 8)), [data]);
  const [error, setError] = useState('');
  const stop = useRef(false);
  const running = useRef(false);

  useEffect(
    () => () => {
      stop.current = true;
    },
    [],
  );

  const start = async () => {
    if (running.current) return;
    running.current = true;
    stop.current = false;
    setStatus('starting');
    setError('');
    try {
      const { tf, backend: name } = await startBackend(wasmBase);
      setBackend(name);
      const problem = driftProblem({ dim: DIM, steps });
      const list = await racers();
      const models = list.map((r) => r.learner.create(problem, r.hyper, REPLICAS));
      const live: Curve[] = list.map((r) => ({
        name: r.learner.name,
        setting: Object.entries(r.hyper)
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
        points: [],
        mse: 0,
      }));
      const smooth = new Float64Array(list.length);
      const sums = new Float64Array(list.length);
      setStatus('running');
      let t = 0;
      let lastDraw = 0;
      try {
        while (t < steps && !stop.current) {
          const frame = performance.now();
          while (t < steps && performance.now() - frame < 30) {
            const x = data.x.subarray(t * REPLICAS * DIM, (t + 1) * REPLICAS * DIM);
            const y = data.y.subarray(t * REPLICAS, (t + 1) * REPLICAS);
            models.forEach((model, i) => {
              const prediction = model.step(x, y);
              let se = 0;
              for (let r = 0; r < REPLICAS; r++)
                se += ((prediction[r] as number) - (y[r] as number)) ** 2;
              se /= REPLICAS;
              sums[i] = (sums[i] as number) + se;
              const a = t === 0 ? 1 : Math.max(1 / SMOOTHING, 1 / (t + 1));
              smooth[i] = (1 - a) * (smooth[i] as number) + a * se;
            });
            t++;
            if (t % EVERY === 0) {
              live.forEach((c, i) => {
                c.points.push({ x: t, y: smooth[i] as number });
                c.mse = (sums[i] as number) / t;
              });
            }
          }
          const now = performance.now();
          if (now - lastDraw > 300 || t >= steps) {
            lastDraw = now;
            setDone(t);
            setCurves(
              live.map((c) => ({
                ...c,
                points: [...c.points],
                mse: (sums[live.indexOf(c)] as number) / t,
              })),
            );
          }
          await tf.nextFrame(); // let the page breathe between chunks
        }
      } finally {
        for (const m of models) m.dispose();
      }
      setDone(t);
      setCurves(
        live.map((c, i) => ({
          ...c,
          points: [...c.points],
          mse: (sums[i] as number) / Math.max(1, t),
        })),
      );
      setStatus(t >= steps ? 'done' : 'stopped');
    } catch (e) {
      setError(String((e as Error)?.message ?? e));
      setStatus('failed');
    } finally {
      running.current = false;
    }
  };

  // A curve needs two points (one point per series makes Plot warn about its z channel).
  const raceRows = useMemo(
    () =>
      curves
        .filter((c) => c.points.length >= 2)
        .flatMap((c) => c.points.map((p) => ({ x: p.x, y: p.y, series: c.name }))),
    [curves],
  );
  const render = useCallback(
    (width: number) =>
      Plot.plot(
        lineChart(raceRows, {
          title: 'Running squared error (≈200-step average)',
          xLabel: 'step t',
          yLabel: 'squared error (log)',
          logY: true,
          xDomain: [0, steps],
          width,
          height: Math.min(380, Math.max(260, width * 0.6)),
        }),
      ),
    [raceRows, steps],
  );

  const preview = useMemo(() => {
    const y = Array.from({ length: steps }, (_, t) => data.y[t * REPLICAS] as number);
    const every = Math.max(1, Math.floor(steps / PREVIEW_POINTS));
    const rows: { x: number; y: number; series: string }[] = [];
    let sum = 0;
    for (let t = 0; t < steps; t++) {
      sum += y[t] as number;
      if (t >= PREVIEW_WINDOW) sum -= y[t - PREVIEW_WINDOW] as number;
      if (t % every === 0 || t === steps - 1) {
        rows.push({ x: t + 1, y: y[t] as number, series: 'target y(t)' });
        if (t >= PREVIEW_WINDOW - 1) {
          rows.push({
            x: t + 1,
            y: sum / PREVIEW_WINDOW,
            series: `${PREVIEW_WINDOW}-step average`,
          });
        }
      }
    }
    return rows;
  }, [data, steps]);
  const renderPreview = useCallback(
    (width: number) =>
      Plot.plot(
        lineChart(preview, {
          title: `The task for seed ${seed}: targets of replica 1`,
          xLabel: 'step t',
          yLabel: 'target y(t)',
          xDomain: [0, steps],
          width,
          height: 220,
        }),
      ),
    [preview, seed, steps],
  );

  const ranked = [...curves].sort((a, b) => a.mse - b.mse);
  const kalman = curves.find((c) => c.name.startsWith('Kalman'));
  const caption =
    curves.length === 0 ? (
      <>
        The targets above drift with a 1/f spectrum (seed {seed}; the first is y(1) ={' '}
        {fmt(firstTargets[0] as number, 4)}). Press Start to train {RACER_COUNT} learners on {steps}{' '}
        steps of it (d = {DIM}, {REPLICAS} replicas), including the exact Kalman filter and the
        Bayesian multiscale optimizer, with TensorFlow.js in this page.
      </>
    ) : (
      <>
        {status === 'running' ? 'Running' : status === 'done' ? 'Finished' : 'Stopped'} on the{' '}
        <strong>{backend}</strong> backend after {done} of {steps} steps (seed {seed}). Mean squared
        error so far:{' '}
        {ranked
          .map(
            (c) =>
              `${c.name} ${fmt(c.mse)}${kalman && c !== kalman ? ` (${fmt(c.mse / kalman.mse, 3)}× Kalman)` : ''}`,
          )
          .join('; ')}
        . Settings:{' '}
        {curves
          .filter((c) => c.setting)
          .map((c) => `${c.name}: ${c.setting}`)
          .join('; ')}
        .
      </>
    );

  return (
    <Figure
      name="drift-race"
      description="A line chart of the drifting targets for the chosen seed, and, once started, a line chart of the running squared prediction error of several optimizers, the Bayesian multiscale optimizer and the exact Kalman filter, learning a linear model whose weights drift with a 1/f spectrum, trained live in the browser."
      caption={caption}
      data={{
        seed,
        steps,
        replicas: REPLICAS,
        dim: DIM,
        status,
        backend,
        done,
        firstTargets,
        preview: { window: PREVIEW_WINDOW, rows: preview },
        learners: curves.map((c) => ({ name: c.name, setting: c.setting, mse: c.mse })),
      }}
      controls={
        <>
          <SeedInput seed={seed} status={status} onChange={setSeed} />
          <Slider
            label="steps"
            name="steps"
            value={steps}
            min={250}
            max={10000}
            step={250}
            onChange={setSteps}
          />
          <RunControls
            status={status}
            backend={backend}
            error={error}
            onStart={start}
            onStop={() => {
              stop.current = true;
            }}
          />
        </>
      }
    >
      <PlotBox
        name="drift-preview"
        label="the drifting targets of the chosen seed"
        render={renderPreview}
      />
      {raceRows.length > 0 ? (
        <PlotBox name="drift-race" label="running squared error per learner" render={render} />
      ) : null}
    </Figure>
  );
}
