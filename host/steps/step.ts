// A step compares desired state with facts and returns only the commands needed (none when converged).
export interface StepResult {
  /** Shell lines, run in order under `set -e`. */
  commands: string[];
  /** One line per change, for logs and previews. */
  changes: string[];
}

export const NOTHING: StepResult = { commands: [], changes: [] };

export function merge(...results: StepResult[]): StepResult {
  return { commands: results.flatMap((r) => r.commands), changes: results.flatMap((r) => r.changes) };
}
