import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, waitFor } from '../helpers/daemon.js';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { appendAll, folderContents, imapClient } from '../helpers/imap-client.js';
import { makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeProject } from '../helpers/project.js';

let dovecot: Dovecot;
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(() => dovecot?.destroy());

describe('no missed IDLE wake-ups', () => {
  it('a message appended while the daemon moves the previous one is handled at once, not at the next poll', async () => {
    const c = await imapClient(dovecot);
    await c.mailboxCreate('Race');
    await c.logout();
    const p = await makeProject();
    const pause = path.join(p.dir, 'pause');
    const d = startDaemon({
      ...p.env,
      COUNTERSIGN_IMAP_URL: dovecot.url('Race'),
      COUNTERSIGN_FOLDER_PROCESSED: 'Race/Processed',
      COUNTERSIGN_FOLDER_FLAGGED: 'Race/Flagged',
      COUNTERSIGN_FOLDER_IGNORED: 'Race/Ignored',
      COUNTERSIGN_POLL_SECONDS: '60',
      // The seam: after \Seen is stored, the first MOVE waits until this file exists.
      COUNTERSIGN_TEST_PAUSE_BEFORE_MOVE: pause,
    });
    let latencyMs: number;
    try {
      await waitFor('the daemon to open the mailbox', () => d.output().includes('waiting for mail'));
      await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<first@riversidefm.org>' })], 'Race');
      await waitFor('the daemon to be about to move the first message', () => existsSync(`${pause}.waiting`));
      // Appended now, Dovecot announces it in its answer to the MOVE (RFC 3501 §7): never again.
      await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', subject: 'Acme Scheduler again', body: PRODUCTION_APPROVAL, messageId: '<second@riversidefm.org>' })], 'Race');
      const t0 = Date.now();
      writeFileSync(pause, '');
      await waitFor('the second message to be recorded', () => p.query("SELECT id FROM messages WHERE message_id = '<second@riversidefm.org>'")[0], 30_000);
      latencyMs = Date.now() - t0;
    } finally {
      expect(await d.stop()).toBe(0);
    }
    // The poll interval is 60 s; a missed announcement would wait for it.
    expect(latencyMs).toBeLessThan(3_000);
    expect(p.query('SELECT message_id FROM messages ORDER BY id')).toEqual([{ message_id: '<first@riversidefm.org>' }, { message_id: '<second@riversidefm.org>' }]);
    expect(p.query("SELECT outcome FROM messages WHERE message_id = '<first@riversidefm.org>'")).toEqual([{ outcome: 'applied' }]);
    const left = await folderContents(dovecot, ['Race']);
    expect(left.Race).toEqual([]);
    console.log(`second message handled ${latencyMs} ms after the MOVE was released`);
  });
  it('says it is waiting for mail only once the decision worker is ready and warmed up, recording nothing, so the first message never waits for it', async () => {
    const c = await imapClient(dovecot);
    await c.mailboxCreate('Ready');
    await c.logout();
    const p = await makeProject();
    const d = startDaemon({ ...p.env, COUNTERSIGN_IMAP_URL: dovecot.url('Ready'), COUNTERSIGN_POLL_SECONDS: '60' });
    try {
      await waitFor('the daemon to open the mailbox', () => d.output().includes('waiting for mail'));
      const out = d.output();
      expect(out.indexOf('decision worker ready')).toBeGreaterThan(-1);
      expect(out.indexOf('decision worker ready')).toBeLessThan(out.indexOf('waiting for mail'));
      // The warm-up decided a message against the registry: it records nothing and counts no attempt.
      expect(p.query('SELECT COUNT(*) AS n FROM messages')).toEqual([{ n: 0 }]);
      expect(p.query('SELECT COUNT(*) AS n FROM message_attempts')).toEqual([{ n: 0 }]);
      expect(p.query('SELECT COUNT(*) AS n FROM outbox')).toEqual([{ n: 0 }]);
    } finally {
      expect(await d.stop()).toBe(0);
    }
  });
});
