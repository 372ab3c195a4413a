// Progress of a long step, per host, as it goes: a line when a host starts and when it is done (with its elapsed
// time), and while any is still running, one line every `everyMs` with each running host's elapsed time.
import type { EngineEvent } from "@pulumi/pulumi/automation";

export class HostProgress {
  private readonly running = new Map<string, number>();
  private readonly finished: string[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly what: string,
    private readonly say: (line: string) => void,
    private readonly now: () => number = Date.now,
    private readonly everyMs = 10_000,
  ) {}

  private secs(host: string): string {
    return `${((this.now() - (this.running.get(host) ?? this.now())) / 1000).toFixed(1)} s`;
  }

  start(host: string): void {
    if (this.running.has(host)) return;
    this.running.set(host, this.now());
    this.say(`  ${host}: ${this.what}…`);
    if (!this.timer && this.everyMs > 0) {
      this.timer = setInterval(() => this.tick(), this.everyMs);
      this.timer.unref();
    }
  }

  done(host: string): void {
    if (!this.running.has(host)) return;
    this.say(`  ${host}: done in ${this.secs(host)}`);
    this.running.delete(host);
    this.finished.push(host);
    if (this.running.size === 0) this.stop();
  }

  /** The still-running hosts with their elapsed time, as one line. */
  tick(): void {
    if (this.running.size === 0) return;
    this.say(`  … still ${this.what}: ${[...this.running.keys()].map((h) => `${h} ${this.secs(h)}`).join(", ")}`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/**
 * What a step of an engine event converges: a HostConfig's host (`<prefix>-<host>-config`), or `<host> (prepare)` for
 * a HostPrepare (`<prefix>-<host>-prepare`); undefined for other resources.
 */
function hostConfigHost(urn: string | undefined, type: string | undefined): string | undefined {
  if (!urn) return undefined;
  if (type?.endsWith(":HostConfig")) return /-([^-:]+)-config$/.exec(urn)?.[1];
  if (type?.endsWith(":HostPrepare")) {
    const host = /-([^-:]+)-prepare$/.exec(urn)?.[1];
    return host && `${host} (prepare)`;
  }
  return undefined;
}

/** Feeds a HostProgress from the engine's events: a HostConfig step starting, and its outputs arriving (done). */
export function progressFromEngine(progress: HostProgress): (event: EngineEvent) => void {
  return (event) => {
    const pre = event.resourcePreEvent?.metadata;
    if (pre && pre.op !== "same") {
      const host = hostConfigHost(pre.urn, pre.type);
      if (host) progress.start(host);
    }
    const post = event.resOutputsEvent?.metadata;
    if (post) {
      const host = hostConfigHost(post.urn, post.type);
      if (host) progress.done(host);
    }
  };
}
