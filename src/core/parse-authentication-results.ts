import { err, ok, type Result } from './result.js';

/**
 * The Authentication-Results header field (RFC 8601 §2.2), read by its grammar:
 *
 *   authres-payload = [CFWS] authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo ) [CFWS]
 *   no-result  = [CFWS] ";" [CFWS] "none"
 *   resinfo    = [CFWS] ";" methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
 *   methodspec = [CFWS] method [ [CFWS] "/" [CFWS] version ] [CFWS] "=" [CFWS] result
 *   reasonspec = "reason" [CFWS] "=" [CFWS] value
 *   propspec   = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
 *   pvalue     = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]
 *
 * `value` is an RFC 2045 token or an RFC 5322 quoted-string; comments (RFC 5322 §3.2.2) may nest
 * and hold quoted-pairs. A `;` inside a quoted string or a comment separates nothing: that is the
 * whole point, since the sender chooses what our server quotes (its HELO name, its envelope sender).
 *
 * One scan, left to right, with no regular expression: time is linear in the input whatever it holds.
 */
export interface MethodResult {
  /** Lower-case method name (`dmarc`, `dkim`, `spf`…). */
  method: string;
  /** The method's version (`dkim/1`), or null when none is written (version 1 is assumed). */
  version: number | null;
  /** Lower-case result keyword (`pass`, `fail`…). */
  result: string;
  /** The `reason=` value, unquoted, or null. */
  reason: string | null;
  /** `ptype.property` (lower-case) → value as written, unquoted, e.g. `header.d` → `riversidefm.org`. */
  props: Record<string, string>;
}

export interface AuthResults {
  /** Lower-case authserv-id: who wrote the header. */
  authservId: string;
  /** The header's version, or null when none is written. */
  version: number | null;
  /** The results in the order written; empty for `none` (no authentication was done). */
  results: MethodResult[];
}

export interface AuthResultsSyntaxError {
  /** Zero-based offset of the character where the grammar was broken. */
  at: number;
  expected: string;
}

/** Far above any real header (a few hundred bytes, a few KB with many signatures). */
export const MAX_AUTH_RESULTS_LENGTH = 65_536;

type Parsed<T> = T | Fail;
class Fail {
  constructor(readonly error: AuthResultsSyntaxError) {}
}

const isWsp = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLetDig = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c));
/** Characters an unquoted value may hold: not space, control, or a delimiter of this grammar. */
const isValueChar = (c: string): boolean => c > ' ' && c !== '\x7f' && c !== '(' && c !== ')' && c !== ';' && c !== '"' && c !== '\\';

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }
  /** The next character (a method, not a getter: TypeScript would narrow a getter across `i++`). */
  c(): string | undefined {
    return this.s[this.i];
  }
  fail(expected: string, at = this.i): Fail {
    return new Fail({ at, expected });
  }

  /** [CFWS]: white space and comments; a comment nests and may escape any character. */
  cfws(): Fail | null {
    for (;;) {
      while (isWsp(this.c())) this.i++;
      if (this.c() !== '(') return null;
      const open = this.i;
      let depth = 0;
      do {
        const c = this.s[this.i];
        if (c === undefined) return this.fail(`")" closing the comment opened at ${open}`);
        if (c === '\\') this.i++;
        else if (c === '(') depth++;
        else if (c === ')') depth--;
        this.i++;
      } while (depth > 0);
    }
  }

  /** A quoted-string, returned without its quotes and with quoted-pairs unescaped. */
  quoted(): Parsed<string> {
    const open = this.i++;
    let out = '';
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined) return this.fail(`'"' closing the string opened at ${open}`);
      if (c === '"') return out;
      if (c === '\\') {
        const next = this.s[this.i++];
        if (next === undefined) return this.fail('a character after "\\"', this.i - 1);
        out += next;
      } else out += c;
    }
  }

  /** Letters, digits and hyphens, ending with a letter or digit (RFC 5321 Ldh-str). */
  keyword(what: string): Parsed<string> {
    const start = this.i;
    while (isLetDig(this.c()) || this.c() === '-') this.i++;
    if (this.i === start || this.s[this.i - 1] === '-') return this.fail(what, start);
    return this.s.slice(start, this.i);
  }

  digits(what: string): Parsed<number> {
    const start = this.i;
    while (isDigit(this.c())) this.i++;
    // More than nine digits cannot be a version we know; Number() would also lose them.
    if (this.i === start || this.i - start > 9) return this.fail(what, start);
    return Number(this.s.slice(start, this.i));
  }

  unquoted(what: string): Parsed<string> {
    const start = this.i;
    while (!this.done && isValueChar(this.s[this.i]!)) this.i++;
    return this.i === start ? this.fail(what, start) : this.s.slice(start, this.i);
  }

  /** value = token / quoted-string. Tokens are read a little wider than RFC 2045 (see pvalue). */
  value(what: string): Parsed<string> {
    return this.c() === '"' ? this.quoted() : this.unquoted(what);
  }

  /**
   * pvalue: a value, or `local-part@domain` whose local part may be a quoted-string. Unquoted, we
   * also take `/`, `=`, `@` and the like, because deployed verifiers write a DKIM `header.b` as
   * bare base64; that widening cannot hide a `;`, a quote or a comment, so it splits nothing new.
   */
  pvalue(): Parsed<string> {
    if (this.c() !== '"') return this.unquoted('a property value');
    const local = this.quoted();
    if (local instanceof Fail || this.c() !== '@') return local;
    this.i++;
    const domain = this.unquoted('a domain after "@"');
    if (domain instanceof Fail) return domain;
    return `"${local.replace(/["\\]/g, '\\$&')}"@${domain}`;
  }
}

