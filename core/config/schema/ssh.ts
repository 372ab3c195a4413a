// `ssh` (cluster-wide) and `hosts[].ssh` (per-host overrides): how pulumi-lvs reaches a host.
import { hostKey, port, secretRef } from "./common";

export const sshSettings = {
  user: { type: "string", description: "SSH login user; non-root users need passwordless sudo (checked with `sudo -n true` first)." },
  port: { ...port, description: "SSH port." },
  privateKey: { ...secretRef, description: "SSH private key (PEM/OpenSSH text) as a secret config reference." },
  privateKeyFile: { type: "string", description: "Path to an SSH private key file on the machine running pulumi." },
  password: { ...secretRef, description: "SSH password as a secret config reference." },
  agent: { type: "boolean", description: "Authenticate through the ssh-agent at $SSH_AUTH_SOCK." },
  knownHostsFile: { type: "string", description: "known_hosts file used to verify host keys (OpenSSH format)." },
  trustOnFirstUse: {
    type: "boolean",
    description: "Accept and record an unknown host key on first contact. Off by default: unknown keys are refused.",
  },
  connectTimeoutSeconds: { type: "integer", minimum: 1, maximum: 600, description: "Deadline for one SSH connect attempt." },
  commandTimeoutSeconds: { type: "integer", minimum: 1, maximum: 3600, description: "Deadline for one batch of commands." },
  bastion: {
    type: "object",
    description: "Jump host the connection goes through.",
    properties: {
      address: { type: "string", description: "Bastion address or DNS name." },
      port: { ...port, default: 22, description: "Bastion SSH port." },
      user: { type: "string", description: "Bastion login user (defaults to the host's user)." },
      hostKey: { ...hostKey, description: "Pinned bastion host key fingerprint." },
    },
    required: ["address"],
    additionalProperties: false,
  },
} as const;

/** The cluster-wide block: the same settings with their defaults. */
export const ssh = {
  type: "object",
  description: "SSH settings shared by every host (each host may override them).",
  properties: {
    ...sshSettings,
    user: { ...sshSettings.user, default: "root" },
    port: { ...sshSettings.port, default: 22 },
    trustOnFirstUse: { ...sshSettings.trustOnFirstUse, default: false },
    connectTimeoutSeconds: { ...sshSettings.connectTimeoutSeconds, default: 20 },
    commandTimeoutSeconds: { ...sshSettings.commandTimeoutSeconds, default: 300 },
  },
  additionalProperties: false,
  default: {},
} as const;

/** `hosts[].ssh`: overrides without defaults, so an unset key falls back to the cluster's. */
export const sshOverrides = { type: "object", properties: sshSettings, additionalProperties: false, description: "Per-host SSH overrides." } as const;
