// How keepalived 2.2.7 reads a keepalived.conf and the files it includes, ported from lib/parser.c (read_line,
// decomment, replace_param, alloc_strvec_r) and lib/notify.c (script argv via alloc_strvec_quoted_escaped, applied
// twice): the test oracle that says which blocks and words keepalived sees. It is independent of core/formats (which
// only decides what may be written), and test/unit/formats/keepalived-lexer-conformance.test.ts checks it against the
// real keepalived. Works on bytes: the text is taken as UTF-8 and each byte is one character here.

export interface KeepalivedStatement {
  /** The words keepalived's tokenizer (alloc_strvec_r) gives the line. */
  words: string[];
  /** Script keywords (`script`, `misc_path`): the argv keepalived runs, or null when it drops the script. */
  argv?: string[] | null;
  /** The statements of the `{ … }` block that follows the line, if any. */
  block?: KeepalivedStatement[];
  file: string;
  line: number;
}

export interface Problem {
  message: string;
  /** keepalived prints an error for it (and its config test fails); otherwise it happens silently. */
  reported: boolean;
}

export interface KeepalivedReading {
  statements: KeepalivedStatement[];
  /** Everything keepalived would complain about, or would do silently that changes what a line says. */
  problems: Problem[];
}

type Problems = Problem[];
const reported = (problems: Problems | undefined, message: string) => problems?.push({ message, reported: true });
const silent = (problems: Problems | undefined, message: string) => problems?.push({ message, reported: false });

const MAXBUF = 1024;
const WHITE = " \t\f\n\r\v";
const SCRIPT_KEYWORDS = new Set(["script", "misc_path"]);
/** keepalived's standard definitions (set_std_definitions); the directory is the config file's. */
const DEFINITIONS: Record<string, string> = { _PWD: "/etc/keepalived", _INSTANCE: "", _RANDOM: "0", _HASH: "#", _BANG: "!" };

const toBytes = (text: string) => Buffer.from(text, "utf8").toString("latin1");
const fromBytes = (bytes: string) => Buffer.from(bytes, "latin1").toString("utf8");
const isBlank = (c: string | undefined) => c === " " || c === "\t";
const isSpace = (c: string | undefined) => c !== undefined && c !== "" && WHITE.includes(c);

/** fgets(buf, MAXBUF): lines of at most 1023 bytes, a longer line continuing as the next one; NUL ends a line's text. */
function physicalLines(bytes: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let line = 1;
  let pos = 0;
  while (pos < bytes.length) {
    const nl = bytes.indexOf("\n", pos);
    const end = nl < 0 ? bytes.length : nl + 1;
    const take = Math.min(end - pos, MAXBUF - 1);
    let chunk = bytes.slice(pos, pos + take);
    pos += take;
    const number = line;
    if (chunk.endsWith("\n")) line++;
    const nul = chunk.indexOf("\0");
    if (nul >= 0) chunk = chunk.slice(0, nul);
    out.push({ text: chunk.replace(/[\r\n]+$/, ""), line: number });
  }
  return out;
}

/** decomment(): leading blanks, comments outside quotes, `\#`/`\!` unescaped, trailing blanks, `\` at the end kept. */
export function decomment(str: string, problems?: Problems): string {
  let s = str.replace(/^[ \t]+/, "");
  let quote = false;
  let cont = false;
  let skip = -1;
  let p = 0;
  for (;;) {
    while (p < s.length && !"!#\"\\".includes(s[p])) p++;
    if (p >= s.length) break;
    const c = s[p];
    if (c === '"') {
      if (skip < 0) quote = !quote;
      p++;
      continue;
    }
    if (c === "\\") {
      if (p + 1 < s.length) {
        if (!quote && (s[p + 1] === "#" || s[p + 1] === "!")) {
          s = s.slice(0, p) + s.slice(p + 1);
          p++;
        } else p += 2;
        continue;
      }
      s = s.slice(0, p);
      cont = true;
      break;
    }
    if (!quote && skip < 0) skip = p;
    p++;
  }
  if (quote) reported(problems, `unterminated quote in '${fromBytes(s)}'`);
  if (skip >= 0) s = s.slice(0, skip);
  s = s.replace(/[ \t]+$/, "");
  if (cont) s += "\\";
  return s;
}

