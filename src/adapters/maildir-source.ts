import { createHash } from 'node:crypto';
import { createReadStream, watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FolderKey, Incoming, Location, MailSource } from '../mailbox/mail-port.js';
import { OVERSIZE_HEAD_BYTES, readLimited } from './read-limited.js';

/** The unique part of a Maildir file name: everything before the ":2," info. */
const uniqueOf = (name: string) => name.split(':')[0]!;
const flagsOf = (name: string) => (name.includes(':2,') ? name.slice(name.indexOf(':2,') + 3) : '');

/**
 * The embedded default: a local Maildir (new/ cur/ tmp/). Handled mail is filed as a mail client
 * would: moved to cur/ with the Seen flag (`:2,S`), inside the Maildir++ folder for its outcome
 * (`.Countersign.Processed/` …) when moving is on, in the same Maildir when it is off.
 */
export class MaildirSource implements MailSource {
  readonly mailbox: string;
  private watcher: FSWatcher | null = null;
  private queue: { loc: Location; folder: FolderKey }[] = [];

  constructor(
    private readonly dir: string,
    private readonly opts: { move: boolean; folders: Record<FolderKey, string>; maxMessageBytes: number; beforeMark: () => void },
  ) {
    this.mailbox = `maildir:${path.resolve(dir)}`;
  }

  async open(): Promise<void> {
    for (const sub of ['new', 'cur', 'tmp']) await mkdir(path.join(this.dir, sub), { recursive: true });
  }

  async close(): Promise<void> {
    this.watcher?.close();
    this.watcher = null;
  }

  private folderDir(folder: FolderKey): string {
    if (!this.opts.move) return this.dir;
    return path.join(this.dir, `.${this.opts.folders[folder].replace(/[/.]/g, '.')}`);
  }

  /** Files not yet filed: everything in new/, and anything in cur/ a client left without the Seen flag. */
  private async pendingFiles(): Promise<{ file: string; key: string }[]> {
    const out: { file: string; key: string }[] = [];
    for (const name of (await readdir(path.join(this.dir, 'new'))).sort()) {
      if (!name.startsWith('.')) out.push({ file: path.join(this.dir, 'new', name), key: uniqueOf(name) });
    }
    for (const name of (await readdir(path.join(this.dir, 'cur'))).sort()) {
      if (!name.startsWith('.') && !flagsOf(name).includes('S')) out.push({ file: path.join(this.dir, 'cur', name), key: uniqueOf(name) });
    }
    return out;
  }

  pendingTotal: number | undefined;

  async *pending(): AsyncIterable<Incoming> {
    const files = await this.pendingFiles();
    this.pendingTotal = files.length;
    for (const { file, key } of files) {
      let size: number;
      try {
        size = (await stat(file)).size;
      } catch {
        continue; // gone meanwhile (a client moved it): it will be found where it went, if anywhere
      }
      const loc: Location & { file: string } = { mailbox: this.mailbox, key, file };
      if (size > this.opts.maxMessageBytes) {
        const r = await readLimited(createReadStream(file), OVERSIZE_HEAD_BYTES);
        yield { loc, raw: r.raw, size: r.size, sha256: r.sha256, complete: false };
      } else {
        const raw = await readFile(file);
        yield { loc, raw, size: raw.length, sha256: createHash('sha256').update(raw).digest('hex'), complete: true };
      }
    }
  }

  async mark(loc: Location, folder: FolderKey): Promise<void> {
    this.queue.push({ loc, folder });
  }

  /** Files what was marked, after the barrier that makes its recorded outcomes durable. */
  async flush(): Promise<string[]> {
    const items = this.queue.splice(0);
    if (items.length === 0) return [];
    this.opts.beforeMark();
    for (const { loc, folder } of items) await this.file(loc, folder);
    return items.map((i) => i.loc.key);
  }

  private async file(loc: Location, folder: FolderKey): Promise<void> {
    const file = (loc as Location & { file?: string }).file ?? (await this.locate(loc.key));
    if (!file) return;
    const name = path.basename(file);
    const flags = [...new Set((flagsOf(name) + 'S').split(''))].sort().join('');
    const target = this.folderDir(folder);
    for (const sub of ['new', 'cur', 'tmp']) await mkdir(path.join(target, sub), { recursive: true });
    await rename(file, path.join(target, 'cur', `${uniqueOf(name)}:2,${flags}`));
  }

  private async locate(key: string): Promise<string | null> {
    for (const sub of ['new', 'cur']) {
      const hit = (await readdir(path.join(this.dir, sub))).find((n) => uniqueOf(n) === key);
      if (hit) return path.join(this.dir, sub, hit);
    }
    return null;
  }

  /** Resolves when something arrives in new/ or after `ms`, whichever is first. */
  waitForChange(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.watcher?.close();
        this.watcher = null;
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      try {
        this.watcher = watch(path.join(this.dir, 'new'), done);
      } catch {
        /* polling alone still works */
      }
    });
  }
}
