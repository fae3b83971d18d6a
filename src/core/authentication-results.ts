/**
 * Authentication-Results (RFC 8601). Only the topmost header carrying our own receiving server's
 * authserv-id is trusted: our server prepends it, and any header below it — even one with our id —
 * may have been written by the sender (RFC 8601 §5; receivers are expected to remove forged ones,
 * but we do not rely on that).
 */
export interface MethodResult {
  method: string;
  result: string;
  /** `ptype.property` → value, e.g. `header.d` → `riversidefm.org`. */
  props: Record<string, string>;
}

export interface AuthResults {
  authservId: string;
  results: MethodResult[];
}

/** Removes RFC 5322 comments, which may nest, and keeps quoted strings intact. */
function stripComments(s: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      if (depth === 0) out += c + s[i + 1];
      i++;
    } else if (quoted) {
      out += c;
      if (c === '"') quoted = false;
    } else if (c === '"' && depth === 0) {
      quoted = true;
      out += c;
    } else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

export function parseAuthenticationResults(value: string): AuthResults | null {
  const parts = stripComments(value).split(';').map((p) => p.trim());
  const head = parts.shift();
  if (!head) return null;
  const authservId = head.split(/\s+/)[0]!.toLowerCase();
  if (!authservId) return null;
  const results: MethodResult[] = [];
  for (const part of parts) {
    if (!part || /^none$/i.test(part)) continue;
    const m = /^([a-z0-9_-]+)(?:\/[0-9]+)?\s*=\s*([a-z0-9_-]+)(.*)$/i.exec(part);
    if (!m) continue;
    const props: Record<string, string> = {};
    for (const p of m[3]!.matchAll(/([a-z0-9_-]+\.[a-z0-9_.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s]+)/gi)) {
      props[p[1]!.toLowerCase()] = p[2]!.replace(/^"|"$/g, '');
    }
    results.push({ method: m[1]!.toLowerCase(), result: m[2]!.toLowerCase(), props });
  }
  return { authservId, results };
}

/** The topmost Authentication-Results header with our authserv-id; all others are ignored. */
export function trustedAuthResults(headerValues: readonly string[], authservId: string): AuthResults | null {
  const want = authservId.toLowerCase();
  for (const v of headerValues) {
    const parsed = parseAuthenticationResults(v);
    if (parsed && parsed.authservId === want) return parsed;
  }
  return null;
}
