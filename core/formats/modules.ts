// /etc/modules-load.d (modules-load.d(5): one module name per line, `#`/`;` comment lines) and /etc/modprobe.d
// (modprobe.d(5): `options <module> <name>=<value>…`, `#` comments, a trailing backslash joins lines): the only way
// a config value enters them. Module names are the schedulers' (`ip_vs_<scheduler>`) and fixed ones; option values
// are integers.
import { accepted, Refusal } from "./lexicon";

/** MODULE_NAME_LEN is 56 with the terminating NUL. */
export function refuseModuleName(value: string): Refusal | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return "is not a kernel module name (letters, digits, _ -)";
  return value.length > 55 ? "is longer than 55 characters (MODULE_NAME_LEN)" : undefined;
}

export function refuseModuleOption(name: string, value: number): Refusal | undefined {
  if (!/^[a-z0-9_]+$/.test(name)) return `option name ${JSON.stringify(name)} is not a module parameter name`;
  return Number.isSafeInteger(value) ? undefined : `${value} is not an integer`;
}

export const modules = {
  name: (value: string) => accepted("modules-load.d", "module", value, refuseModuleName),
  option(module: string, name: string, value: number): string {
    const refusal = refuseModuleOption(name, value);
    accepted("modprobe.d", "option", `${name}=${value}`, () => refusal);
    return `options ${accepted("modprobe.d", "module", module, refuseModuleName)} ${name}=${value}`;
  },
} as const;
