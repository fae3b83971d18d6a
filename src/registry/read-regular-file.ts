import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

export type ReadFileResult = { ok: true; bytes: Buffer } | { ok: false; problem: string };

/**
 * Reads a file the operator named, refusing anything but a regular file of at most `maxBytes`.
 * The file is opened non-blocking and checked with fstat on the open descriptor, not by path first:
 * opening a FIFO for reading would otherwise wait for a writer forever, and a path checked before it
 * is opened can be swapped in between. At most the size fstat gave plus one byte is ever read.
 */
export async function readRegularFile(file: string, maxBytes: number): Promise<ReadFileResult> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, problem: code === 'ENOENT' ? 'missing' : code === 'EACCES' ? 'not readable (permission denied)' : (code ?? (e as Error).message) };
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) return { ok: false, problem: 'is a folder, not a file' };
    if (st.isFIFO()) return { ok: false, problem: 'is a named pipe (FIFO), not a regular file' };
    if (st.isSocket()) return { ok: false, problem: 'is a socket, not a regular file' };
    if (st.isCharacterDevice() || st.isBlockDevice()) return { ok: false, problem: 'is a device, not a regular file' };
    if (!st.isFile()) return { ok: false, problem: 'is not a regular file' };
    if (st.size > maxBytes) return { ok: false, problem: `is ${st.size} bytes, over the ${maxBytes}-byte limit` };
    // One byte more than fstat said, so a file that grows while it is read is noticed, not truncated.
    const buf = Buffer.alloc(st.size + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > st.size) return { ok: false, problem: 'changed while it was read; try again' };
    }
    return { ok: true, bytes: buf.subarray(0, length) };
  } catch (e) {
    return { ok: false, problem: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  } finally {
    await handle.close();
  }
}
