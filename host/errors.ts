// Errors that say which host, what failed and what to do; they never carry scripts (which may hold secrets).
export class HostError extends Error {
  constructor(
    readonly host: string,
    message: string,
    readonly retryable = false,
  ) {
    super(`host ${host}: ${message}`);
    this.name = "HostError";
  }
}

export class CommandError extends HostError {
  constructor(
    host: string,
    readonly step: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(host, `${step} failed (exit ${exitCode ?? "signal"})${stderr.trim() ? `:\n${stderr.trim().split("\n").slice(-20).join("\n")}` : ""}`);
    this.name = "CommandError";
  }
}
