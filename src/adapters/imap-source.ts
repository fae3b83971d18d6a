import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import type { ImapFlow } from 'imapflow';
import type { ImapConfig } from '../config.js';
import type { FolderKey, Incoming, Location, MailSource } from '../mailbox/mail-port.js';
import type { Logger } from '../logger.js';
import { connectImap, describeImapError, mailboxPath, type Namespace } from './imap-login.js';
import type { AccessTokens } from './oauth/access-tokens.js';
import { OVERSIZE_HEAD_BYTES, readLimited } from './read-limited.js';

export interface ImapSourceOptions {
  move: boolean;
  folders: Record<FolderKey, string>;
  maxMessageBytes: number;
  /** Read-only (EXAMINE): no flags, no moves. */
  readOnly: boolean;
  idleRestartMs: number;
  /** Which UIDs are already finished, for a mailbox where handled mail stays in place. */
  isMarked: (key: string) => boolean;
  /** Runs before the server is told anything: makes the recorded outcomes durable. */
  beforeMark: () => void;
  logger: Logger;
  /** OAuth2 access tokens for the login; absent: the password. */
  tokens?: AccessTokens | null | undefined;
  /** Test seam (COUNTERSIGN_TEST_PAUSE_BEFORE_MOVE): the first move waits for this file. */
  testPauseBeforeMove?: string | null | undefined;
}

const BATCH_MESSAGES = 100;
const BATCH_BYTES = 32 * 1024 * 1024;

/**
 * The mailbox over IMAP (imapflow). Messages are fetched in batches bounded by count and bytes;
 * IMAP commands cannot run inside a FETCH, so marks are queued and carried out between batches.
 */
export class ImapSource implements MailSource {
  readonly mailbox: string;
  private client: ImapFlow | null = null;
  private uidValidity = 0;
  private namespace: Namespace | null = null;
  /**
   * New mail was announced (an untagged EXISTS) since the current drain began: in the answer to our
   * own STORE, MOVE or FETCH, or during IDLE. RFC 3501 §7: such data may come with any response, and
   * the server does not repeat it; the next wait returns at once instead of missing it.
   */
  private announced = false;
  private paused = false;
  private queue: { uid: number; key: string; folder: FolderKey }[] = [];
  private done: string[] = [];
  /**
   * True while pending() is under way. Marks are then carried out only by pending() itself, between
   * its batches: a STORE or MOVE sent from outside could be queued behind the next batch's FETCH,
   * which waits for its messages to be taken, while whoever took them waits for the MOVE (a deadlock
   * seen with messages fetched ahead of recording).
   */
  private draining = false;

  constructor(
    private readonly imap: ImapConfig,
    private readonly opts: ImapSourceOptions,
  ) {
    this.mailbox = imap.display;
  }

  private get c(): ImapFlow {
    if (!this.client || !this.client.usable) throw Object.assign(new Error('IMAP connection is not usable'), { code: 'NoConnection' });
    return this.client;
  }

  async open(): Promise<void> {
    const client = await connectImap(
      this.imap,
      this.opts.tokens ?? null,
      {
        disableAutoIdle: true,
        // IDLE connections hang silently in the wild: restart IDLE every few minutes.
        maxIdleTime: this.opts.idleRestartMs,
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 10 * 60_000,
      },
      (err: Error) => this.opts.logger.debug({ err: { message: err.message, code: (err as { code?: string }).code } }, 'imap connection error'),
    );
    client.on('exists', () => {
      this.announced = true;
    });
    this.client = client;
    // Names resolved through the personal namespace (RFC 2342), as the server presents folders.
    this.namespace = client.namespace ?? null;
    const path = mailboxPath(this.namespace, this.imap.mailbox);
    let mb;
    try {
      mb = await client.mailboxOpen(path, { readOnly: this.opts.readOnly });
    } catch (e) {
      throw Object.assign(new Error(`cannot open the mailbox ${path}: ${describeImapError(e)}`), { code: 'NoMailbox' });
    }
    this.uidValidity = Number(mb.uidValidity);
    if (!this.namespace?.delimiter && mb.delimiter) this.namespace = { ...this.namespace, delimiter: mb.delimiter };
    if (this.opts.move && !this.opts.readOnly) {
      for (const key of Object.keys(this.opts.folders) as FolderKey[]) {
        const folder = this.folderPath(key);
        try {
          await client.mailboxCreate(folder);
        } catch (e) {
          // ALREADYEXISTS is fine; anything else surfaces when the move is tried.
          this.opts.logger.debug({ folder, err: (e as Error).message }, 'mailbox create');
        }
      }
    }
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (!c) return;
    try {
      if (c.usable) await c.logout();
    } catch {
      /* closing anyway */
    }
    c.close();
  }

