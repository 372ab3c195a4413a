// A command keepalived runs on an event (notify_master/backup/fault/stop of a VRRP group, quorum_up/down of a
// service): either a command line already on the host, or a script pulumi-lvs installs and runs.

export const hook = {
  type: "object",
  description:
    "What keepalived runs on the event, as keepalived_script (script security on): either `script`, a command line already on the host, or `content`, a script pulumi-lvs installs root-owned with mode 0755 under /etc/keepalived and runs with the event as its arguments. Exactly one of the two.",
  properties: {
    script: { type: "string", pattern: '^[^"\\n]+$', description: "Command line run as keepalived_script (no double quotes); keepalived runs its words, no shell." },
    content: {
      type: "string",
      description:
        "Script text pulumi-lvs installs (root:root 0755; removed on destroy). Must start with a `#!/…` interpreter line; a `# Managed by pulumi-lvs` line is inserted after it, so the interpreter must read `#` as a comment. Called with the state (MASTER, BACKUP, FAULT, STOP; UP, DOWN for quorum hooks) and the group or service name.",
    },
  },
  additionalProperties: false,
} as const;
