import * as openpgp from 'openpgp';
import type { Db } from './open-db.js';
import { verifyEventLog } from './event-log.js';
import { explainChainProblem } from './log-chain.js';

/**
 * A checkpoint: the chain head at one moment, signed by the bot's OpenPGP key. An auditor who keeps
 * it can later prove that the log still extends it. Anyone with write access can rebuild the whole
 * chain (the hashes need no secret), but not sign a new checkpoint for it.
 */
export interface Checkpoint {
  format: 'countersign-checkpoint/1';
  /** The seq and hash of the newest event, and how many events the log held. */
  seq: number;
  hash: string;
  count: number;
  /** When it was signed (UTC, ISO 8601). */
  at: string;
  /** The fingerprint of the key that signed it, upper-case hex. */
  signer: string;
}

export const CHECKPOINT_FORMAT = 'countersign-checkpoint/1';

/** The exact bytes signed: one JSON object (fixed key order) and a newline, so `gpg --verify` checks the file as stored. */
export const checkpointText = (c: Checkpoint): string =>
  `${JSON.stringify({ format: c.format, seq: c.seq, hash: c.hash, count: c.count, at: c.at, signer: c.signer })}\n`;

export type CheckpointRefusal = { kind: 'chain_broken'; message: string };

/** Signs the current head, refusing to vouch for a log whose chain is already broken. */
export async function signCheckpoint(
  db: Db,
  key: openpgp.PrivateKey,
  now: Date = new Date(),
): Promise<{ ok: true; checkpoint: Checkpoint; text: string; signature: string } | { ok: false; error: CheckpointRefusal }> {
  const v = verifyEventLog(db);
  if (!v.ok) return { ok: false, error: { kind: 'chain_broken', message: explainChainProblem(v.problem) } };
  const checkpoint: Checkpoint = { format: CHECKPOINT_FORMAT, seq: v.rows, hash: v.headHash, count: v.rows, at: now.toISOString(), signer: key.getFingerprint().toUpperCase() };
  const text = checkpointText(checkpoint);
  // Binary (not text) mode: the signature covers the file's bytes exactly as written.
  const signature = await openpgp.sign({ message: await openpgp.createMessage({ binary: Buffer.from(text, 'utf8') }), signingKeys: key, detached: true, format: 'armored' });
  return { ok: true, checkpoint, text, signature: signature as string };
}

export type CheckpointProblem =
  | { kind: 'unreadable'; message: string }
  | { kind: 'bad_signature'; message: string }
  | { kind: 'chain_broken'; message: string }
  | { kind: 'log_shorter'; seq: number; headSeq: number }
  | { kind: 'hash_differs'; seq: number; expected: string; found: string };

export function explainCheckpointProblem(p: CheckpointProblem): string {
  switch (p.kind) {
    case 'unreadable':
      return `not a checkpoint: ${p.message}`;
    case 'bad_signature':
      return `the signature does not verify with the bot's key: ${p.message}`;
    case 'chain_broken':
      return `the log chain is broken: ${p.message}`;
    case 'log_shorter':
      return `the checkpoint vouches for event ${p.seq} but the log ends at event ${p.headSeq}: events were deleted`;
    case 'hash_differs':
      return `event ${p.seq} now hashes to ${p.found.slice(0, 16)}…, not ${p.expected.slice(0, 16)}… as signed: the log was rebuilt or its past rewritten`;
    default: {
      const never: never = p;
      return never;
    }
  }
}

/** Reads a checkpoint file's text; a file that is not one is reported, never thrown. */
export function parseCheckpoint(text: string): Checkpoint | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { problem: 'not JSON' };
  }
  const c = raw as Partial<Checkpoint>;
  if (c?.format !== CHECKPOINT_FORMAT || !Number.isInteger(c.seq) || typeof c.hash !== 'string' || !/^[0-9a-f]{64}$/.test(c.hash) || !Number.isInteger(c.count) || typeof c.at !== 'string' || typeof c.signer !== 'string') {
    return { problem: `not a ${CHECKPOINT_FORMAT} document` };
  }
  return c as Checkpoint;
}

/** A checkpoint file whose detached signature verifies with the bot's public key. */
export async function readSignedCheckpoint(
  text: string,
  armoredSignature: string,
  publicKey: openpgp.PublicKey,
): Promise<{ ok: true; checkpoint: Checkpoint } | { ok: false; problem: CheckpointProblem }> {
  const parsed = parseCheckpoint(text);
  if ('problem' in parsed) return { ok: false, problem: { kind: 'unreadable', message: parsed.problem } };
  try {
    const signature = await openpgp.readSignature({ armoredSignature });
    const r = await openpgp.verify({ message: await openpgp.createMessage({ binary: Buffer.from(text, 'utf8') }), signature, verificationKeys: publicKey, expectSigned: true });
    await r.signatures[0]!.verified;
  } catch (e) {
    return { ok: false, problem: { kind: 'bad_signature', message: (e as Error).message } };
  }
  return { ok: true, checkpoint: parsed };
}

/**
 * Whether the log still extends a signed checkpoint: the signature verifies with the bot's key, the
 * chain is intact, and the event at the checkpoint's seq still has the signed hash. Because every
 * hash covers its predecessor, that one hash pins the whole past up to it.
 */
export async function checkAgainstCheckpoint(
  db: Db,
  text: string,
  armoredSignature: string,
  publicKey: openpgp.PublicKey,
): Promise<{ ok: true; checkpoint: Checkpoint } | { ok: false; problem: CheckpointProblem }> {
  const signed = await readSignedCheckpoint(text, armoredSignature, publicKey);
  if (!signed.ok) return signed;
  const parsed = signed.checkpoint;
  const v = verifyEventLog(db);
  if (!v.ok) return { ok: false, problem: { kind: 'chain_broken', message: explainChainProblem(v.problem) } };
  if (parsed.seq === 0) return { ok: true, checkpoint: parsed };
  if (v.rows < parsed.seq) return { ok: false, problem: { kind: 'log_shorter', seq: parsed.seq, headSeq: v.rows } };
  const row = db.$client.prepare('SELECT hash FROM events WHERE seq = ?').get(parsed.seq) as { hash: string } | undefined;
  if (!row || row.hash !== parsed.hash) return { ok: false, problem: { kind: 'hash_differs', seq: parsed.seq, expected: parsed.hash, found: row?.hash ?? '(none)' } };
  return { ok: true, checkpoint: parsed };
}
