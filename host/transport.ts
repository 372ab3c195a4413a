// What the planner's commands run on: a shell on one host (SSH in production, anything in tests).
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Transport {
  readonly host: string;
  /** Runs a POSIX shell script (sent on stdin, never on the command line), as root (via `sudo -n` when needed). */
  run(script: string, options?: { timeoutMs?: number }): Promise<RunResult>;
  close(): void;
}
