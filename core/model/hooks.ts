// Event hooks (VRRP notify scripts, quorum scripts) resolved: a command line the host already has, or a script
// pulumi-lvs installs at a path it owns and calls with the event's state and the group or service name.
import type { HookConfig } from "../config/schema";
import { PATHS } from "../render/paths";

export type NotifyState = "master" | "backup" | "fault" | "stop";
export type QuorumEvent = "up" | "down";
export const NOTIFY_STATES: readonly NotifyState[] = ["master", "backup", "fault", "stop"];

export type HookModel =
  | { kind: "command"; command: string }
  | { kind: "installed"; path: string; content: string; args: string[] };

/** A validated hook (exactly one of script and content, see core/config/semantic.ts). */
export function hookModel(hook: HookConfig, path: string, args: string[]): HookModel {
  return hook.content !== undefined ? { kind: "installed", path, content: hook.content, args } : { kind: "command", command: hook.script! };
}

export const notifyHook = (group: string, state: NotifyState, hook: HookConfig) =>
  hookModel(hook, PATHS.notifyScript(group, state), [state.toUpperCase(), group]);

export const quorumHook = (service: string, event: QuorumEvent, hook: HookConfig) =>
  hookModel(hook, PATHS.quorumScript(service, event), [event.toUpperCase(), service]);
