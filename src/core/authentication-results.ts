/**
 * Authentication-Results (RFC 8601) as evidence. Only the topmost header carrying our own receiving
 * server's authserv-id is trusted: our server prepends it, and any header below it — even one with
 * our id — may have been written by the sender (RFC 8601 §5; receivers are expected to remove forged
 * ones, but we do not rely on that). Headers with other ids, above or below, say nothing to us.
 */
import { parseAuthenticationResults, readAuthservId, type AuthResults, type AuthResultsSyntaxError, type MethodResult } from './parse-authentication-results.js';
import type { AuthEvidence } from './sender-policy.js';

export { parseAuthenticationResults, type AuthResults, type AuthResultsSyntaxError, type MethodResult } from './parse-authentication-results.js';

export type TrustedAuthResults =
  | { kind: 'found'; results: AuthResults }
  | { kind: 'absent' }
  /** Our server's header, unreadable: no evidence at all, and no falling back to a lower one. */
  | { kind: 'malformed'; error: AuthResultsSyntaxError };

/** The topmost Authentication-Results header with our authserv-id (case-insensitive); all others are ignored. */
export function trustedAuthResults(headerValues: readonly string[], authservId: string): TrustedAuthResults {
  const want = authservId.toLowerCase();
  for (const v of headerValues) {
    if (readAuthservId(v) !== want) continue;
    const parsed = parseAuthenticationResults(v);
    return parsed.ok ? { kind: 'found', results: parsed.value } : { kind: 'malformed', error: parsed.error };
  }
  return { kind: 'absent' };
}

/** Results grouped by method, each group in the order written. */
export function groupByMethod(results: readonly MethodResult[]): ReadonlyMap<string, readonly MethodResult[]> {
  const groups = new Map<string, MethodResult[]>();
  for (const r of results) groups.set(r.method, [...(groups.get(r.method) ?? []), r]);
  return groups;
}

const dkimDomain = (r: MethodResult): string => (r.props['header.d'] ?? r.props['header.i']?.slice(r.props['header.i'].lastIndexOf('@') + 1) ?? '').toLowerCase();
const describeDmarc = (r: MethodResult): string => `${r.result} for ${r.props['header.from']?.toLowerCase() ?? 'no header.from'}`;
const describeDkim = (r: MethodResult): string => `${r.result} for ${dkimDomain(r) || 'no header.d'}`;

/**
 * One method reported several times with different outcomes (a pass and a fail, or passes for two
 * From domains) leaves us choosing which line to believe: we believe none of them.
 */
function disagreement(name: string, results: readonly MethodResult[], outcome: (r: MethodResult) => string, describe: (r: MethodResult) => string): string | null {
  const outcomes = new Set(results.map(outcome));
  if (outcomes.size < 2) return null;
  return `our server reported ${name} ${results.length} times with different results (${[...new Set(results.map(describe))].join('; ')})`;
}

/** A method version other than 1 (RFC 8601 §2.2: absent means 1) may mean something else by the same words. */
function unknownVersion(results: readonly MethodResult[]): string | null {
  const r = results.find((x) => x.version !== null && x.version !== 1);
  return r ? `${r.method}/${r.version} is a method version Countersign does not read` : null;
}

/** What our server's header says about DMARC and DKIM, or why it says nothing we can use. */
export function evidenceFromHeader(trusted: TrustedAuthResults): AuthEvidence | null {
  if (trusted.kind === 'absent') return null;
  if (trusted.kind === 'malformed') {
    const { at, expected } = trusted.error;
    return { source: 'authentication-results', dmarc: null, dkimPass: [], spf: null, doubt: `our server's Authentication-Results header is malformed (expected ${expected} at character ${at + 1})` };
  }
  const groups = groupByMethod(trusted.results.results);
  const dmarcs = groups.get('dmarc') ?? [];
  const dkims = groups.get('dkim') ?? [];
  const doubt =
    disagreement('DMARC', dmarcs, (r) => `${r.result} ${r.props['header.from']?.toLowerCase()}`, describeDmarc) ??
    disagreement('DKIM', dkims, (r) => r.result, describeDkim) ??
    unknownVersion([...dmarcs, ...dkims]);
  const dmarc = dmarcs[0];
  const spf = [...new Set((groups.get('spf') ?? []).map((r) => r.result))].join('/');
  return {
    source: 'authentication-results',
    dmarc: dmarc ? { result: dmarc.result, fromDomain: dmarc.props['header.from']?.toLowerCase() ?? null } : null,
    dkimPass: dkims.filter((r) => r.result === 'pass').map(dkimDomain).filter(Boolean),
    spf: spf || null,
    ...(doubt ? { doubt } : {}),
  };
}
