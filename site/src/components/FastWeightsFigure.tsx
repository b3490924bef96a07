import useBaseUrl from '@docusaurus/useBaseUrl';
import * as Plot from '@observablehq/plot';
import type { SavingsLearnerResult, SavingsResult } from '@site/src/experiments/savings';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { fmt, Slider } from './figure/Controls';
import { Figure } from './figure/Figure';
import { PlotBox } from './figure/PlotBox';
import { RunControls, SeedInput, startBackend, type TrainingStatus } from './figure/Training';

/** α_s of the fast-weights learner; SGD runs with η = α_s + α_f. */
const SLOW_LEARNING_RATE = 0.05;

const average = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** A's mean error at the end of first learning, of B and (with a rest) of the rest. */
const errorsText = (l: SavingsLearnerResult, rest: number) =>
  [l.errorAfterLearning, l.errorAfterInterference, ...(rest > 0 ? [l.errorAfterRest] : [])]
    .map((xs) => fmt(average(xs), 3))
    .join(' → ');

const interval = (i: { mean: number; lo: number; hi: number }) =>
  `${fmt(i.mean, 3)} (95% CI ${fmt(i.lo, 3)} to ${fmt(i.hi, 3)})`;

/**
 * Live figure: Hinton & Plaut's (1987) interference and savings. Small tanh networks learn random
 * associations A, then B, then A again, once with `tf.train.sgd` and once with `fastWeights`
 * (same seeds, same starting weights); the chart shows A's error (mean over replicas with a 95%
 * band) and the caption the savings of each learner and the paired test. TensorFlow.js and the
 * experiment load only when the reader presses Start.
 */