function resinfo(r: Reader): Parsed<MethodResult> {
  const method = r.keyword('a method name');
  if (method instanceof Fail) return method;
  let f = r.cfws();
  if (f) return f;
  let version: number | null = null;
  if (r.c() === '/') {
    r.i++;
    if ((f = r.cfws())) return f;
    const v = r.digits('a method version');
    if (v instanceof Fail) return v;
    version = v;
    if ((f = r.cfws())) return f;
  }
  if (r.c() !== '=') return r.fail(`"=" after the method ${method}`);
  r.i++;
  if ((f = r.cfws())) return f;
  const result = r.keyword(`a result for ${method}`);
  if (result instanceof Fail) return result;
  const out: MethodResult = { method: method.toLowerCase(), version, result: result.toLowerCase(), reason: null, props: {} };
  let sawProperty = false;
  for (;;) {
    const before = r.i;
    if ((f = r.cfws())) return f;
    if (r.done || r.c() === ';') return out;
    if (r.i === before) return r.fail('";", a space or the end of the header');
    const at = r.i;
    const name = r.keyword('a property (ptype.property=value)');
    if (name instanceof Fail) return name;
    if ((f = r.cfws())) return f;
    let key = name.toLowerCase();
    if (r.c() === '.') {
      r.i++;
      if ((f = r.cfws())) return f;
      const property = r.keyword('a property name after "."');
      if (property instanceof Fail) return property;
      key = `${key}.${property.toLowerCase()}`;
      if ((f = r.cfws())) return f;
    } else if (r.c() !== '=') return r.fail(`"." or "=" after ${name}`);
    if (r.c() !== '=') return r.fail(`"=" after ${key}`);
    r.i++;
    if ((f = r.cfws())) return f;
    if (key === 'reason' && out.reason === null && !sawProperty) {
      const reason = r.value('a reason');
      if (reason instanceof Fail) return reason;
      out.reason = reason;
      continue;
    }
    // A bare `name=value` is not RFC 8601 (Microsoft 365 writes `action=none`): kept, never read.
    const value = r.pvalue();
    if (value instanceof Fail) return value;
    // Two values for one property would leave us choosing which to believe: refuse the header.
    if (Object.hasOwn(out.props, key)) return r.fail(`${key} only once`, at);
    out.props[key] = value;
    sawProperty = true;
  }
}

function payload(r: Reader): Parsed<AuthResults> {
  const id = authservIdAt(r);
  if (id instanceof Fail) return id;
  let f = r.cfws();
  if (f) return f;
  let version: number | null = null;
  if (isDigit(r.c())) {
    const at = r.i;
    const v = r.digits('a version');
    if (v instanceof Fail) return v;
    // Only version 1 exists (RFC 8601 §2.2); another could mean another grammar.
    if (v !== 1) return r.fail('version 1', at);
    version = v;
    if ((f = r.cfws())) return f;
  }
  const results: MethodResult[] = [];
  if (r.c() !== ';') return r.fail('";" after the authserv-id');
  while (r.c() === ';') {
    r.i++;
    if ((f = r.cfws())) return f;
    // Several verifiers end the last result with a ";": tolerated, it cannot change any result.
    if (r.done && results.length > 0) break;
    const at = r.i;
    const word = r.keyword('a method name');
    if (word instanceof Fail) return word;
    if ((f = r.cfws())) return f;
    if (word.toLowerCase() === 'none' && results.length === 0 && r.done) break;
    if (word.toLowerCase() === 'none' && (r.done || r.c() === ';')) return r.fail('"none" alone, with no other result', at);
    r.i = at;
    const res = resinfo(r);
    if (res instanceof Fail) return res;
    results.push(res);
  }
  if (!r.done) return r.fail('";" or the end of the header');
  return { authservId: id, version, results };
}

function authservIdAt(r: Reader): Parsed<string> {
  const f = r.cfws();
  if (f) return f;
  const id = r.value('an authserv-id');
  return id instanceof Fail ? id : id.toLowerCase();
}

/** Parses one header value. A malformed header is an error value, never an exception. */
export function parseAuthenticationResults(value: string): Result<AuthResults, AuthResultsSyntaxError> {
  if (value.length > MAX_AUTH_RESULTS_LENGTH) return err({ at: MAX_AUTH_RESULTS_LENGTH, expected: `at most ${MAX_AUTH_RESULTS_LENGTH} characters` });
  const parsed = payload(new Reader(value));
  return parsed instanceof Fail ? err(parsed.error) : ok(parsed);
}

/**
 * Only the authserv-id (lower-case), read as the full parse reads it: enough to know whether a
 * header claims to be ours even when the rest of it is broken. Null when there is none to read.
 * No size cap here: our own header made too long (a sender can add signatures until it is) must
 * still be recognised as ours and refused, never skipped for a forged one below it. Reading the id
 * is one scan of the header's start, linear whatever follows.
 */
export function readAuthservId(value: string): string | null {
  const id = authservIdAt(new Reader(value));
  return id instanceof Fail ? null : id;
}
