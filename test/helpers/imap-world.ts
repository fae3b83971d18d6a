import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Dovecot } from './dovecot.js';
import { imapClient } from './imap-client.js';
import { makeKey } from './pgp-keys.js';
import { makeProject, type Project } from './project.js';
import { baseRegistry } from './registry-fixture.js';
import { startSmtpPeer, type Behaviour } from './smtp-peer.js';

export interface ImapWorld {
  p: Project;
  /** The project's environment with the mailbox, the SMTP peer, a signing key and folders of its own. */
  env: Record<string, string>;
  smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
  mailbox: string;
}

/**
 * One daemon's world on a shared Dovecot: a fresh mailbox and outcome folders named after `tag`, a
 * real SMTP peer (answering as `behaviour` says), a project with `registry`, and a signing key.
 */
export async function makeImapWorld(dovecot: Dovecot, tag: string, opts: { registry?: Record<string, any>; behaviour?: Behaviour; env?: Record<string, string> } = {}): Promise<ImapWorld> {
  const mailbox = tag;
  const c = await imapClient(dovecot);
  await c.mailboxCreate(mailbox);
  await c.logout();
  const smtp = await startSmtpPeer(opts.behaviour);
  const p = await makeProject({}, opts.registry ?? baseRegistry());
  const signer = await makeKey('apipartners@partners.example');
  writeFileSync(path.join(p.dir, 'signing.asc'), signer.privateKey);
  const env = {
    ...p.env,
    COUNTERSIGN_IMAP_URL: dovecot.url(mailbox),
    COUNTERSIGN_SMTP_URL: smtp.url,
    COUNTERSIGN_SIGNING_KEY: path.join(p.dir, 'signing.asc'),
    COUNTERSIGN_FOLDER_PROCESSED: `${tag}-out/Processed`,
    COUNTERSIGN_FOLDER_FLAGGED: `${tag}-out/Flagged`,
    COUNTERSIGN_FOLDER_IGNORED: `${tag}-out/Ignored`,
    ...opts.env,
  };
  return { p, env, smtp, mailbox };
}
