import {
  measuredSlope,
  powerLawWindow,
  predictedExponent,
  ratioChainDynamics,
} from '@site/src/experiments/diffusion';
import { lifetimeScaling } from '@site/src/experiments/lifetime';
import { useMemo } from 'react';
import { fmt } from './figure/Controls';

/** Capacity and tube ratios (q_C, q_G) of the exponent table: θ = ln q_C / ln(q_C/q_G). */
export const RATIOS = [
  [2, 0.5],
  [4, 0.25],
  [2, 0.25],
  [3, 0.5],
  [2, 1],
  [4, 1],
] as const;

/** Beakers enough for timescales spanning ~10⁷ steps (at most 16). */
function beakersOf(qC: number, qG: number): number {
  return Math.min(16, Math.ceil((7 * Math.LN10) / Math.log(qC / qG)));
}

/** Predicted and measured forgetting exponents of ratio chains, all from the library. */
export function exponentRows() {
  return RATIOS.map(([qC, qG]) => {
    const beakers = beakersOf(qC, qG);
    const d = ratioChainDynamics({ beakers, capacityRatio: qC, tubeRatio: qG });
    const window = powerLawWindow(d);
    const measured = window ? -measuredSlope(d, window).slope : Number.NaN;
    return { qC, qG, beakers, window, predicted: predictedExponent(qC, qG), measured };
  });
}

/**
 * The forgetting exponent of a chain with capacity ratio q_C and tube ratio q_G, predicted
 * (`predictedExponent`) and measured (least-squares log–log slope of the library's impulse
 * response over the chain's power-law window, `measuredSlope`), computed when the page renders.
 */
export function ExponentTable() {
  const rows = useMemo(exponentRows, []);
  return (
    <div className="table-scroll">
      <table data-live-table="exponents">
        <thead>
          <tr>
            <th>capacity ratio q_C</th>
            <th>tube ratio q_G</th>
            <th>timescale ratio q_C/q_G</th>
            <th>beakers m</th>
            <th>predicted θ = ln q_C / ln(q_C/q_G)</th>
            <th>measured θ (fit window)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.qC}-${r.qG}`} data-row={`${r.qC},${r.qG}`}>
              <td>{r.qC}</td>
              <td>{r.qG}</td>
              <td>{fmt(r.qC / r.qG)}</td>
              <td>{r.beakers}</td>
              <td data-predicted={r.predicted}>{fmt(r.predicted, 3)}</td>
              <td data-measured={r.measured}>
                {fmt(r.measured, 3)}
                {r.window ? ` (t = ${fmt(r.window.from, 2)} … ${fmt(r.window.to, 2)})` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Synapse counts of the lifetime table. */
export const LIFETIME_SIZES = [1e2, 1e3, 1e4, 1e5, 1e6];

/**
 * Lifetime and initial SNR against N for a Benna–Fusi chain (m grown with N), an exponential
 * synapse with fixed γ = 0.98 and one with γ tuned to N: the library's `lifetimeScaling`.
 */
export function LifetimeTable() {
  const rows = useMemo(() => lifetimeScaling({ sizes: LIFETIME_SIZES }), []);
  return (
    <div className="table-scroll">
      <table data-live-table="lifetime">
        <thead>
          <tr>
            <th>synapse</th>
            <th>N</th>
            <th>parameter (m or γ)</th>
            <th>initial SNR</th>
            <th>SNR / √N</th>
            <th>lifetime (steps)</th>
            <th>lifetime / N</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.model}-${r.N}`} data-model={r.model} data-n={r.N}>
              <td>{r.model}</td>
              <td>{fmt(r.N)}</td>
              <td>
                {r.model === 'Benna–Fusi' ? `m = ${r.parameter}` : `γ = ${fmt(r.parameter, 7)}`}
              </td>
              <td data-initial-snr={r.initialSnr}>{fmt(r.initialSnr, 3)}</td>
              <td>{fmt(r.initialSnr / Math.sqrt(r.N), 3)}</td>
              <td data-lifetime={r.lifetime}>{fmt(r.lifetime, 3)}</td>
              <td>{fmt(r.lifetime / r.N, 3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
