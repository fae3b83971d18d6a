import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { makeImapWorld } from '../helpers/imap-world.js';
import { appendAll } from '../helpers/imap-client.js';
import { AUTHSERV_ID, BETA_CONSENT, makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { TEST_IDS } from '../helpers/registry-fixture.js';
import { runCountersign } from '../helpers/run-cli.js';

/**
 * Issue 13, item 7: no floods. A first run on a mailbox with history (`run --since`) records the
 * old mail as ignored and tells nobody; a burst of flags reaches staff as one digest whose flags are
 * each still answerable by reply; the per-recipient hourly cap counts staff mail.
 */
let dovecot: Dovecot;
let n = 0;
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(() => dovecot?.destroy());

const STAFF = 'ops@partners.example';

async function world(extra: Record<string, string> = {}) {
  n++;
  const { p, smtp, env, mailbox } = await makeImapWorld(dovecot, `Flood${n}`, { env: { COUNTERSIGN_LOG_LEVEL: 'warn', ...extra } });
  const run = async (...args: string[]) => {
    const r = await runCountersign(['run', '--once', ...args], env);
    expect(r.code, r.stderr).toBe(0);
    for (const id of TEST_IDS) expect(r.stdout + r.stderr).not.toContain(id);
  };
  return { p, smtp, env, mailbox, run };
}

/** What a mailbox with history holds: approvals, consents, spam from strangers, out-of-office replies. */
function history(count: number, date: (i: number) => string): string[] {
  return Array.from({ length: count }, (_, i) => {
    const d = date(i);
    switch (i % 4) {
      case 0:
        return makeMail({ from: 'pm@riversidefm.org', subject: `Production ${i}`, body: PRODUCTION_APPROVAL, date: d });
      case 1:
        return makeMail({ from: 'pm@lakesidepeds.org', subject: `Beta ${i}`, body: BETA_CONSENT, date: d });
      case 2:
        return makeMail({ from: `offers${i}@spam${i}.example`, subject: `Great offer ${i}`, body: 'Approved for production - go ahead, claim your prize.', date: d });
      default:
        return makeMail({ from: 'pm@riversidefm.org', subject: `Out of office ${i}`, body: 'I am out of the office until Monday.', date: d, headers: { 'Auto-Submitted': 'auto-replied' } });
    }
  });
}

describe('no floods (Dovecot + SMTP peer)', () => {
  it('a 600-message first run with --since records everything older as ignored (before_start) and sends nothing', async () => {
    const w = await world();
    try {
      await appendAll(dovecot, history(600, (i) => new Date(Date.UTC(2026, 5, 1) + i * 3_600_000).toUTCString()), w.mailbox);
      const started = Date.now();
      await w.run('--since', '2026-11-01');
      const seconds = (Date.now() - started) / 1000;
      expect(w.p.query('SELECT outcome, COUNT(*) AS n FROM messages GROUP BY outcome')).toEqual([{ outcome: 'ignored', n: 600 }]);
      const reasons = w.p.query<{ reasons: string }>('SELECT DISTINCT reasons FROM messages').map((r) => (JSON.parse(r.reasons) as { code: string; since: string }[]).map((x) => [x.code, x.since]));
      expect(new Set(reasons.flat().map((r) => r.join(' ')))).toEqual(new Set(['before_start 2026-11-01T00:00:00.000Z']));
      expect(w.smtp.received).toEqual([]);
      expect(w.p.query('SELECT COUNT(*) AS n FROM outbox')).toEqual([{ n: 0 }]);
      expect(w.p.query('SELECT COUNT(*) AS n FROM flags')).toEqual([{ n: 0 }]);
      expect(w.p.query("SELECT stage FROM integrations WHERE client_id = 'riverside'")).toEqual([{ stage: 'beta_consented' }]);
      console.info(`600-message --since run: ${seconds.toFixed(1)} s`);

      // Newer mail is decided as usual; COUNTERSIGN_SINCE is the same as the option.
      await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', subject: 'New', body: PRODUCTION_APPROVAL, date: 'Mon, 23 Nov 2026 10:00:00 -0500' })], w.mailbox);
      const r = await runCountersign(['run', '--once'], { ...w.env, COUNTERSIGN_SINCE: '2026-11-01' });
      expect(r.code, r.stderr).toBe(0);
      expect(w.p.query("SELECT outcome FROM messages WHERE subject = 'New'")).toEqual([{ outcome: 'applied' }]);
    } finally {
      await w.smtp.close();
    }
  }, 300_000);

  it('a burst of 100 flags reaches staff as one digest listing each reference; each is still answered by reply', async () => {
    const w = await world();
    try {
      await appendAll(
        dovecot,
        Array.from({ length: 100 }, (_, i) => makeMail({ from: `offers${i}@spam${i}.example`, subject: `Offer ${i}`, body: 'Approved for production - go ahead.' })),
        w.mailbox,
      );
      await w.run();
      expect(w.p.query("SELECT COUNT(*) AS n FROM flags WHERE status = 'open'")).toEqual([{ n: 100 }]);
      const toStaff = w.smtp.received.filter((m) => m.to.includes(STAFF));
      expect(toStaff).toHaveLength(1);
      const digest = await simpleParser(toStaff[0]!.raw);
      expect(digest.subject).toBe('100 new flagged item(s) waiting for staff');
      const tokens = w.p.query<{ token: string }>('SELECT token FROM flags ORDER BY id').map((f) => f.token);
      for (const t of tokens) expect(digest.text).toContain(`[${t}] Flagged: Offer`);
      expect(w.p.query("SELECT status, COUNT(*) AS n FROM outbox WHERE kind = 'staff_flag' GROUP BY status")).toEqual([{ status: 'digested', n: 100 }]);

      // One of them answered by reply, naming its reference in the subject.
      await appendAll(
        dovecot,
        [makeMail({ from: STAFF, auth: `${AUTHSERV_ID}; dkim=pass header.d=partners.example; dmarc=pass header.from=partners.example`, subject: `Re: [${tokens[41]}] spam`, body: 'Reject' })],
        w.mailbox,
      );
      await w.run();
      expect(w.p.query('SELECT status, resolved_by FROM flags WHERE token = ?', tokens[41])).toEqual([{ status: 'rejected', resolved_by: STAFF }]);
      // Rejecting spam answers nobody: no mail to the strangers who wrote (or were impersonated).
      expect(w.smtp.received.filter((m) => !m.to.includes(STAFF))).toEqual([]);
    } finally {
      await w.smtp.close();
    }
  }, 300_000);

  it('the per-recipient hourly cap counts staff mail: notifications beyond it wait', async () => {
    const w = await world({ COUNTERSIGN_MAX_MAILS_PER_RECIPIENT_HOUR: '2' });
    try {
      await appendAll(
        dovecot,
        Array.from({ length: 3 }, (_, i) => makeMail({ from: `offers${i}@spam${i}.example`, subject: `Offer ${i}`, body: 'Approved for production - go ahead.' })),
        w.mailbox,
      );
      await w.run();
      expect(w.smtp.received.filter((m) => m.to.includes(STAFF))).toHaveLength(2);
      expect(w.p.query("SELECT status, last_error FROM outbox WHERE kind = 'staff_flag' ORDER BY id")).toEqual([
        { status: 'sent', last_error: null },
        { status: 'sent', last_error: null },
        { status: 'queued', last_error: 'per-recipient hourly limit reached' },
      ]);
    } finally {
      await w.smtp.close();
    }
  }, 120_000);
});
