import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

/** The content of an event row that its hash covers: every column but the hashes themselves. */
export interface EventContent {
  seq: number;
  at: string;
  kind: string;
  integrationId: number | null;
  appId: string | null;
  clientId: string | null;
  fromStage: string | null;
  toStage: string | null;
  causeType: string;
  causeRef: string | null;
  actor: string;
  /** The evidence column as stored (a JSON text), hashed as that exact text. */
  evidence: string;
}

/** SHA-256 over the previous hash, a newline and the row's canonical JSON (RFC 8785), hex. */
export function chainHash(prevHash: string, c: EventContent): string {
  return hashCanonical(prevHash, canonicalContent(c));
}

/** The hash of one event from its previous hash and its canonical text, as an auditor recomputes it. */
export const hashCanonical = (prevHash: string, canonical: string): string => createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');

/** The exact text an event's hash covers: its content fields in RFC 8785 canonical JSON. */
export function canonicalContent(c: EventContent): string {
  // Only the content fields, whatever else the object carries (a row read back also has its hashes).
  const content: EventContent = {
    seq: c.seq,
    at: c.at,
    kind: c.kind,
    integrationId: c.integrationId,
    appId: c.appId,
    clientId: c.clientId,
    fromStage: c.fromStage,
    toStage: c.toStage,
    causeType: c.causeType,
    causeRef: c.causeRef,
    actor: c.actor,
    evidence: c.evidence,
  };
  const canonical = canonicalize(content);
  if (canonical === undefined) throw new Error('event content cannot be canonicalized');
  return canonical;
}

export interface ChainRow extends EventContent {
  prevHash: string;
  hash: string;
}

export type ChainProblem =
  | { kind: 'row_edited'; seq: number }
  | { kind: 'chain_broken'; seq: number; previousSeq: number | null }
  | { kind: 'rows_deleted_at_end'; afterSeq: number | null; headSeq: number }
  | { kind: 'rows_appended_outside_log'; seq: number; headSeq: number | null };

export type ChainVerdict = { ok: true; rows: number; headHash: string } | { ok: false; problem: ChainProblem; rows: number };

/**
 * Walks the rows in seq order. The first row whose own hash does not match its content was edited;
 * the first row that does not chain to its predecessor follows a deletion, an insertion or an edit
 * that recomputed the edited row's hash. The head (kept in the same transaction as each append)
 * catches rows deleted from, or slipped onto, the end.
 */
export function verifyChain(rows: Iterable<ChainRow>, head: { seq: number; hash: string } | undefined): ChainVerdict {
  let prev: ChainRow | null = null;
  let count = 0;
  for (const row of rows) {
    count++;
    const expectedPrev: string = prev ? prev.hash : GENESIS_HASH;
    if (row.prevHash !== expectedPrev || (prev !== null && row.seq !== prev.seq + 1) || (prev === null && row.seq !== 1)) {
      return { ok: false, rows: count, problem: { kind: 'chain_broken', seq: row.seq, previousSeq: prev?.seq ?? null } };
    }
    if (chainHash(row.prevHash, row) !== row.hash) {
      return { ok: false, rows: count, problem: { kind: 'row_edited', seq: row.seq } };
    }
    if (head && row.seq > head.seq) {
      return { ok: false, rows: count, problem: { kind: 'rows_appended_outside_log', seq: row.seq, headSeq: head.seq } };
    }
    prev = row;
  }
  const last = prev as ChainRow | null;
  if (!head) {
    if (last) return { ok: false, rows: count, problem: { kind: 'rows_appended_outside_log', seq: 1, headSeq: null } };
    return { ok: true, rows: 0, headHash: GENESIS_HASH };
  }
  if (!last || last.seq < head.seq || last.hash !== head.hash) {
    if (last && last.seq === head.seq) return { ok: false, rows: count, problem: { kind: 'row_edited', seq: last.seq } };
    return { ok: false, rows: count, problem: { kind: 'rows_deleted_at_end', afterSeq: last?.seq ?? null, headSeq: head.seq } };
  }
  return { ok: true, rows: count, headHash: last.hash };
}

export function explainChainProblem(p: ChainProblem): string {
  switch (p.kind) {
    case 'row_edited':
      return `event ${p.seq} was edited: its content no longer matches its hash`;
    case 'chain_broken':
      return p.previousSeq === null
        ? `event ${p.seq} is not the first row of the chain: rows before it were deleted, or it was inserted`
        : `event ${p.seq} does not chain to event ${p.previousSeq}: a row between them was deleted or inserted, or event ${p.previousSeq} was replaced`;
    case 'rows_deleted_at_end':
      return `the log ends at event ${p.afterSeq ?? 'none'} but its head records event ${p.headSeq}: the newest rows were deleted`;
    case 'rows_appended_outside_log':
      return `event ${p.seq} lies beyond the recorded head (${p.headSeq ?? 'none'}): it was inserted outside Countersign`;
    default: {
      const never: never = p;
      return never;
    }
  }
}
