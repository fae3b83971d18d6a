import { isDeepStrictEqual } from 'node:util';
import type { Checkpoint } from './checkpoint.js';
import { GENESIS_HASH, hashCanonical } from './log-chain.js';
import type { LogRow } from './queries.js';

/** One event as `export --format json` writes it: the readable fields (as `log` shows them), and what its hash covers. */
export interface ExportedEvent extends LogRow {
  /** The RFC 8785 canonical JSON of the event's content, exactly as hashed. */
  canonical: string;
  prevHash: string;
}

export type ExportVerdict = { ok: true; count: number; firstSeq: number | null; lastSeq: number | null; fromGenesis: boolean } | { ok: false; message: string };

/**
 * Re-checks an export with nothing but the file: every hash is SHA-256(prevHash, "\n", canonical),
 * each event chains to the one before it, and the readable fields say what the canonical text says
 * (so an export cannot show one thing and hash another). An export that starts at seq 1 must start
 * from the genesis hash; one cut with --since is pinned by a checkpoint inside it.
 */
export function verifyExport(doc: unknown): ExportVerdict {
  if (!Array.isArray(doc)) return { ok: false, message: 'not an export: expected a JSON array of events (export --format json)' };
  let prev: ExportedEvent | null = null;
  for (const [i, raw] of doc.entries()) {
    const e = raw as Partial<ExportedEvent>;
    const label = `entry ${i} (event ${String(e?.seq)})`;
    if (typeof e?.canonical !== 'string' || typeof e.prevHash !== 'string' || typeof e.hash !== 'string') {
      return { ok: false, message: `${label} has no canonical, prevHash and hash: export it again with this version's \`export --format json\`` };
    }
    if (hashCanonical(e.prevHash, e.canonical) !== e.hash) return { ok: false, message: `${label}: its hash does not match its canonical content (edited)` };
    let c: Record<string, unknown>;
    try {
      c = JSON.parse(e.canonical) as Record<string, unknown>;
    } catch {
      return { ok: false, message: `${label}: its canonical content is not JSON` };
    }
    const shown = { seq: e.seq, at: e.at, kind: e.kind, app: e.app, client: e.client, from: e.from, to: e.to, causeType: e.causeType, causeRef: e.causeRef, actor: e.actor, evidence: e.evidence };
    const hashed = { seq: c.seq, at: c.at, kind: c.kind, app: c.appId, client: c.clientId, from: c.fromStage, to: c.toStage, causeType: c.causeType, causeRef: c.causeRef, actor: c.actor, evidence: typeof c.evidence === 'string' ? (JSON.parse(c.evidence) as unknown) : undefined };
    if (!isDeepStrictEqual(shown, hashed)) return { ok: false, message: `${label}: its readable fields differ from the content its hash covers` };
    if (prev === null && e.seq === 1 && e.prevHash !== GENESIS_HASH) return { ok: false, message: `${label}: the first event does not start from the genesis hash` };
    if (prev !== null && (e.seq !== prev.seq + 1 || e.prevHash !== prev.hash)) {
      return { ok: false, message: `${label} does not chain to event ${prev.seq}: an event between them was removed or inserted` };
    }
    prev = e as ExportedEvent;
  }
  const rows = doc as ExportedEvent[];
  return { ok: true, count: rows.length, firstSeq: rows[0]?.seq ?? null, lastSeq: prev?.seq ?? null, fromGenesis: rows[0]?.seq === 1 };
}

/** Whether a verified export holds a signed checkpoint's event with the signed hash. */
export function exportMatchesCheckpoint(rows: ExportedEvent[], cp: Checkpoint): { ok: true } | { ok: false; message: string } {
  if (cp.seq === 0) return { ok: true };
  const row = rows.find((r) => r.seq === cp.seq);
  if (!row) {
    const first = rows[0]?.seq;
    const last = rows.at(-1)?.seq;
    return { ok: false, message: `the export (events ${first ?? '-'}…${last ?? '-'}) does not hold the checkpoint's event ${cp.seq}` };
  }
  if (row.hash !== cp.hash) return { ok: false, message: `event ${cp.seq} hashes to ${row.hash.slice(0, 16)}…, not ${cp.hash.slice(0, 16)}… as signed: the log was rebuilt or its past rewritten` };
  return { ok: true };
}
