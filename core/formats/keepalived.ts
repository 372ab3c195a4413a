// keepalived.conf (and the files it includes): the only way a config string enters it. Each kind of value states
// what its keyword accepts; a string outside that is refused at validation, naming the character and the reason,
// and the emitters below refuse it again (FormatError) should one ever reach a template.
//
// keepalived 2.2.7's lexer (lib/parser.c; each claim checked with the real `keepalived --config-test`, see
// test/unit/formats/keepalived-lexer-conformance.test.ts):
// - Lines are read with fgets into a 1024-byte buffer (MAXBUF): a line longer than 1023 bytes is split, and its rest
//   is read as a new line — a new keyword.
// - decomment(): `#` and `!` start a comment anywhere outside double quotes. The parent process writes the
//   decommented config to a copy that the VRRP and checker processes read and decomment again, so `\#` (which the
//   first pass turns into `#`) is a comment on the second: a backslash cannot protect a comment character.
// - `{` and `}` outside double quotes split the line and act as block delimiters wherever they are.
// - Every line has `$NAME` / `${NAME}` substituted — inside quotes too — and keepalived always defines `_PWD`,
//   `_INSTANCE`, `_RANDOM`, `_HASH` (= `#`) and `_BANG` (= `!`).
// - Words are split at whitespace; a word that starts with `"` runs to the next `"` (no escapes), which is how a
//   value with spaces, `#`, `!`, `{` or `}` is written. A keyword reads only the words it expects and ignores the
//   rest, silently: `path /a b` requests `/a`.
// - Script keywords (vrrp_script `script`, MISC_CHECK `misc_path`) re-read the raw line with quote and backslash
//   processing, then split the quoted command again into argv (lib/notify.c set_script_params_array): inside it,
//   `'…'` groups words as in sh and backslashes are unescaped twice. keepalived runs argv directly, no shell.
import { accepted, byteLength, firstRefused, nonPrintable, Refusal } from "./lexicon";
import { isIpv6 } from "../model/ip";

const FORMAT = "keepalived.conf";

/** The longest value written on one line: under keepalived's 1023-byte line buffer with indentation and keyword. */
export const MAX_VALUE_BYTES = 900;

const WHY = {
  comment: (c: string) => `keepalived reads "${c}" as the start of a comment anywhere outside double quotes, so the rest of the line would be dropped`,
  brace: (c: string) => `keepalived splits a line at "${c}" outside double quotes and reads it as a block ${c === "{" ? "start" : "end"}, which would change the blocks around the value`,
  quote: `keepalived reads '"' as a quote that ends or joins words (it has no escape for it)`,
  backslash: `keepalived reads the config twice (from a copy), unescaping only in some passes and keywords, so a backslash cannot be written reliably`,
  space: `keepalived splits values at whitespace and this keyword reads only the first word, so the rest would be silently ignored`,
  definition: `keepalived substitutes $NAME and \${NAME} definitions on every line, inside quotes too ($_HASH becomes "#", $_BANG "!", $_PWD the directory)`,
  long: (max: number) => `is longer than ${max} bytes: keepalived reads config lines of at most 1023 bytes (MAXBUF) and reads the rest of a longer line as a new keyword`,
} as const;

/** Reasons common to every unquoted value: whitespace, comments, braces, quotes, backslash, definitions. */
function unquoted(c: string, i: number, value: string): string | undefined {
  if (c === " ") return WHY.space;
  const np = nonPrintable(c, FORMAT);
  if (np) return np;
  if (c === "#" || c === "!") return WHY.comment(c);
  if (c === "{" || c === "}") return WHY.brace(c);
  if (c === '"') return WHY.quote;
  if (c === "\\") return WHY.backslash;
  if (c === "$" && isDefinition(value, i)) return WHY.definition;
  return undefined;
}

/** `$_…` or `${…`: the forms keepalived's find_definition() can match (its definitions all start with `_`). */
function isDefinition(value: string, i: number): boolean {
  return value[i] === "$" && (value[i + 1] === "_" || value[i + 1] === "{");
}

function limit(value: string, max: number): Refusal | undefined {
  return byteLength(value) > max ? `${JSON.stringify(value.slice(0, 20) + "…")} ${WHY.long(max)}` : undefined;
}

