// systemd unit files (systemd.syntax(7), systemd.service(5)): the only way a config string enters a unit. A line is
// `Key=value`; `#` and `;` start a comment only at the start of a line; a trailing backslash joins the next line;
// `%` starts a specifier in nearly every value (Description included). ExecStart= further splits its value into
// words at whitespace, honours `"`/`'` quotes and backslash escapes, substitutes `$VAR`/`${VAR}` from the
// environment, and reads a lone `;` as the start of another command.
import { accepted, firstRefused, nonPrintable, Refusal } from "./lexicon";

const FORMAT = "a systemd unit";

/** One word of an ExecStart= command line (an address, a device name), written bare. */
export function refuseExecArgument(value: string): Refusal | undefined {
  if (value.length === 0) return "is empty";
  return firstRefused(value, (c) => {
    const np = nonPrintable(c, FORMAT);
    if (np) return np;
    if (c === " ") return "ExecStart= splits its command line at whitespace, so the value would become several arguments";
    if (c === "%") return "systemd expands %-specifiers in ExecStart=";
    if (c === "$") return "ExecStart= substitutes $VAR and ${VAR} from the environment";
    if (c === "\\" || c === '"' || c === "'") return "ExecStart= reads quotes and backslash escapes";
    if (c === ";") return "ExecStart= reads a lone \";\" as the start of another command";
    if (!/[A-Za-z0-9_./:@+=,-]/.test(c)) return "not allowed in an ExecStart= argument here (letters, digits, _ . / : @ + = , -)";
    return undefined;
  });
}

/** Free text of a setting such as Description=, or of a `#` comment line. */
export function refuseUnitText(value: string): Refusal | undefined {
  return firstRefused(value, (c) => {
    const np = nonPrintable(c, FORMAT);
    if (np) return np;
    if (c === "%") return "systemd expands %-specifiers in unit settings";
    if (c === "\\") return "a trailing backslash joins the next line in a unit file";
    return undefined;
  });
}

export const systemd = {
  execArgument: (value: string) => accepted(FORMAT, "ExecStart= argument", value, refuseExecArgument),
  text: (value: string) => accepted(FORMAT, "text", value, refuseUnitText),
} as const;
