// How the line-based files are read by what reads them on a host — systemd-sysctl 252 (sysctl.d), systemd-modules-load
// (modules-load.d), kmod (modprobe.d), systemd's unit parser, nft — as test oracles: each gives the entries the
// reader sees and the problems (lines it would skip, misread or complain about). Independent of core/formats;
// test/unit/formats/sysctl-conformance.test.ts checks the sysctl.d reader against the real systemd-sysctl.

export interface Reading<T> {
  entries: T[];
  problems: string[];
}

/** systemd's read_line(): a line ends at "\n", "\r", "\r\n" or NUL. */
const systemdLines = (text: string) => text.split(/\r\n|\n|\r|\0/);
const strip = (s: string) => s.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, "");

export interface SysctlEntry {
  /** The /proc/sys path the value is written to, e.g. net/ipv4/conf/eth0.10/arp_ignore. */
  path: string;
  value: string;
}

/** sysctl_normalize(): the first separator decides; in the dot form dots and slashes swap. */
function normalized(key: string): string {
  const first = /[./]/.exec(key)?.[0];
  return first === "." ? [...key].map((c) => (c === "." ? "/" : c === "/" ? "." : c)).join("") : key;
}

/** The path systemd-sysctl writes: normalized, then path_simplify() (empty and "." segments vanish). */
export function sysctlPath(key: string): string {
  return normalized(key)
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .join("/");
}

