import { useId } from 'react';

/** The TensorFlow.js module, as imported on demand. */
export type Tf = typeof import('@tensorflow/tfjs');

/** Where a training figure is: before Start, starting the backend, training, or finished. */
export type TrainingStatus = 'idle' | 'starting' | 'running' | 'stopped' | 'done' | 'failed';

/**
 * Imports TensorFlow.js (only now: figures call this when the reader presses Start, so no page
 * loads tfjs before that) and picks the fastest backend that works here: WebGL, then WASM (its
 * binaries under `wasmBase`), then plain JavaScript.
 */
export async function startBackend(wasmBase: string): Promise<{ tf: Tf; backend: string }> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmBase);
  tf.enableProdMode();
  for (const name of ['webgl', 'wasm', 'cpu']) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return { tf, backend: tf.getBackend() };
      }
    } catch {
      // try the next backend
    }
  }
  throw new Error('no TensorFlow.js backend could start');
}

const busy = (status: TrainingStatus) => status === 'running' || status === 'starting';

/** The seed of a training figure (`data-control="seed"`), locked while it trains. */
export function SeedInput({
  seed,
  status,
  onChange,
}: {
  seed: number;
  status: TrainingStatus;
  onChange: (seed: number) => void;
}) {
  const id = useId();
  return (
    <div className="control">
      <label htmlFor={id}>seed</label>
      <input
        id={id}
        type="number"
        data-control="seed"
        min={1}
        max={999999}
        step={1}
        value={seed}
        disabled={busy(status)}
        onChange={(e) => onChange(Math.max(1, Math.floor(Number(e.currentTarget.value) || 1)))}
      />
    </div>
  );
}

/** Start and Stop buttons and the status line (`data-status`, `data-backend`) of a training figure. */
export function RunControls({
  status,
  backend,
  error,
  onStart,
  onStop,
}: {
  status: TrainingStatus;
  backend: string;
  error: string;
  onStart: () => void;
  onStop: () => void;
}) {
  return (
    <>
      <div className="control-inline">
        <button type="button" data-control="start" onClick={onStart} disabled={busy(status)}>
          Start
        </button>
        <button type="button" data-control="stop" onClick={onStop} disabled={status !== 'running'}>
          Stop
        </button>
      </div>
      <p className="status" data-backend={backend} data-status={status} aria-live="polite">
        backend: {backend} · {status}
        {error ? ` · ${error}` : ''}
      </p>
    </>
  );
}
