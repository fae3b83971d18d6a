import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Dovecot } from './dovecot.js';
import { imapClient } from './imap-client.js';
import type { ImapWorld } from './imap-world.js';
import { makeKey } from './pgp-keys.js';
import { makeProjectIn } from './project.js';
import { baseRegistry } from './registry-fixture.js';
import { startSmtpPeer } from './smtp-peer.js';

/**
 * The world of `makeImapWorld` (a mailbox on the shared Dovecot, a real SMTP peer, a project with
 * `registry`, a signing key), kept for a whole test file: one running daemon can serve several
 * tests. `tempDir` folders are removed after each test, so this one lives until `destroy()`.
 */
export async function makeLastingImapWorld(
  dovecot: Dovecot,
  tag: string,
  opts: { registry?: Record<string, any>; env?: Record<string, string> } = {},
): Promise<ImapWorld & { destroy: () => Promise<void> }> {
  const c = await imapClient(dovecot);
  await c.mailboxCreate(tag);
  await c.logout();
  const dir = mkdtempSync(path.join(tmpdir(), 'cs-lasting-'));
  const signer = await makeKey('apipartners@partners.example');
  writeFileSync(path.join(dir, 'signing.asc'), signer.privateKey);
  const { dbPath, env: base, query } = await makeProjectIn(dir, {}, opts.registry ?? baseRegistry());
  const smtp = await startSmtpPeer();
  const env = {
    ...base,
    COUNTERSIGN_IMAP_URL: dovecot.url(tag),
    COUNTERSIGN_SMTP_URL: smtp.url,
    COUNTERSIGN_SIGNING_KEY: path.join(dir, 'signing.asc'),
    COUNTERSIGN_FOLDER_PROCESSED: `${tag}-out/Processed`,
    COUNTERSIGN_FOLDER_FLAGGED: `${tag}-out/Flagged`,
    COUNTERSIGN_FOLDER_IGNORED: `${tag}-out/Ignored`,
    ...opts.env,
  };

  return {
    p: { dir, dbPath, env: base, query },
    env,
    smtp,
    mailbox: tag,
    destroy: async () => {
      await smtp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
