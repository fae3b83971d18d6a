import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { appendAll, folderContents, imapClient } from '../helpers/imap-client.js';
import { makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeProject } from '../helpers/project.js';
import { runCountersign } from '../helpers/run-cli.js';

/**
 * The same deployment against Dovecot's default layout and against personal folders under `INBOX.`
 * with `.` as separator (RFC 2342 NAMESPACE), as Cyrus and Courier present them.
 */
const layouts = [
  { name: 'the default namespace', prefix: '', options: {} },
  { name: 'personal folders under INBOX. (Cyrus, Courier)', prefix: 'INBOX.', options: { namespacePrefix: 'INBOX.' } },
];

describe.each(layouts)('mailbox and folder names through NAMESPACE: $name', ({ prefix, options }) => {
  let dovecot: Dovecot;
  beforeAll(async () => {
    dovecot = await startDovecot(options);
  });
  afterAll(() => dovecot?.destroy());

  const doctorImap = async (env: Record<string, string>) => {
    const r = await runCountersign(['doctor', '--json'], env);
    const checks = (JSON.parse(r.stdout) as { checks: { check: string; verdict: string; detail: string }[] }).checks;
    return checks.filter((c) => c.check.startsWith('imap'));
  };

  it('run files mail in the prefixed folders, and doctor finds the mailbox and the folders it created', async () => {
    const c = await imapClient(dovecot);
    // Created by its full name, as a user's mail client would show it.
    await c.mailboxCreate(`${prefix}Approvals`);
    await c.logout();
    const p = await makeProject();
    // Configured without the prefix, as users name their folders.
    const env = { ...p.env, COUNTERSIGN_IMAP_URL: dovecot.url('Approvals') };
    const before = await doctorImap(env);
    expect(before.find((x) => x.check === 'imap mailbox')).toEqual({ check: 'imap mailbox', verdict: 'ok', detail: `${prefix}Approvals` });
    expect(before.filter((x) => x.check === 'imap folder').map((x) => x.detail)).toEqual([
      `${prefix}Countersign.Processed will be created on start`,
      `${prefix}Countersign.Flagged will be created on start`,
      `${prefix}Countersign.Ignored will be created on start`,
    ]);

    await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<ns-1@riversidefm.org>' })], `${prefix}Approvals`);
    const r = await runCountersign(['run', '--once'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(p.query('SELECT message_id, outcome FROM messages')).toEqual([{ message_id: '<ns-1@riversidefm.org>', outcome: 'applied' }]);
    const boxes = await folderContents(dovecot, [`${prefix}Approvals`, `${prefix}Countersign.Processed`]);
    expect(boxes[`${prefix}Approvals`]).toEqual([]);
    expect(boxes[`${prefix}Countersign.Processed`]!.map((m) => [m.messageId, m.seen])).toEqual([['<ns-1@riversidefm.org>', true]]);
    const c2 = await imapClient(dovecot);
    const all = (await c2.list()).map((b) => b.path);
    await c2.logout();
    // No folder was created outside the personal namespace.
    expect(all.filter((b) => !b.startsWith(prefix) && b !== 'INBOX')).toEqual([]);

    const after = await doctorImap(env);
    expect(after.filter((x) => x.verdict !== 'ok')).toEqual([]);
    expect(after.filter((x) => x.check === 'imap folder').map((x) => x.detail)).toEqual([
      `${prefix}Countersign.Processed exists`,
      `${prefix}Countersign.Flagged exists`,
      `${prefix}Countersign.Ignored exists`,
    ]);
  });

  it('doctor names a mailbox that does not exist by its full name', async () => {
    const p = await makeProject();
    const checks = await doctorImap({ ...p.env, COUNTERSIGN_IMAP_URL: dovecot.url('NoSuchBox') });
    expect(checks.find((x) => x.check === 'imap mailbox')).toMatchObject({ verdict: 'fail', detail: `no mailbox "${prefix}NoSuchBox"` });
  });
});