/** systemd-sysctl's parse_file(). */
export function readSysctlD(text: string): Reading<SysctlEntry> {
  const entries = new Map<string, SysctlEntry>();
  const problems: string[] = [];
  systemdLines(text).forEach((raw, i) => {
    let l = strip(raw);
    if (l === "" || l[0] === "#" || l[0] === ";") return;
    if (l[0] === "-") {
      problems.push(`line ${i + 1}: a leading "-" ignores failures`);
      l = l.slice(1);
    }
    const eq = l.indexOf("=");
    if (eq < 0) {
      problems.push(`line ${i + 1}: not an assignment, ignored: ${JSON.stringify(raw)}`);
      return;
    }
    const key = strip(l.slice(0, eq));
    const value = strip(l.slice(eq + 1));
    if (/[*?[]/.test(key)) problems.push(`line ${i + 1}: ${key} is a glob`);
    const path = sysctlPath(key);
    if (path.split("/").includes("..")) problems.push(`line ${i + 1}: ${key} has a ".." segment`);
    if (path !== normalized(key)) problems.push(`line ${i + 1}: ${key} collapses to ${path}`);
    if (entries.has(path)) problems.push(`line ${i + 1}: ${path} is assigned again (the later value wins)`);
    entries.set(path, { path, value });
  });
  return { entries: [...entries.values()], problems };
}

/** systemd-modules-load: every non-comment line, stripped, is one module name. */
export function readModulesLoadD(text: string): Reading<string> {
  const entries: string[] = [];
  const problems: string[] = [];
  for (const raw of systemdLines(text)) {
    const l = strip(raw);
    if (l === "" || l[0] === "#" || l[0] === ";") continue;
    if (/\s/.test(l)) problems.push(`${JSON.stringify(l)} is not one module name`);
    entries.push(l);
  }
  return { entries, problems };
}

/** kmod's config reader: `\` joins lines, `#` starts a comment line, words split at whitespace. */
export function readModprobeD(text: string): Reading<string[]> {
  const entries: string[][] = [];
  const problems: string[] = [];
  for (const line of text.replace(/\\\n/g, "").split("\n")) {
    const l = line.trim();
    if (l === "" || l[0] === "#") continue;
    const words = l.split(/\s+/);
    if (!["alias", "options", "install", "remove", "blacklist", "softdep", "include"].includes(words[0])) problems.push(`unknown command ${words[0]}`);
    entries.push(words);
  }
  return { entries, problems };
}

export interface UnitEntry {
  section: string;
  key: string;
  value: string;
  /** Exec* settings: the command's words (after the systemd prefixes). */
  words?: string[];
}

/** systemd's config_parse(): sections, `Key=value`, comments at line start, `\` continuation; specifiers flagged. */
export function readUnit(text: string): Reading<UnitEntry> {
  const entries: UnitEntry[] = [];
  const problems: string[] = [];
  let section = "";
  let continued = "";
  for (const raw of systemdLines(text)) {
    let l = continued + strip(raw);
    continued = "";
    if (l.endsWith("\\")) {
      continued = l.slice(0, -1) + " ";
      continue;
    }
    l = strip(l);
    if (l === "" || l[0] === "#" || l[0] === ";") continue;
    if (l.startsWith("[") && l.endsWith("]")) {
      section = l.slice(1, -1);
      continue;
    }
    const eq = l.indexOf("=");
    if (eq < 0) {
      problems.push(`not an assignment: ${JSON.stringify(l)}`);
      continue;
    }
    const entry: UnitEntry = { section, key: strip(l.slice(0, eq)), value: strip(l.slice(eq + 1)) };
    if (entry.value.includes("%")) problems.push(`${entry.key}= has a % specifier: ${entry.value}`);
    if (entry.key.startsWith("Exec")) {
      if (/["'\\$;]/.test(entry.value)) problems.push(`${entry.key}= has quotes, escapes, variables or ";": ${entry.value}`);
      entry.words = entry.value.replace(/^[-@:+!]+/, "").split(/\s+/);
    }
    entries.push(entry);
  }
  if (continued) problems.push("the last line ends with a backslash");
  return { entries, problems };
}

/** nft's lexer, as far as the rulesets here need it: `#` comments, `"` strings, braces, `;` and newlines end statements. */
export function readNft(text: string): Reading<string[]> {
  const entries: string[][] = [];
  const problems: string[] = [];
  let statement: string[] = [];
  const end = () => {
    if (statement.length > 0) entries.push(statement);
    statement = [];
  };
  const tokens = text.matchAll(/#[^\n]*|"[^"\n]*"|"[^\n]*|[{};\n]|[^\s{};#"]+/g);
  for (const [t] of tokens) {
    if (t.startsWith("#")) continue;
    if (t === "\n" || t === ";") end();
    else if (t === "{" || t === "}") {
      statement.push(t);
      end();
    } else {
      if (t.startsWith('"') && !t.endsWith('"')) problems.push(`unterminated string ${t}`);
      if (t.startsWith("$") || t.startsWith("@")) problems.push(`${t} is a variable or set reference`);
      statement.push(t);
    }
  }
  end();
  return { entries, problems };
}

/**
 * iptables-restore's reader, as far as the rules files here need it: `#` lines are comments, `*table` opens a table
 * and `COMMIT` closes it, `:chain policy [counters]` declares a chain, every other line is one command split at
 * whitespace with `"` grouping words. A command outside a table, an unterminated quote or a table left open is a
 * problem, as iptables-restore rejects the file then.
 */
export function readIptablesRestore(text: string): Reading<string[]> {
  const entries: string[][] = [];
  const problems: string[] = [];
  let table: string | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("*")) {
      if (table !== undefined) problems.push(`table ${line} opened inside ${table}`);
      table = line.slice(1);
      entries.push(["*", table]);
      continue;
    }
    if (line === "COMMIT") {
      if (table === undefined) problems.push("COMMIT outside a table");
      table = undefined;
      entries.push(["COMMIT"]);
      continue;
    }
    if (table === undefined) problems.push(`command outside a table: ${line}`);
    const words = [...line.matchAll(/"([^"]*)"|"[^"]*$|(\S+)/g)].map((m) => {
      if (m[0].startsWith('"') && !m[0].endsWith('"')) problems.push(`unterminated quote in ${line}`);
      return m[1] ?? m[2] ?? m[0];
    });
    // iptables reads a mark as a number, hex or decimal: `--set-xmark 0x1267/0xffffffff` is value 4711 under mask 2^32-1.
    const i = words.indexOf("--set-xmark");
    if (i >= 0 && i + 1 < words.length) {
      const [value, mask] = words[i + 1].split("/");
      const num = (v: string | undefined) => (v === undefined ? "" : /^0x[0-9a-f]+$/i.test(v) ? String(parseInt(v, 16)) : /^\d+$/.test(v) ? v : (problems.push(`${v} is not a number`), v));
      words[i + 1] = mask === undefined ? num(value) : `${num(value)}/${num(mask)}`;
    }
    entries.push(words);
  }
  if (table !== undefined) problems.push(`table ${table} has no COMMIT`);
  return { entries, problems };
}
