// ssh2 transport: verified host keys, key/agent/password auth, bastion, sudo -n, deadlines, retry, one connection per host.
import type { Client, ConnectConfig } from "ssh2";
import { HostError } from "./errors";
import { HostKeyPolicy, HostKeyVerdict, verifyHostKey } from "./host-keys";
import { currentPhase, traced } from "./trace";
import type { RunResult, Transport } from "./transport";

export interface SshTarget {
  /** Host name used in messages (the config's `hosts[].name`). */
  name: string;
  address: string;
  port: number;
  user: string;
  privateKey?: string;
  password?: string;
  agent?: string;
  hostKeys: HostKeyPolicy;
  /** Where to pin the key, named in the error message. */
  pinHint?: string;
  bastion?: Omit<SshTarget, "bastion" | "connectTimeoutMs" | "commandTimeoutMs" | "retries" | "onRetry">;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  retries: number;
  /** Called before each reconnect attempt after a retryable failure (for logs and tests). */
  onRetry?: (attempt: number, delayMs: number, error: HostError) => void;
}

const RETRYABLE = new Set(["ECONNREFUSED", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET", "EAI_AGAIN"]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function hostKeyMessage(t: Pick<SshTarget, "name" | "address" | "port" | "pinHint">, v: Extract<HostKeyVerdict, { ok: false }>): string {
  const where = `${t.address}:${t.port}`;
  if (v.reason === "changed")
    return `the SSH host key of ${where} CHANGED: it presented ${v.keyType} ${v.fingerprint}, which matches neither the pinned fingerprint nor known_hosts. This can be an attack. If the host was really reinstalled, verify the new key out of band and update ${t.pinHint ?? "the pin"}.`;
  return `unknown SSH host key for ${where}: ${v.keyType} ${v.fingerprint}. Verify it out of band (e.g. on the console: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then pin it with ${t.pinHint ?? "a hostKey fingerprint"}: "${v.fingerprint}", or add it to your known_hosts file. Trust on first use is available only as an explicit opt-in (ssh.trustOnFirstUse).`;
}

function connectOnce(target: SshTarget, sock?: NodeJS.ReadableStream): Promise<Client> {
  // Loaded on the first connect: code paths that never connect (validate, render, preview diffs) skip ssh2.
  const { Client: SshClient } = require("ssh2") as typeof import("ssh2");
  return new Promise((resolve, reject) => {
    const client = new SshClient();
    let verdict: HostKeyVerdict | undefined;
    const config: ConnectConfig = {
      host: target.address,
      port: target.port,
      username: target.user,
      readyTimeout: target.connectTimeoutMs,
      keepaliveInterval: 15000,
      hostVerifier: (key: Buffer) => {
        verdict = verifyHostKey(key, target.address, target.port, target.hostKeys);
        return verdict.ok;
      },
    };
    if (sock) config.sock = sock as ConnectConfig["sock"];
    if (target.privateKey) config.privateKey = target.privateKey;
    if (target.password) config.password = target.password;
    if (target.agent) config.agent = target.agent;
    client.once("ready", () => {
      // Errors after the handshake (connection reset, keepalive timeout) end in "close"; never crash the process.
      client.on("error", () => undefined);
      resolve(client);
    });
    client.once("error", (err: Error & { code?: string; level?: string }) => {
      client.end();
      if (verdict && !verdict.ok) return reject(new HostError(target.name, hostKeyMessage(target, verdict)));
      if (err.level === "client-authentication")
        return reject(new HostError(target.name, `SSH authentication as ${target.user} failed at ${target.address}:${target.port}: check the key/password/agent configured in pulumi-lvs:cluster.ssh (the server accepted none of them)`));
      const code = err.code ?? (/Timed out/i.test(err.message) ? "ETIMEDOUT" : undefined);
      reject(new HostError(target.name, `cannot connect to ${target.address}:${target.port}: ${err.message}`, code !== undefined && RETRYABLE.has(code)));
    });
    client.connect(config);
  });
}

async function connectVia(target: SshTarget): Promise<{ client: Client; jump?: Client }> {
  if (!target.bastion) return { client: await connectOnce(target) };
  const b = target.bastion;
  const jump = await connectOnce({ ...b, connectTimeoutMs: target.connectTimeoutMs, commandTimeoutMs: target.commandTimeoutMs, retries: 0 });
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    jump.forwardOut("127.0.0.1", 0, target.address, target.port, (err, ch) => (err ? reject(new HostError(target.name, `bastion ${b.address} cannot reach ${target.address}:${target.port}: ${err.message}`, true)) : resolve(ch))),
  );
  try {
    return { client: await connectOnce(target, stream), jump };
  } catch (e) {
    jump.end();
    throw e;
  }
}