/** find_definition() as replace_param() uses it: the definition at `$` and how many bytes it replaces, if any. */
function definitionAt(s: string, at: number): { value: string; length: number } | undefined {
  let i = at + 1;
  const braces = s[i] === "{";
  if (braces) i++;
  if (!/[A-Za-z_]/.test(s[i] ?? "")) return undefined;
  let j = i;
  while (j < s.length && /[A-Za-z0-9_]/.test(s[j])) j++;
  const name = s.slice(i, j);
  let end = j;
  if (braces) {
    let params = false;
    while (s[end] === " " || /[0-9]/.test(s[end] ?? "")) {
      if (s[end] !== " ") params = true;
      end++;
    }
    if (s[end] !== "}") return undefined;
    if (params && name !== "_RANDOM") return undefined;
    end++;
  } else if (!(end >= s.length || " \t,)".includes(s[end]))) return undefined;
  return name in DEFINITIONS ? { value: DEFINITIONS[name], length: end - at } : undefined;
}

function replaceDefinitions(s: string, problems: Problems): { text: string; replaced: boolean } {
  let replaced = false;
  let at = s.indexOf("$");
  while (at >= 0 && at + 1 < s.length) {
    const def = definitionAt(s, at);
    if (def) {
      silent(problems, `definition ${fromBytes(s.slice(at, at + def.length))} substituted`);
      s = s.slice(0, at) + def.value + s.slice(at + def.length);
      replaced = true;
      at = s.indexOf("$", at + def.value.length);
    } else at = s.indexOf("$", at + 1);
  }
  return { text: s, replaced };
}

function isInclude(s: string): boolean {
  if (!s.startsWith("include") || s.length === 7) return false;
  if (isSpace(s[7])) return true;
  return isSpace(s[8]) && "rmwba".includes(s[7]);
}

/** The brace split of read_line(): the line up to a `{`/`}` outside quotes, and the rest to read next. */
function splitAtBrace(s: string): { line: string; residue?: string } {
  let p = 0;
  if (s[0] !== "{" && s[0] !== "}") {
    let found = -1;
    for (let q = 0; q < s.length; ) {
      if (s[q] === "{" || s[q] === "}") {
        found = q;
        break;
      }
      if (s[q] === '"') {
        const close = s.indexOf('"', q + 1);
        if (close < 0) break;
        q = close + 1;
      } else q++;
    }
    if (found < 0) return { line: s.replace(/[ \t]+$/, "") };
    p = found;
  }
  let skip = 0;
  if (p === 0) {
    skip = 1;
    while (isBlank(s[skip])) skip++;
  }
  if (p + skip < s.length) return { line: s.slice(0, p + skip).replace(/[ \t]+$/, ""), residue: s.slice(p + skip).replace(/[ \t]+$/, "") };
  return { line: s.replace(/[ \t]+$/, "") };
}

/** alloc_strvec_r(): words at whitespace, a word starting with `"` running to the next `"`. */
export function words(s: string, problems?: Problems): string[] {
  const out: string[] = [];
  let cp = 0;
  for (;;) {
    while (isSpace(s[cp])) cp++;
    if (cp >= s.length) break;
    if (s[cp] === '"') {
      const close = s.indexOf('"', cp + 1);
      if (close < 0) {
        reported(problems, `unmatched quote in '${fromBytes(s)}'`);
        break;
      }
      out.push(s.slice(cp + 1, close));
      cp = close + 1;
    } else {
      const start = cp;
      while (cp < s.length && !isSpace(s[cp]) && s[cp] !== '"') cp++;
      out.push(s.slice(start, cp));
    }
  }
  return out;
}

