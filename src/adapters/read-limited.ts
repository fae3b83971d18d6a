import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

/** How much of an oversized message is kept as evidence: its head, where the headers are. */
export const OVERSIZE_HEAD_BYTES = 64 * 1024;

/**
 * Reads a message stream keeping at most `limit` bytes in memory while hashing all of it, so a
 * 30 MB message costs 64 KB of memory, not 30 MB.
 */
export async function readLimited(stream: Readable, limit: number): Promise<{ raw: Buffer; size: number; sha256: string; complete: boolean }> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let kept = 0;
  let size = 0;
  let complete = true;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    hash.update(buf);
    size += buf.length;
    if (kept < limit) {
      const part = buf.subarray(0, limit - kept);
      chunks.push(part);
      kept += part.length;
    }
    if (size > limit) complete = false;
  }
  return { raw: Buffer.concat(chunks), size, sha256: hash.digest('hex'), complete };
}