/** Connects with exponential backoff on network errors; authentication and host key errors fail at once. */
export async function connectWithRetry(target: SshTarget): Promise<{ client: Client; jump?: Client }> {
  let delay = 500;
  for (let attempt = 0; ; attempt++) {
    try {
      return await connectVia(target);
    } catch (e) {
      if (!(e instanceof HostError) || !e.retryable) throw e;
      if (attempt >= target.retries)
        throw attempt === 0 ? e : new HostError(target.name, `${e.message.replace(/^host \S+: /, "")} (gave up after ${attempt + 1} attempts)`, true);
      const wait = delay + Math.floor(Math.random() * 250);
      target.onRetry?.(attempt + 1, wait, e);
      await sleep(wait);
      delay = Math.min(delay * 2, 8000);
    }
  }
}

export class SshTransport implements Transport {
  private queue: Promise<unknown> = Promise.resolve();
  /** True once the connection is gone (closed by us, or the host rebooted / the network dropped it). */
  closed = false;
  private constructor(
    readonly host: string,
    private readonly client: Client,
    private readonly jump: Client | undefined,
    private readonly sudo: boolean,
    private readonly commandTimeoutMs: number,
  ) {}

  static async open(target: SshTarget): Promise<SshTransport> {
    const { client, jump } = await traced((start, end) => ({ t: "connect", host: target.name, start, end }), () => connectWithRetry(target));
    const transport = new SshTransport(target.name, client, jump, target.user !== "root", target.commandTimeoutMs);
    client.once("close", () => {
      transport.closed = true;
      jump?.end();
    });
    if (transport.sudo) {
      const probe = await transport.exec("sudo -n true", "", 30000);
      if (probe.code !== 0) {
        transport.close();
        throw new HostError(target.name, `user ${target.user} cannot run sudo without a password (sudo -n true: ${probe.stderr.trim() || `exit ${probe.code}`}); grant it NOPASSWD in sudoers or connect as root`);
      }
    }
    return transport;
  }

  /**
   * Commands on one host run one at a time, in order. The script is one brace group read from stdin: the shell
   * parses all of it before running anything, and its commands get /dev/null as stdin, so none of them (apt, dpkg)
   * can swallow the rest of the script.
   */
  run(script: string, options: { timeoutMs?: number } = {}): Promise<RunResult> {
    const command = this.sudo ? "sudo -n sh -s" : "sh -s";
    const wrapped = `{\n${script}\n} </dev/null\n`;
    const phase = currentPhase();
    const timeoutMs = options.timeoutMs ?? this.commandTimeoutMs;
    const next = this.queue.then(() => traced((start, end) => ({ t: "run", host: this.host, phase, start, end }), () => this.exec(command, wrapped, timeoutMs)));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private exec(command: string, stdin: string, timeoutMs: number): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new HostError(this.host, "the SSH connection is closed (host rebooted or network lost); reconnect and retry", true));
      this.client.exec(command, (err, stream) => {
        if (err) return reject(new HostError(this.host, `cannot start a command: ${err.message}`, true));
        let stdout = "";
        let stderr = "";
        const timer = setTimeout(() => {
          stream.close();
          reject(new HostError(this.host, `command timed out after ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        stream.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
        stream.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
        stream.on("close", (code: number | null) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
        stream.end(stdin);
      });
    });
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.client.once("close", listener);
  }

  close(): void {
    this.closed = true;
    this.client.end();
    this.jump?.end();
  }
}

type Pool = Map<string, Promise<SshTransport>>;

/** One connection per host per process, shared by every resource that touches the host. */
export function pooledTransport(target: SshTarget): Promise<SshTransport> {
  const g = globalThis as { __pulumiLvsSshPool?: Pool };
  const pool = (g.__pulumiLvsSshPool ??= new Map());
  const key = `${target.user}@${target.address}:${target.port}`;
  const cached = pool.get(key);
  if (cached)
    return cached.then((t: SshTransport) => {
      if (!t.closed) return t;
      if (pool.get(key) === cached) pool.delete(key);
      return pooledTransport(target);
    });
  const entry = SshTransport.open(target);
  pool.set(key, entry);
  const forget = () => {
    if (pool.get(key) === entry) pool.delete(key);
  };
  // A failed connect, or a connection that later closes (host rebooted), is dropped so the next call reconnects.
  entry.then((t) => t.onClose(forget), forget);
  return entry;
}

export function closePool(): void {
  const g = globalThis as { __pulumiLvsSshPool?: Pool };
  for (const entry of g.__pulumiLvsSshPool?.values() ?? []) entry.then((t) => t.close()).catch(() => undefined);
  g.__pulumiLvsSshPool?.clear();
}
