/** Names of the experiments, in `all` order (kept apart so the CLI can check input cheaply). */
export const experimentNames = [
  'forgetting',
  'lifetime',
  'drift',
  'task-switching',
  'digits',
  'series',
] as const;

/** One experiment's name. */
export type ExperimentName = (typeof experimentNames)[number];
