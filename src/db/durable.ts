import type { Db } from './open-db.js';

/**
 * A durability barrier. Commits run with `synchronous = NORMAL` in WAL mode: they survive a process
 * crash (the WAL is in the OS), but the last ones could be lost to a power cut. Before the server is
 * told a message is done (flag, move) or a mail is sent, one small commit with `synchronous = FULL`
 * fsyncs the WAL, and with it every commit before it: one fsync per batch instead of one per message.
 */
export function makeDurable(db: Db): void {
  const c = db.$client;
  c.pragma('synchronous = FULL');
  try {
    c.prepare("INSERT INTO meta (key, value) VALUES ('durable_at', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(new Date().toISOString());
  } finally {
    c.pragma('synchronous = NORMAL');
  }
}