  private folderPath(folder: FolderKey): string {
    return mailboxPath(this.namespace, this.opts.folders[folder]);
  }

  private loc(uid: number): Location {
    return { mailbox: this.mailbox, key: `${this.uidValidity}:${uid}`, uidValidity: this.uidValidity, uid };
  }

  pendingTotal: number | undefined;

  async *pending(): AsyncIterable<Incoming> {
    this.draining = true;
    try {
      yield* this.batches();
    } finally {
      this.draining = false;
    }
  }

  private async *batches(): AsyncIterable<Incoming> {
    // From here on, an announcement means mail this SEARCH may not have seen.
    this.announced = false;
    const found = await this.c.search({ all: true }, { uid: true });
    const uids = (Array.isArray(found) ? found : []).filter((u) => !this.opts.isMarked(`${this.uidValidity}:${u}`)).sort((a, b) => a - b);
    this.pendingTotal = uids.length;
    for (let i = 0; i < uids.length; i += BATCH_MESSAGES) {
      const slice = uids.slice(i, i + BATCH_MESSAGES);
      const sizes = new Map<number, number>();
      for (const m of await this.c.fetchAll(slice.join(','), { uid: true, size: true }, { uid: true })) sizes.set(m.uid, m.size ?? 0);
      const normal: number[][] = [[]];
      let bytes = 0;
      const oversized: number[] = [];
      for (const uid of slice) {
        if (!sizes.has(uid)) continue; // expunged meanwhile
        const size = sizes.get(uid)!;
        if (size > this.opts.maxMessageBytes) {
          oversized.push(uid);
          continue;
        }
        if (bytes + size > BATCH_BYTES && normal.at(-1)!.length > 0) {
          normal.push([]);
          bytes = 0;
        }
        normal.at(-1)!.push(uid);
        bytes += size;
      }
      for (const group of normal.filter((g) => g.length > 0)) {
        for await (const msg of this.c.fetch(group.join(','), { uid: true, source: true }, { uid: true })) {
          const raw = msg.source ?? Buffer.alloc(0);
          yield { loc: this.loc(msg.uid), raw, size: raw.length, sha256: createHash('sha256').update(raw).digest('hex'), complete: true };
        }
        await this.flushQueue();
      }
      for (const uid of oversized) {
        // Streamed and hashed, keeping only the head: a 30 MB message costs 64 KB here.
        const dl = await this.c.download(String(uid), undefined, { uid: true });
        if (!('content' in dl) || !dl.content) continue;
        const r = await readLimited(dl.content, OVERSIZE_HEAD_BYTES);
        yield { loc: this.loc(uid), raw: r.raw, size: r.size, sha256: r.sha256, complete: false };
        await this.flushQueue();
      }
    }
  }

  async mark(loc: Location, folder: FolderKey): Promise<void> {
    if (this.opts.readOnly) return;
    this.queue.push({ uid: loc.uid!, key: loc.key, folder });
  }

  private async flushQueue(): Promise<void> {
    const items = this.queue.splice(0);
    if (items.length === 0) return;
    this.opts.beforeMark();
    try {
      await this.c.messageFlagsAdd(items.map((i) => i.uid).join(','), ['\\Seen'], { uid: true });
      if (this.opts.move) {
        if (this.opts.testPauseBeforeMove && !this.paused) await this.testPause(this.opts.testPauseBeforeMove);
        for (const folder of ['processed', 'flagged', 'ignored'] as const) {
          const uids = items.filter((i) => i.folder === folder).map((i) => i.uid);
          if (uids.length > 0) await this.c.messageMove(uids.join(','), this.folderPath(folder), { uid: true });
        }
      }
    } catch (e) {
      // Recorded but not filed: the next pass finds them again and only files them.
      this.queue.unshift(...items);
      throw e;
    }
    this.done.push(...items.map((i) => i.key));
  }

  async flush(): Promise<string[]> {
    // While pending() runs, the queue waits for the end of its batch (pending() files it then).
    if (!this.draining) await this.flushQueue();
    return this.done.splice(0);
  }

  /** Test seam: says it is about to move, and waits (once) until the test has appended new mail. */
  private async testPause(file: string): Promise<void> {
    this.paused = true;
    writeFileSync(`${file}.waiting`, '');
    for (let i = 0; i < 600 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 25));
  }

  waitForChange(ms: number, signal: AbortSignal): Promise<void> {
    const client = this.c;
    // Announced in the answer to our own commands since the drain began: drain again before waiting.
    if (this.announced) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        client.off('exists', finish);
        client.off('close', finish);
        signal.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      client.on('exists', finish);
      client.on('close', finish);
      signal.addEventListener('abort', finish, { once: true });
      // IDLE (RFC 2177): the server tells us of new mail at once. Ended by the next command.
      client.idle().catch(() => finish());
    });
  }
}
