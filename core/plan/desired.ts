// One host's desired state as the HostConfig provider takes it: the non-file settings, the plain file contents (what
// `pulumi preview --diff` shows line by line) and the secret ones (a secret input) apart. The only place that splits.
import { HostState, isSecretFile } from "../render/host-state";
import type { TargetInputs } from "./target";

export interface HostDesired {
  host: string;
  target: TargetInputs;
  /** Desired state with file contents moved out to `files` / `secretFiles`. */
  state: HostState;
  /** Non-secret file contents by path. */
  files: Record<string, string>;
  /** Secret file contents by path (placeholders when rendered without the secret values). */
  secretFiles: Record<string, string>;
  hash: string;
}

export type SplitState = Pick<HostDesired, "state" | "files" | "secretFiles" | "hash">;

export function splitFiles(state: HostState): SplitState {
  return {
    state: { ...state, files: state.files.map((f) => ({ ...f, content: "" })) },
    files: Object.fromEntries(state.files.filter((f) => !isSecretFile(f)).map((f) => [f.path, f.content])),
    secretFiles: Object.fromEntries(state.files.filter(isSecretFile).map((f) => [f.path, f.content])),
    hash: state.hash,
  };
}

/** The full HostState again, contents back in their files. */
export function joinFiles(parts: Pick<HostDesired, "state" | "files" | "secretFiles">): HostState {
  return { ...parts.state, files: parts.state.files.map((f) => ({ ...f, content: parts.files[f.path] ?? parts.secretFiles[f.path] ?? "" })) };
}

export function desiredOf(state: HostState, target: TargetInputs): HostDesired {
  return { host: state.host, target, ...splitFiles(state) };
}
