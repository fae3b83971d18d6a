import { ImapFlow } from 'imapflow';
import type { Dovecot } from './dovecot.js';

/** A second IMAP client, as another mail system would deliver or inspect mail. */
export async function imapClient(d: Dovecot): Promise<ImapFlow> {
  const c = new ImapFlow({ host: d.host, port: d.port, secure: false, auth: { user: d.user, pass: d.pass }, logger: false });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

export async function appendAll(d: Dovecot, raws: (string | Buffer)[], mailbox = 'INBOX'): Promise<void> {
  const c = await imapClient(d);
  try {
    for (const raw of raws) await c.append(mailbox, raw);
  } finally {
    await c.logout();
  }
}

/** Messages per folder, with their flags. */
export async function folderContents(d: Dovecot, folders: string[]): Promise<Record<string, { subject: string; seen: boolean; messageId: string }[]>> {
  const c = await imapClient(d);
  const out: Record<string, { subject: string; seen: boolean; messageId: string }[]> = {};
  try {
    for (const f of folders) {
      out[f] = [];
      let lock;
      try {
        lock = await c.getMailboxLock(f);
      } catch {
        continue;
      }
      try {
        if ((c.mailbox && c.mailbox.exists) || 0) {
          for await (const m of c.fetch('1:*', { envelope: true, flags: true })) {
            out[f]!.push({ subject: m.envelope?.subject ?? '', seen: m.flags?.has('\\Seen') ?? false, messageId: m.envelope?.messageId ?? '' });
          }
        }
      } finally {
        lock.release();
      }
    }
  } finally {
    await c.logout();
  }
  return out;
}