/** Inside a double-quoted value only a quote, a backslash and definitions are special (braces and `#` are not). */
function quotedChar(c: string, i: number, value: string): string | undefined {
  const np = nonPrintable(c, FORMAT);
  if (np) return np;
  if (c === '"') return `the value is written inside double quotes, and keepalived has no escape for a '"' there`;
  if (c === "\\") return WHY.backslash;
  if (c === "$" && isDefinition(value, i)) return WHY.definition;
  return undefined;
}

/** A bare word from a fixed alphabet, e.g. an instance or script name. */
function word(alphabet: RegExp, describe: string, max: number) {
  return (value: string): Refusal | undefined => {
    if (value.length === 0) return "is empty: keepalived would read the next word in its place";
    return (
      firstRefused(value, (c, i) => unquoted(c, i, value) ?? (alphabet.test(c) ? undefined : `not allowed in ${describe}`)) ??
      (/^[A-Za-z0-9]/.test(value) ? undefined : `must start with a letter or digit (keepalived reads a line starting with "@", "$" or "~" as a directive)`) ??
      limit(value, max)
    );
  };
}

/** Instance, script and router names: letters, digits, `_`, `.`, `-`. */
export const refuseName = word(/[A-Za-z0-9_.-]/, "a keepalived name (letters, digits, _ . -)", 128);

/** An interface as keepalived names it (`interface`, `dev`, lvs_sync_daemon); the kernel's own rules are in netdev.ts. */
export const refuseInterface = word(/[A-Za-z0-9_.@-]/, "an interface name as keepalived reads it (letters, digits, _ . @ -)", 15);

/** A dotted-quad IPv4 or an IPv6 address (virtual_server, real_server, unicast peers, VIPs, persistence_granularity). */
export function refuseAddress(value: string): Refusal | undefined {
  // Digits and dots, or hex digits and colons: none of keepalived's special characters can be in one. keepalived reads
  // an IPv6 address as one bare word (`virtual_server fd77::100 80`, no brackets).
  if (isIpv6(value)) return undefined;
  return /^(\d{1,3})(\.\d{1,3}){3}$/.test(value) && value.split(".").every((o) => Number(o) <= 255 && !/^0\d/.test(o)) ? undefined : "is not a dotted-quad IPv4 address or an IPv6 address";
}

