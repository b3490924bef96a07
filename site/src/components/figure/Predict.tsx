import type { ReactNode } from 'react';

/** Props of a `Predict` prompt. */
export interface PredictProps {
  /** The question, asked before the reader touches the figure. */
  question: ReactNode;
  /** The answer, hidden until the reader opens it. */
  children: ReactNode;
}

/**
 * "Predict, then reveal": a question shown beside a figure, with its answer behind a
 * `<details>` the reader opens after committing to a guess (then moves the controls to check).
 */
export function Predict({ question, children }: PredictProps) {
  return (
    <details className="predict" data-predict>
      <summary>
        <strong>Predict, then reveal.</strong> {question}
      </summary>
      <div className="predict-answer">{children}</div>
    </details>
  );
}