export default function FastWeightsFigure() {
  const wasmBase = useBaseUrl('/tfjs-wasm/');
  const [seed, setSeed] = useState(1);
  const [fastRetention, setFastRetention] = useState(0.9);
  const [fastLearningRate, setFastLearningRate] = useState(0.25);
  const [replicas, setReplicas] = useState(8);
  const [restSteps, setRestSteps] = useState(0);
  const [status, setStatus] = useState<TrainingStatus>('idle');
  const [backend, setBackend] = useState('not started');
  const [error, setError] = useState('');
  const [result, setResult] = useState<SavingsResult | null>(null);
  const running = useRef(false);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  const start = async () => {
    if (running.current) return;
    running.current = true;
    setStatus('starting');
    setError('');
    try {
      const { tf, backend: name } = await startBackend(wasmBase);
      setBackend(name);
      const { runSavings } = await import('@site/src/experiments/savings');
      setStatus('running');
      await tf.nextFrame(); // show "running" before the synchronous run
      const r = runSavings({
        seed,
        replicas,
        slowLearningRate: SLOW_LEARNING_RATE,
        fastLearningRate,
        fastRetention,
        restSteps,
      });
      if (!alive.current) return;
      setResult(r);
      setStatus('done');
    } catch (e) {
      setError(String((e as Error)?.message ?? e));
      setStatus('failed');
    } finally {
      running.current = false;
    }
  };

  const render = useCallback(
    (width: number) => {
      const height = Math.min(380, Math.max(260, width * 0.6));
      if (!result) {
        return Plot.plot({
          width,
          height,
          x: { label: 'update', domain: [0, 110] },
          y: { label: 'error on A', domain: [0, 1.5] },
          marks: [Plot.text(['press Start'], { frameAnchor: 'middle' }), Plot.frame()],
        });
      }
      const s = result.settings;
      const rows = result.curves.map((c) => ({
        step: c.step,
        mean: c.mean,
        lo: c.lo,
        hi: c.hi,
        learner: c.learner,
      }));
      const bEnd = s.learnSteps + s.interferenceSteps;
      const bounds =
        s.restSteps > 0 ? [s.learnSteps, bEnd, bEnd + s.restSteps] : [s.learnSteps, bEnd];
      return Plot.plot({
        width,
        height,
        title: 'Error on the A associations',
        subtitle: `learn A (${s.learnSteps} updates), learn B (${s.interferenceSteps}), ${s.restSteps > 0 ? `rest (${s.restSteps}), ` : ''}relearn A (${s.relearnSteps}); mean of ${s.replicas} networks with 95% band`,
        x: { label: 'update' },
        y: { label: 'mean squared error on A', grid: true },
        color: { legend: true },
        marks: [
          Plot.ruleX(bounds, { stroke: '#999', strokeDasharray: '4,3' }),
          Plot.areaY(rows, {
            x: 'step',
            y1: 'lo',
            y2: 'hi',
            fill: 'learner',
            fillOpacity: 0.2,
          }),
          Plot.line(rows, { x: 'step', y: 'mean', stroke: 'learner', strokeWidth: 1.8 }),
        ],
      });
    },
    [result],
  );

  const stale =
    result !== null &&
    (result.settings.seed !== seed ||
      result.settings.replicas !== replicas ||
      result.settings.fastLearningRate !== fastLearningRate ||
      result.settings.fastRetention !== fastRetention ||
      result.settings.restSteps !== restSteps);
  let caption: ReactNode;
  if (!result) {
    caption = (
      <>
        Press Start to train {replicas} pairs of small networks (20 random ±1 associations, 20→20
        tanh→20) in this page: each learns A, then B, then A again, once with{' '}
        <code>tf.train.sgd</code> (η = α_s + α_f = {fmt(SLOW_LEARNING_RATE + fastLearningRate, 3)})
        and once with <code>fastWeights</code> (α_s = {SLOW_LEARNING_RATE}, α_f = {fastLearningRate}
        , γ_f = {fastRetention}), from the same weights on the same tasks.
      </>
    );
  } else {
    const [sgd, fast] = result.learners;
    const c = result.comparison;
    const s = result.settings;
    caption = (
      <span data-caption="savings">
        {stale ? 'Settings changed since this run; press Start again. ' : ''}
        Seed {s.seed}, {s.replicas} networks per learner, on the <strong>{backend}</strong> backend.
        Savings (1 − error over the first {s.savingsWindow} relearning updates / error over the
        first {s.savingsWindow} learning updates): <code>tf.train.sgd</code>{' '}
        <span data-savings="tf.train.sgd">{interval(sgd.interval)}</span>; <code>fastWeights</code>{' '}
        (γ_f = {s.fastRetention}, α_f = {s.fastLearningRate}){' '}
        <span data-savings="fastWeights">{interval(fast.interval)}</span>. A's error (mean) after
        first learning, after B{s.restSteps > 0 ? `, after ${s.restSteps} rest steps` : ''}: SGD{' '}
        {errorsText(sgd, s.restSteps)}; fast weights {errorsText(fast, s.restSteps)}. Paired
        difference fastWeights − SGD: <span data-difference>{interval(c)}</span>, p = {fmt(c.p, 2)}:{' '}
        <strong data-verdict>{result.verdict}</strong>
        {result.verdict === 'significant'
          ? c.mean > 0
            ? ' (fast weights save more).'
            : ' (fast weights save less).'
          : ' (the interval covers 0).'}
      </span>
    );
  }

  return (
    <Figure
      name="fast-weights"
      description="Line chart of the error on the first set of associations while small networks learn it, then learn a second set, then relearn the first, for SGD and for fast weights, with 95% bands over networks."
      caption={caption}
      data={{
        seed,
        replicas,
        fastRetention,
        fastLearningRate,
        restSteps,
        slowLearningRate: SLOW_LEARNING_RATE,
        status,
        backend,
        result: result
          ? {
              settings: result.settings,
              savings: result.learners.map((l) => ({
                name: l.name,
                errorAfterInterference: average(l.errorAfterInterference),
                errorAfterRest: average(l.errorAfterRest),
                mean: l.interval.mean,
                lo: l.interval.lo,
                hi: l.interval.hi,
              })),
              comparison: result.comparison,
              verdict: result.verdict,
            }
          : null,
      }}
      controls={
        <>
          <SeedInput seed={seed} status={status} onChange={setSeed} />
          <Slider
            label="fast retention γ_f"
            name="fast-retention"
            value={fastRetention}
            min={0}
            max={0.99}
            step={0.01}
            onChange={setFastRetention}
          />
          <Slider
            label="fast learning rate α_f"
            name="fast-learning-rate"
            value={fastLearningRate}
            min={0.05}
            max={0.5}
            step={0.05}
            onChange={setFastLearningRate}
          />
          <Slider
            label="replicas (networks per learner)"
            name="replicas"
            value={replicas}
            min={2}
            max={16}
            step={1}
            onChange={setReplicas}
          />
          <Slider
            label="rest steps between B and relearning"
            name="rest-steps"
            value={restSteps}
            min={0}
            max={40}
            step={5}
            onChange={setRestSteps}
          />
          <RunControls
            status={status}
            backend={backend}
            error={error}
            onStart={start}
            onStop={() => undefined}
          />
        </>
      }
    >
      <PlotBox name="error-on-a" label="error on A for SGD and fast weights" render={render} />
    </Figure>
  );
}
