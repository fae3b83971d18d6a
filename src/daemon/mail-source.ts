import type { FolderKey, Location } from '../db/message-store.js';
import type { Incoming } from './message-processor.js';

/** A mailbox: the IMAP one, or the embedded Maildir default. */
export interface MailSource {
  /** How locations in this mailbox are named in the database (never with a password). */
  readonly mailbox: string;
  open(): Promise<void>;
  /** Messages not yet filed, oldest first, one at a time (never the whole mailbox in memory). */
  pending(): AsyncIterable<Incoming>;
  /**
   * Files a handled message (\Seen, then moved to its outcome's folder). A source may queue marks
   * and carry them out between batches; `flush` carries out what is queued and returns their keys.
   */
  mark(loc: Location, folder: FolderKey): Promise<void>;
  flush(): Promise<string[]>;
  waitForChange(ms: number, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
