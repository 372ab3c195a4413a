// Hook scripts pulumi-lvs installs (notify_*, quorum_up/down given as `content`): the only way a config string
// becomes such a file, and the only way a name enters its path. The file is run by the kernel's `#!` loader, as
// keepalived_script, with script security on (root-owned, not writable by others, in root-owned directories):
// - The first line must be `#!/absolute/interpreter [one argument]`: the kernel reads it up to the first newline
//   (a carriage return would become part of the interpreter's name or argument) and keepalived refuses a script
//   it cannot execute.
// - pulumi-lvs writes its `# Managed by pulumi-lvs …` line second, so the interpreter must read `#` as a comment
//   (sh, bash, perl, python, …).
// - The text itself is the script's meaning, chosen by the user: it is refused only what would make the file
//   something else than the text given (NUL, carriage returns, other control characters but tab).
// - The names in its path (a VRRP group or service name) are file-name words, so they cannot leave the directory.
import { accepted, byteLength, firstRefused, Refusal } from "./lexicon";

const FORMAT = "a hook script";

/** keepalived runs scripts of any size, but a config value should stay a script, not a payload. */
export const MAX_SCRIPT_BYTES = 65536;

function refuseInterpreterLine(line: string): Refusal | undefined {
  if (!line.startsWith("#!/")) return `must start with an interpreter line "#!/path/to/interpreter" (the kernel runs the file through it; keepalived refuses a script it cannot execute)`;
  const chars = firstRefused(line, (c) => (c >= " " && c <= "~" ? undefined : `the interpreter line is read by the kernel byte by byte: only printable ASCII is allowed there`));
  if (chars) return chars;
  return /^#!\/[^ \t]+([ \t]+[^ \t]+)?[ \t]*$/.test(line)
    ? undefined
    : `the interpreter line must be "#!/path" with at most one argument: the kernel passes everything after the path as one argument`;
}

/** The whole script text given as `content`. */
export function refuseScriptContent(value: string): Refusal | undefined {
  const chars = firstRefused(value, (c) => {
    if (c === "\n" || c === "\t") return undefined;
    if (c === "\r") return `a carriage return would become part of the script's lines (the interpreter line's path among them); use Unix line ends`;
    if (/[\x00-\x1f\x7f]/.test(c)) return `control characters are refused in ${FORMAT}`;
    return undefined;
  });
  if (chars) return chars;
  const first = value.split("\n")[0];
  const head = refuseInterpreterLine(first);
  if (head) return head;
  return byteLength(value) > MAX_SCRIPT_BYTES ? `is ${byteLength(value)} bytes long: hook scripts are limited to ${MAX_SCRIPT_BYTES} bytes here` : undefined;
}

/** A group or service name as part of a script's file name: a word that cannot name another directory. */
export function refuseScriptFileName(value: string): Refusal | undefined {
  if (value.length === 0) return "is empty";
  return (
    firstRefused(value, (c) => (/[A-Za-z0-9_.-]/.test(c) ? undefined : `not allowed in a file name here (letters, digits, _ . -): the name is part of the script's path`)) ??
    (value.startsWith(".") || value.startsWith("-") ? `must not start with "${value[0]}" (a hidden file or an option-like name)` : undefined) ??
    (byteLength(value) > 100 ? "is longer than 100 bytes" : undefined)
  );
}

/** The script as its parts: the interpreter line and the rest, for the template to put the managed line between. */
export function scriptParts(content: string): { interpreter: string; body: string } {
  const checked = accepted(FORMAT, "content", content, refuseScriptContent);
  const newline = checked.indexOf("\n");
  return newline === -1 ? { interpreter: checked, body: "" } : { interpreter: checked.slice(0, newline), body: checked.slice(newline + 1) };
}

export const scriptFile = {
  parts: scriptParts,
  fileName: (value: string) => accepted(FORMAT, "file name", value, refuseScriptFileName),
} as const;
