/**
 * The mailbox port: what the daemon asks of a mailbox and what a mailbox hands back. Both adapters
 * (IMAP, the embedded Maildir) implement it; it imports nothing, so adapters depend on neither the
 * daemon nor the database.
 */

/** The folder a handled message is filed in, by its outcome. */
export type FolderKey = 'processed' | 'flagged' | 'ignored';

/** Where a message sits: the mailbox's name, and a key unique in it (`UIDVALIDITY:UID` over IMAP). */
export interface Location {
  mailbox: string;
  key: string;
  uidValidity?: number;
  uid?: number;
}

/** One message as a source hands it over. */
export interface Incoming {
  loc: Location;
  /** The whole message, or only its head when it is over the size limit. */
  raw: Buffer;
  size: number;
  sha256: string;
  complete: boolean;
}

/** A mailbox: the IMAP one, or the embedded Maildir default. */
export interface MailSource {
  /** How locations in this mailbox are named in the database (never with a password). */
  readonly mailbox: string;
  open(): Promise<void>;
  /** Messages not yet filed, oldest first, one at a time (never the whole mailbox in memory). */
  pending(): AsyncIterable<Incoming>;
  /** How many messages the running `pending()` hands over, once it has listed them: for a progress display only. */
  readonly pendingTotal?: number | undefined;
  /**
   * Files a handled message (\Seen, then moved to its outcome's folder). A source may queue marks
   * and carry them out between batches; `flush` carries out what is queued and returns their keys.
   */
  mark(loc: Location, folder: FolderKey): Promise<void>;
  flush(): Promise<string[]>;
  /**
   * Resolves when new mail may have arrived, or after `ms`. Mail announced since the last drain
   * began resolves it at once: a wake-up is never lost between two waits.
   */
  waitForChange(ms: number, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