const ESCAPES: Record<string, string> = { a: "\x07", b: "\b", E: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

/** alloc_strvec_quoted_escaped(): words with `"`/`'` quotes and backslash escapes; null where keepalived gives up. */
export function quotedEscapedWords(src: string): string[] | null {
  const out: string[] = [];
  let ofs = 0;
  let quote = "";
  while (ofs < src.length) {
    while (isSpace(src[ofs])) ofs++;
    if (ofs >= src.length) break;
    let word = "";
    while (ofs < src.length) {
      const specials = quote === '"' ? '"\\' : quote === "'" ? "'\\" : WHITE + "'\"\\";
      let next = ofs;
      while (next < src.length && !specials.includes(src[next])) next++;
      if (next >= src.length) {
        if (quote) return null;
        word += src.slice(ofs);
        ofs = src.length;
        break;
      }
      word += src.slice(ofs, next);
      ofs = next;
      const c = src[ofs];
      if (c === "\\") {
        ofs++;
        if (ofs >= src.length) return null;
        const e = src[ofs];
        let code: number;
        if (e === "x" && /[0-9A-Fa-f]/.test(src[ofs + 1] ?? "")) {
          code = 0;
          ofs++;
          while (/[0-9A-Fa-f]/.test(src[ofs] ?? "")) code = ((code << 4) | Number.parseInt(src[ofs++], 16)) & 0xff;
        } else if (e === "c" && ofs + 1 < src.length) {
          code = src.charCodeAt(ofs + 1) & 0x1f;
          ofs += 2;
        } else if (e >= "0" && e <= "7") {
          code = src.charCodeAt(ofs++) - 48;
          for (let k = 0; k < 2 && src[ofs] >= "0" && src[ofs] <= "7"; k++) code = ((code << 3) + src.charCodeAt(ofs++) - 48) & 0xff;
        } else {
          code = (ESCAPES[e] ?? e).charCodeAt(0);
          ofs++;
        }
        word += String.fromCharCode(code);
        continue;
      }
      if (quote) {
        ofs++;
        quote = "";
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        ofs++;
        continue;
      }
      break;
    }
    // STRNDUP: a NUL made by an escape ends the word.
    const nul = word.indexOf("\0");
    out.push(nul >= 0 ? word.slice(0, nul) : word);
  }
  return out.length > 0 ? out : null;
}

/** set_script_params_array(): the raw line re-read with quotes and escapes, and its second word split again. */
export function scriptArgv(line: string): string[] | null {
  const outer = quotedEscapedWords(line);
  if (!outer || outer.length < 2) return null;
  return quotedEscapedWords(outer[1]);
}

interface Logical {
  text: string;
  file: string;
  line: number;
}

/** The parent's pass: physical lines, decommented, includes followed; what it writes to the copy the children read. */
function copyLines(files: Record<string, string>, path: string, problems: Problems, depth = 0): Logical[] {
  const content = files[path];
  if (content === undefined) {
    reported(problems, `included file ${path} does not exist`);
    return [];
  }
  if (depth > 8) {
    reported(problems, `includes nest too deep at ${path}`);
    return [];
  }
  const out: Logical[] = [];
  for (const physical of physicalLines(toBytes(content))) {
    if (physical.text.length === MAXBUF - 1) silent(problems, `${path}:${physical.line}: a line of 1023 bytes or more is split (MAXBUF)`);
    const text = decomment(physical.text, problems);
    if (text === "") continue;
    if (isInclude(text)) {
      const target = text.replace(/^include[rmwba]?/, "").replace(/^[ \t]+/, "");
      out.push(...copyLines(files, fromBytes(target), problems, depth + 1));
      continue;
    }
    if (text[0] === "#" || text[0] === "!") silent(problems, `${path}:${physical.line}: the copy would read '${fromBytes(text)}' as an include marker`);
    out.push({ text, file: path, line: physical.line });
  }
  return out;
}

/** A child's pass over the copy: decomment again, directives, definitions, brace splits; the logical lines. */
function childLines(copy: Logical[], problems: Problems): Logical[] {
  const out: Logical[] = [];
  for (const entry of copy) {
    let buf = decomment(entry.text, problems);
    if (buf !== entry.text) silent(problems, `${entry.file}:${entry.line}: the copy is read differently ('${fromBytes(entry.text)}' becomes '${fromBytes(buf)}')`);
    // A residue after a brace is read on without decomment, but with the rest of read_line().
    while (buf !== "") {
      const where = `${entry.file}:${entry.line}`;
      // read_line()'s recheck loop: substitutions repeat while a "$" is left (a substitution can complete another).
      let recheck = true;
      while (recheck && buf !== "") {
        recheck = false;
        if (buf[0] === "@") {
          silent(problems, `${where}: a line starting with "@" is conditional on the config id`);
          buf = "";
          break;
        }
        if (buf[0] === "$") silent(problems, `${where}: a line starting with "$" may be a definition`);
        if (buf[0] === "~") {
          silent(problems, `${where}: a line starting with "~" is a sequence directive`);
          break;
        }
        if (!buf.includes("$")) break;
        const replaced = replaceDefinitions(buf, problems);
        if (!replaced.replaced) break;
        buf = decomment(replaced.text, problems);
        recheck = buf[0] === "@" || buf.includes("$");
      }
      if (buf === "") break;
      if (isInclude(buf)) silent(problems, `${where}: '${fromBytes(buf)}' is read as an include`);
      const { line, residue } = splitAtBrace(buf);
      out.push({ text: line, file: entry.file, line: entry.line });
      buf = residue ?? "";
    }
  }
  return out;
}

/** The blocks and words keepalived reads from `entry` and its includes. */
export function readKeepalived(files: Record<string, string>, entry = "/etc/keepalived/keepalived.conf"): KeepalivedReading {
  const problems: Problems = [];
  const lines = childLines(copyLines(files, entry, problems), problems);
  const root: KeepalivedStatement[] = [];
  const stack: KeepalivedStatement[][] = [root];
  let last: KeepalivedStatement | undefined;
  for (const l of lines) {
    if (l.text === "{") {
      if (!last || last.block) reported(problems, `${l.file}:${l.line}: unexpected "{"`);
      else {
        last.block = [];
        stack.push(last.block);
      }
      last = undefined;
      continue;
    }
    if (l.text === "}") {
      if (stack.length === 1) reported(problems, `${l.file}:${l.line}: extra "}"`);
      else stack.pop();
      last = undefined;
      continue;
    }
    const statement: KeepalivedStatement = { words: words(l.text, problems).map(fromBytes), file: l.file, line: l.line };
    if (statement.words.length === 0) continue;
    if (SCRIPT_KEYWORDS.has(statement.words[0])) {
      const argv = scriptArgv(l.text);
      statement.argv = argv && argv.map(fromBytes);
      if (!argv) reported(problems, `${l.file}:${l.line}: keepalived cannot parse the script on '${fromBytes(l.text)}'`);
    }
    stack[stack.length - 1].push(statement);
    last = statement;
  }
  if (stack.length > 1) reported(problems, `${entry}: ${stack.length - 1} block(s) not closed`);
  return { statements: root, problems };
}

/** A reading as plain nested arrays, for comparisons: [words…] or [words…, [block…]]; scripts as their argv. */
export function shapeOf(statements: KeepalivedStatement[]): unknown[] {
  return statements.map((s) => {
    const head = s.argv !== undefined ? [s.words[0], { argv: s.argv }] : s.words;
    return s.block ? [...head, shapeOf(s.block)] : head;
  });
}