const HTTP_PATH = /[A-Za-z0-9\-._~%&'()*+,;=:@/?]/;
const PERCENT_HINT: Record<string, string> = { "#": "%23", "!": "%21", $: "%24", " ": "%20", '"': "%22", "{": "%7B", "}": "%7D", "\\": "%5C" };

/** HTTP_GET/SSL_GET `url { path … }`: an absolute path (and query) in RFC 3986 characters, without keepalived's specials. */
export function refuseHttpPath(value: string): Refusal | undefined {
  if (!value.startsWith("/")) return `must start with "/" (an absolute path, as keepalived sends it in "GET <path> HTTP/1.0")`;
  const chars = firstRefused(value, (c, i) => {
    const hint = PERCENT_HINT[c] ? `; percent-encode it as ${PERCENT_HINT[c]}` : "";
    if (c === "#") return `${WHY.comment(c)} (and a URL fragment is never sent to the server)${hint}`;
    if (c === "$") return `keepalived substitutes $NAME definitions on every line${hint}`;
    if (c === " ") return `an HTTP request path cannot contain a space, and keepalived would request only the part before it${hint}`;
    const reason = unquoted(c, i, value);
    if (reason) return reason + hint;
    if (!HTTP_PATH.test(c)) return `not allowed unencoded in an HTTP request path (RFC 3986)${hint || `; percent-encode it as %${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`}`;
    if (c === "%" && !/^%[0-9A-Fa-f]{2}/.test(value.slice(i))) return `"%" must start a percent-encoding such as %23`;
    return undefined;
  });
  return chars ?? limit(value, MAX_VALUE_BYTES);
}

/** `status_code`: a code or range within keepalived's 100-599 (HTTP_STATUS_CODE_MIN/MAX), low before high. */
export function refuseStatusCode(value: string): Refusal | undefined {
  const m = /^(\d{3})(?:-(\d{3}))?$/.exec(value);
  if (!m) return "must be a status code or range like 200 or 200-299";
  const [low, high] = [Number(m[1]), Number(m[2] ?? m[1])];
  if (low < 100 || high > 599) return "is outside 100-599, the codes keepalived accepts (it drops the setting otherwise)";
  if (low > high) return `is an empty range: ${low} is above ${high}`;
  return undefined;
}

/** `digest`: the MD5 hex digest keepalived's genhash prints. */
export function refuseDigest(value: string): Refusal | undefined {
  return /^[0-9a-fA-F]{32}$/.test(value) ? undefined : "must be 32 hexadecimal digits (an MD5 digest from genhash)";
}

/** DNS_CHECK `name`: "." (the root) or dot-separated labels of letters, digits, `_` and `-`. */
export function refuseDnsName(value: string): Refusal | undefined {
  if (value === ".") return undefined;
  if (value.length === 0) return "is empty: keepalived would read the next word in its place";
  const chars = firstRefused(value, (c, i) => unquoted(c, i, value) ?? (/[A-Za-z0-9_.-]/.test(c) ? undefined : "not allowed in a DNS name (letters, digits, _ - and dots between labels)"));
  if (chars) return chars;
  if (/^\.|\.\.|^-/.test(value)) return "has an empty label (a leading or doubled dot) or starts with \"-\"";
  return value.replace(/\.$/, "").split(".").some((l) => l.length > 63) ? "has a label longer than 63 bytes (DNS allows 63)" : limit(value, 253);
}

/** SMTP_CHECK `helo_name`: a host name as one word. */
export const refuseHeloName = word(/[A-Za-z0-9_.-]/, "a HELO host name (letters, digits, _ . -)", 253);

/**
 * The words keepalived runs for a script value, the way this project means it: split at spaces, `'…'` grouping words
 * as in sh (quotes removed). Only values refuseScript accepts have this meaning.
 */
export function scriptWords(value: string): string[] {
  const words: string[] = [];
  let current: string | undefined;
  let quoted = false;
  for (const c of value) {
    if (c === "'") {
      quoted = !quoted;
      current ??= "";
    } else if (c === " " && !quoted) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else current = (current ?? "") + c;
  }
  if (current !== undefined) words.push(current);
  return words;
}

/** vrrp_script `script` and MISC_CHECK `misc_path`: a command line written inside double quotes. */
export function refuseScript(value: string): Refusal | undefined {
  const chars = firstRefused(value, (c, i) => quotedChar(c, i, value));
  if (chars) return chars;
  if ([...value].filter((c) => c === "'").length % 2 === 1)
    return `has an unbalanced "'": keepalived groups words between single quotes and drops a script whose quote is not closed`;
  if (scriptWords(value).length === 0) return "names no command";
  return limit(value, MAX_VALUE_BYTES);
}

/**
 * `auth_pass`: keepalived sends at most 8 bytes (it truncates longer ones). Written bare unless it holds a character
 * keepalived would split or cut at (whitespace, `#`, `!`, braces), then in double quotes — which the config test shows
 * keepalived honours for auth_pass (test/unit/formats/keepalived-lexer-conformance.test.ts) — so a password that was
 * fine stays byte-identical.
 */
export function refusePassword(value: string): Refusal | undefined {
  if (value.length === 0) return "is empty";
  return (
    firstRefused(value, (c, i) => quotedChar(c, i, value), true) ??
    (byteLength(value) > 8 ? `is ${byteLength(value)} bytes long: VRRP PASS authentication carries 8, and keepalived truncates a longer auth_pass` : undefined)
  );
}

/** Free text in a `#` / `!` comment line (service and host names in the generated comments). */
export function refuseComment(value: string): Refusal | undefined {
  return firstRefused(value, (c) => nonPrintable(c, FORMAT)) ?? limit(value, MAX_VALUE_BYTES);
}

const emit = (field: string, check: (v: string) => Refusal | undefined) => (value: string) => accepted(FORMAT, field, value, check);
const quoted = (field: string, check: (v: string) => Refusal | undefined) => (value: string) => `"${accepted(FORMAT, field, value, check)}"`;

/** The emitters: what the view models put into keepalived templates. */
export const keepalived = {
  name: emit("name", refuseName),
  interface: emit("interface", refuseInterface),
  address: emit("address", refuseAddress),
  httpPath: emit("url path", refuseHttpPath),
  statusCode: emit("status_code", refuseStatusCode),
  digest: emit("digest", refuseDigest),
  dnsName: emit("DNS_CHECK name", refuseDnsName),
  heloName: emit("helo_name", refuseHeloName),
  script: quoted("script", refuseScript),
  password: (value: string) => {
    const checked = accepted(FORMAT, "auth_pass", value, refusePassword, true);
    return /[\s#!{}]/.test(checked) ? `"${checked}"` : checked;
  },
  comment: emit("comment", refuseComment),
} as const;
