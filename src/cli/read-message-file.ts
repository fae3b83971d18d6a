import { open } from 'node:fs/promises';

const STEP = 1024 * 1024;

/**
 * At most `max` bytes of a message file, and its size: the full size for a regular file (fstat),
 * otherwise what was read. A 2 GB file costs `max` bytes of memory, not 2 GB; a pipe
 * (`classify <(…)`) is read in steps until `max` bytes or its end.
 */
export async function readMessageFile(file: string, max: number): Promise<{ raw: Buffer; size: number }> {
  const handle = await open(file, 'r');
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    const chunks: Buffer[] = [];
    let length = 0;
    while (length < max) {
      // A regular file is read in one buffer of its size (plus one byte, to notice growth).
      const buf = Buffer.alloc(Math.min(max - length, st.isFile() ? Math.max(1, st.size + 1 - length) : STEP));
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      length += bytesRead;
    }
    return { raw: Buffer.concat(chunks, length), size: st.isFile() ? Math.max(st.size, length) : length };
  } finally {
    await handle.close();
  }
}
