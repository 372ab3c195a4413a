// The one quoting function: argv → a POSIX shell command line.
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quote(arg: string): string {
  if (arg === "") return "''";
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function sh(...argv: string[]): string {
  return argv.map(quote).join(" ");
}
