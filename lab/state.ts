// Typed loader for the lab's machine-readable state (run/lab.json, written by `lab.sh up`).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type LabRole = 'director' | 'realserver' | 'client';

export interface LabUser {
  name: string;
  /** root: is root; nopasswd: sudo without password; password: sudo asks for `password`. */
  sudo: 'root' | 'nopasswd' | 'password';
  password?: string;
}

export interface LabHost {
  name: string;
  roles: LabRole[];
  address: string;
  /** The host's address on the lab's IPv6 segment (topologies with `subnet6`). */
  address6?: string;
  mac: string;
  /** Interface name inside the guest (deterministic: net.ifnames=0). */
  interface: string;
  sshPort: number;
  users: LabUser[];
  memoryMiB: number;
  /** qemu PID on the lab host (0 if it never started). */
  pid: number;
  console: string;
  overlay: string;
  qmp: string;
}

export interface LabState {
  version: 1;
  topology: string;
  topologyFile: string;
  subnet: string;
  prefixLength: number;
  /** Address of the lab host itself on the lab segment (veth `hostInterface`). */
  hostAddress: string;
  /** The lab's IPv6 segment (a ULA /64, no route out) and the lab host's address on it, when the topology has one. */
  subnet6?: string;
  hostAddress6?: string;
  hostInterface: string;
  netns: string;
  bridge: string;
  image: string;
  kernelVersion: string;
  accel: string;
  privateKey: string;
  publicKey: string;
  knownHosts: string;
  startedAt: string;
  bootSeconds: number;
  hosts: Record<string, LabHost>;
}

/** $PULUMI_LVS_LAB_HOME or ~/.cache/pulumi-lvs-lab */
export function labHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.PULUMI_LVS_LAB_HOME || path.join(env.HOME || os.homedir(), '.cache', 'pulumi-lvs-lab');
}

export function labStatePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(labHome(env), 'run', 'lab.json');
}

function need(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(`lab.json: ${msg}`);
}

/** Parses and checks a lab.json document. Throws with a precise message when malformed. */
export function parseLabState(text: string): LabState {
  const s = JSON.parse(text) as LabState;
  need(s && typeof s === 'object', 'not an object');
  need(s.version === 1, `unsupported version ${String((s as { version?: unknown }).version)}`);
  for (const k of ['topology', 'subnet', 'hostAddress', 'privateKey', 'knownHosts'] as const) {
    need(typeof s[k] === 'string' && s[k].length > 0, `missing ${k}`);
  }
  need(s.hosts && typeof s.hosts === 'object', 'missing hosts');
  for (const [name, h] of Object.entries(s.hosts)) {
    need(h.name === name, `host ${name}: name mismatch`);
    need(typeof h.address === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(h.address), `host ${name}: bad address`);
    need(Array.isArray(h.roles) && h.roles.length > 0, `host ${name}: no roles`);
    need(Array.isArray(h.users) && h.users.length > 0, `host ${name}: no users`);
    need(Number.isInteger(h.sshPort), `host ${name}: bad sshPort`);
  }
  return s;
}

/** Loads run/lab.json (default location unless `file` is given). */
export function loadLabState(file: string = labStatePath()): LabState {
  return parseLabState(fs.readFileSync(file, 'utf8'));
}

/** Like loadLabState but returns undefined when the lab is down (no lab.json). */
export function tryLoadLabState(file: string = labStatePath()): LabState | undefined {
  if (!fs.existsSync(file)) return undefined;
  return loadLabState(file);
}

export function hostsWithRole(state: LabState, role: LabRole): LabHost[] {
  return Object.values(state.hosts).filter((h) => h.roles.includes(role));
}

/** True if the host's recorded qemu process is alive and really is that host's qemu. */
/** The host's qemu PID now: `lab.sh start` rewrites the pid file beside the disk, lab.json keeps the first one. */
export function currentPid(host: LabHost): number {
  try {
    return Number(fs.readFileSync(path.join(path.dirname(host.overlay), 'qemu.pid'), 'utf8').trim()) || host.pid;
  } catch {
    return host.pid;
  }
}

export function hostProcessAlive(host: LabHost): boolean {
  const pid = currentPid(host);
  if (!pid) return false;
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const i = cmd.indexOf('-name');
    return cmd.some((a) => a.includes('qemu-system')) && i >= 0 && cmd[i + 1] === `pulumi-lvs-lab-${host.name}`;
  } catch {
    return false;
  }
}

/** OpenSSH client arguments (before the destination) with host key verification ON. */
export function sshOptions(state: LabState, extra: string[] = []): string[] {
  return [
    '-F', '/dev/null',
    '-i', state.privateKey,
    '-o', 'IdentitiesOnly=yes',
    '-o', `UserKnownHostsFile=${state.knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=10',
    '-o', 'LogLevel=ERROR',
    ...extra,
  ];
}
