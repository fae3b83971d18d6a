import { domainToUnicode } from 'node:url';
import { remove as removeConfusables } from 'confusables';
import { distance } from 'fastest-levenshtein';
import { getDomain } from 'tldts';
import type { ClientRef, SenderDirectory } from './sender-policy.js';

/**
 * The registry's domains indexed so that checking a sender costs the same with 10 clients or
 * 100,000: a map from domain to client, and for an unknown domain a lookalike search that reads a
 * few small buckets instead of walking every registered domain (with 20,000 clients that walk cost
 * 2.9 s per message).
 */
export type LookalikeHow = 'confusable' | 'punycode' | 'edit_distance' | 'other_suffix';

/** The organizational domain (RFC 7489 §3.2), by the public suffix list, private section included. */
export const orgDomain = (d: string): string => getDomain(d, { allowPrivateDomains: true }) ?? d;
/** The domain as it reads: Unicode, with confusable characters replaced by what they imitate. */
export const skeleton = (d: string): string => removeConfusables(domainToUnicode(d) || d).toLowerCase();
/** How many edits still make a lookalike: two for names of ten characters or more, else one. */
export const maxEdits = (length: number): number => (length >= 10 ? 2 : 1);
/** RFC 1035 §2.3.4: no domain name is longer; a longer one cannot be registered or resemble one. */
const MAX_DOMAIN_LENGTH = 253;

export interface SenderIndex {
  clientByDomain: ReadonlyMap<string, ClientRef>;
  staff: ReadonlySet<string>;
  /** Every registered domain, of clients and of staff addresses. */
  known: ReadonlySet<string>;
  /** A registered domain and its skeleton → the registered domains. */
  bySkeleton: ReadonlyMap<string, readonly string[]>;
  /** First label of an organizational domain (`riversidefm`) → registered domains and their organizational domain. */
  byLabel: ReadonlyMap<string, ReadonlyArray<{ domain: string; org: string }>>;
  /** Organizational domain → the first registered domain (registry order) under it. */
  orgs: ReadonlyMap<string, string>;
  /** `length|part|text` → organizational domains of that length holding that text as that part. */
  parts: ReadonlyMap<string, readonly string[]>;
}

/**
 * A string of this length cut into maxEdits + 1 parts. Pigeonhole: a string within k edits of it
 * keeps at least one part unchanged, shifted by at most k places, so a candidate shares a part.
 */
function cut(length: number): Array<{ start: number; length: number }> {
  const n = maxEdits(length) + 1;
  const base = Math.floor(length / n);
  const out: Array<{ start: number; length: number }> = [];
  for (let i = 0, start = 0; i < n; i++) {
    const len = base + (i < length % n ? 1 : 0);
    out.push({ start, length: len });
    start += len;
  }
  return out;
}

const push = <K, V>(m: Map<K, V[]>, k: K, v: V): void => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

export function buildSenderIndex(dir: SenderDirectory): SenderIndex {
  const clientByDomain = new Map<string, ClientRef>();
  for (const c of dir.clients) for (const d of c.domains) if (!clientByDomain.has(d)) clientByDomain.set(d, c);
  const known = new Set([...clientByDomain.keys(), ...dir.staff.map((s) => s.slice(s.lastIndexOf('@') + 1))]);
  const bySkeleton = new Map<string, string[]>();
  const byLabel = new Map<string, Array<{ domain: string; org: string }>>();
  const orgs = new Map<string, string>();
  const parts = new Map<string, string[]>();
  for (const domain of known) {
    push(bySkeleton, domain, domain);
    const sk = skeleton(domain);
    if (sk !== domain) push(bySkeleton, sk, domain);
    const org = orgDomain(domain);
    push(byLabel, org.split('.')[0]!, { domain, org });
    if (orgs.has(org)) continue;
    orgs.set(org, domain);
    for (const [i, p] of cut(org.length).entries()) push(parts, `${org.length}|${i}|${org.substr(p.start, p.length)}`, org);
  }
  return { clientByDomain, staff: new Set(dir.staff), known, bySkeleton, byLabel, orgs, parts };
}

const built = new WeakMap<readonly ClientRef[], { staff: readonly string[]; index: SenderIndex }>();

/**
 * The index of a directory, built once per registry snapshot: the decision context keeps the same
 * arrays until the registry changes, so every message after the first finds it here.
 */
export function senderIndex(dir: SenderDirectory): SenderIndex {
  const hit = built.get(dir.clients);
  if (hit && hit.staff === dir.staff) return hit.index;
  const index = buildSenderIndex(dir);
  built.set(dir.clients, { staff: dir.staff, index });
  return index;
}

/** The nearest registered parent of a domain (`a.riversidefm.org` → `riversidefm.org`), or null. */
export function registeredParent(index: SenderIndex, domain: string): string | null {
  if (domain.length > MAX_DOMAIN_LENGTH) return null;
  for (let dot = domain.indexOf('.'); dot !== -1; dot = domain.indexOf('.', dot + 1)) {
    const parent = domain.slice(dot + 1);
    if (index.known.has(parent)) return parent;
  }
  return null;
}

/**
 * A registered organizational domain between `least` and `limit` edits from `q` (and within its
 * own maxEdits), or null. Only the buckets of q's parts are read, and the search stops at the first
 * match; which match is found first is fixed by the scan order, so the answer is repeatable.
 */
export function nearOrg(index: SenderIndex, q: string, least: number, limit: number): string | null {
  const seen = new Set<string>();
  for (let length = Math.max(0, q.length - limit); length <= q.length + limit; length++) {
    const k = Math.min(limit, maxEdits(length));
    if (Math.abs(length - q.length) > k) continue;
    for (const [i, p] of cut(length).entries()) {
      for (let at = Math.max(0, p.start - k); at <= Math.min(q.length - p.length, p.start + k); at++) {
        for (const org of index.parts.get(`${length}|${i}|${q.substr(at, p.length)}`) ?? []) {
          if (seen.has(org)) continue;
          seen.add(org);
          const edits = distance(q, org);
          if (edits >= least && edits <= k) return org;
        }
      }
    }
  }
  return null;
}

/** A registered domain this unregistered one imitates, and how; null when it resembles none. */
export function findLookalike(index: SenderIndex, domain: string): { resembles: string; how: LookalikeHow } | null {
  if (domain.length > MAX_DOMAIN_LENGTH) return null;
  const same = index.bySkeleton.get(skeleton(domain))?.find((k) => k !== domain);
  if (same) return { resembles: same, how: domain.includes('xn--') ? 'punycode' : 'confusable' };
  const org = orgDomain(domain);
  const otherSuffix = index.byLabel.get(org.split('.')[0]!)?.find((k) => k.org !== org);
  if (otherSuffix) return { resembles: otherSuffix.domain, how: 'other_suffix' };
  const edited = nearOrg(index, org, 1, 2);
  if (edited) return { resembles: index.orgs.get(edited)!, how: 'edit_distance' };
  const sk = skeleton(org);
  const confusable = sk === org ? null : nearOrg(index, sk, 0, 1);
  if (confusable) return { resembles: index.orgs.get(confusable)!, how: 'confusable' };
  return null;
}
