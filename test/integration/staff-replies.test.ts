import Database from 'better-sqlite3';
import * as openpgp from 'openpgp';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { makeImapWorld, type ImapWorld } from '../helpers/imap-world.js';
import { appendAll } from '../helpers/imap-client.js';
import { AUTHSERV_ID, makeMail } from '../helpers/mail.js';
import { goodKey, TEST_IDS } from '../helpers/registry-fixture.js';
import { runCountersign } from '../helpers/run-cli.js';

let dovecot: Dovecot;
let n = 0;
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(() => dovecot?.destroy());

let w: ImapWorld;

beforeEach(async () => {
  n++;
  w = await makeImapWorld(dovecot, `Staff${n}`);
  return () => w.smtp.close();
});

const STAFF_AUTH = `${AUTHSERV_ID}; dkim=pass header.d=partners.example; spf=pass smtp.mailfrom=partners.example; dmarc=pass header.from=partners.example`;

async function run(): Promise<void> {
  const r = await runCountersign(['run', '--once'], w.env);
  expect(r.code, r.stderr).toBe(0);
  for (const id of TEST_IDS) expect(r.stderr + r.stdout).not.toContain(id);
}

/** A client message that is flagged (no app named, one inferable), and the notification staff receive. */
async function flaggedProductionApproval(): Promise<{ token: string; noticeId: string; noticeSubject: string; text: string }> {
  await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', subject: 'Production', body: 'Approved for production - go ahead.', messageId: `<flag-${n}@riversidefm.org>` })], w.mailbox);
  await run();
  const notice = w.smtp.received.find((m) => m.to.includes('ops@partners.example'));
  expect(notice).toBeDefined();
  const parsed = await simpleParser(notice!.raw);
  const token = /\[(CS-[0-9A-Z]{13})\]/.exec(parsed.subject ?? '')![1]!;
  return { token, noticeId: parsed.messageId!, noticeSubject: parsed.subject!, text: parsed.text ?? '' };
}

function outlookReply(first: string, notice: { noticeId: string; noticeSubject: string; text: string }, opts: { from?: string; auth?: string | null; subject?: string } = {}): string {
  return makeMail({
    from: opts.from ?? 'ops@partners.example',
    auth: opts.auth === undefined ? STAFF_AUTH : opts.auth,
    subject: opts.subject ?? `RE: ${notice.noticeSubject}`,
    headers: { 'In-Reply-To': notice.noticeId, References: notice.noticeId, 'Thread-Topic': notice.noticeSubject },
    body: `${first}\r\n\r\nJordan\r\nPartner team\r\n\r\nFrom: API Partners <apipartners@partners.example>\r\nSent: Monday, November 23, 2026 10:02 AM\r\nTo: Ops <ops@partners.example>\r\nSubject: ${notice.noticeSubject}\r\n\r\n${notice.text}`,
    html: `<html><body><p>${first}</p><p>Jordan<br>Partner team</p><div id="divRplyFwdMsg"><b>From:</b> API Partners<br><b>Sent:</b> Monday<br><b>To:</b> Ops<br><b>Subject:</b> ${notice.noticeSubject}</div><div>${notice.text.replace(/\n/g, '<br>')}</div></body></html>`,
  });
}

const flagRow = () => w.p.query<{ status: string; resolved_by: string | null }>('SELECT status, resolved_by FROM flags ORDER BY id LIMIT 1')[0]!;
const stage = () => w.p.query<{ stage: string }>("SELECT stage FROM integrations WHERE app_id = 'acme-scheduler' AND client_id = 'riverside'")[0]!.stage;

describe('staff confirm or reject flagged mail by replying (Dovecot + SMTP peer)', () => {
  it('a notification per flag, then an Outlook-written APPROVE records the step and sends the encrypted identifiers', async () => {
    const notice = await flaggedProductionApproval();
    expect(notice.noticeSubject).toMatch(/^\[CS-[0-9A-Z]{13}\] Flagged: Production$/);
    expect(notice.text).toContain('Reply APPROVE to record the Production approval of Acme Scheduler for Riverside Family Medicine and send Acme Health Apps the Production identifiers, or REJECT.');
    expect(notice.text).toContain('From:       pm@riversidefm.org');
    expect(notice.text).toContain('Approved for production - go ahead.');
    for (const id of TEST_IDS) expect(w.smtp.received.map((m) => m.raw).join('')).not.toContain(id);
    expect(stage()).toBe('beta_consented');

    await appendAll(dovecot, [outlookReply('Approve', notice)], w.mailbox);
    await run();
    expect(stage()).toBe('production_approved');
    expect(flagRow()).toEqual({ status: 'approved', resolved_by: 'ops@partners.example' });
    const events = w.p.query<{ kind: string; actor: string; cause_type: string; cause_ref: string }>("SELECT kind, actor, cause_type, cause_ref FROM events WHERE actor = 'ops@partners.example' ORDER BY seq");
    expect(events).toEqual([
      { kind: 'stage_change', actor: 'ops@partners.example', cause_type: 'staff_reply', cause_ref: notice.token },
      { kind: 'flag_resolved', actor: 'ops@partners.example', cause_type: 'staff_reply', cause_ref: notice.token },
    ]);
    const partner = w.smtp.received.find((m) => m.to.includes('integrations@acmehealth.io'))!;
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(partner.raw)![0];
    const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: armored }), decryptionKeys: await openpgp.readPrivateKey({ armoredKey: (await goodKey()).privateKey }) });
    expect(String(data)).toContain('RFM-PROD-7731');
    expect((await runCountersign(['log', 'verify'], w.env)).code).toBe(0);
  });

  it('a Gmail-written REJECT records the rejection and changes no stage; a second reply is answered with who resolved it', async () => {
    const notice = await flaggedProductionApproval();
    const gmail = makeMail({ from: 'ops@partners.example', auth: STAFF_AUTH, subject: `Re: ${notice.noticeSubject}`, headers: { 'In-Reply-To': notice.noticeId }, body: `reject.\n\nOn Mon, Nov 23, 2026 at 10:02 AM API Partners <apipartners@partners.example> wrote:\n> ${notice.text.split('\n').join('\n> ')}` });
    await appendAll(dovecot, [gmail], w.mailbox);
    await run();
    expect(flagRow()).toEqual({ status: 'rejected', resolved_by: 'ops@partners.example' });
    expect(stage()).toBe('beta_consented');
    await appendAll(dovecot, [outlookReply('Approve', notice)], w.mailbox);
    await run();
    expect(stage()).toBe('beta_consented');
    const answer = w.smtp.received.filter((m) => m.to.includes('ops@partners.example')).at(-1)!;
    expect((await simpleParser(answer.raw)).text).toMatch(/already rejected by ops@partners.example on 20\d\d-/);
  });

  it('an unknown first word gets the accepted words back and changes nothing', async () => {
    const notice = await flaggedProductionApproval();
    await appendAll(dovecot, [outlookReply('Let me check with the client first', notice)], w.mailbox);
    await run();
    expect(flagRow().status).toBe('open');
    const answer = w.smtp.received.filter((m) => m.to.includes('ops@partners.example')).at(-1)!;
    expect((await simpleParser(answer.raw)).text).toContain('Accepted replies (first line of your reply): APPROVE, APPROVED, YES, CONFIRM, or REJECT, REJECTED, NO, DENY.');
  });

  it('forged replies change nothing and are themselves flagged: wrong address, failed authentication, guessed token', async () => {
    const notice = await flaggedProductionApproval();
    await appendAll(
      dovecot,
      [
        outlookReply('Approve', notice, { from: 'dev@acmehealth.io', auth: `${AUTHSERV_ID}; dmarc=pass header.from=acmehealth.io` }),
        outlookReply('Approve', notice, { auth: null }),
        makeMail({ from: 'ops@partners.example', auth: STAFF_AUTH, subject: 'Re: [CS-0000000000000] Flagged: Production', body: 'Approve' }),
      ],
      w.mailbox,
    );
    await run();
    expect(flagRow().status).toBe('open');
    expect(stage()).toBe('beta_consented');
    const outcomes = w.p.query<{ outcome: string; reasons: string }>("SELECT outcome, reasons FROM messages WHERE from_address != 'pm@riversidefm.org' ORDER BY id");
    expect(outcomes.map((o) => o.outcome)).toEqual(['flagged', 'flagged', 'flagged']);
    expect(outcomes.map((o) => (JSON.parse(o.reasons) as { code: string }[]).map((r) => r.code))).toEqual([
      expect.arrayContaining(['sender_unknown_domain']),
      expect.arrayContaining(['sender_unverified', 'staff_reply_refused']),
      ['staff_reply_unmatched'],
    ]);
  });

  it('a reply to an expired flag changes nothing and is answered', async () => {
    const notice = await flaggedProductionApproval();
    const db = new Database(w.p.dbPath);
    db.prepare("UPDATE flags SET expires_at = '2020-01-01T00:00:00.000Z'").run();
    db.close();
    await appendAll(dovecot, [outlookReply('Yes', notice)], w.mailbox);
    await run();
    expect(stage()).toBe('beta_consented');
    // Nothing was approved; the daemon recorded the flag as expired (issue 13).
    expect(flagRow().status).toBe('expired');
    // The answer, and (since issue 13) the digest that lists the expired flag once.
    const toStaff = await Promise.all(w.smtp.received.filter((m) => m.to.includes('ops@partners.example')).map((m) => simpleParser(m.raw)));
    expect(toStaff.map((m) => m.text ?? '').join('\n')).toContain("This flag's reference expired on 2020-01-01");
    // Exactly one answer: the refused reply is recorded ignored, never raised as a flag about itself.
    const check = new Database(w.p.dbPath, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) AS n FROM flags').get()).toEqual({ n: 1 });
    expect(check.prepare("SELECT outcome FROM messages WHERE reasons LIKE '%staff_reply_refused%'").all()).toEqual([{ outcome: 'ignored' }]);
    check.close();
  });

  it('the same from the CLI: flags --open, show, approve --as/--app, reject', async () => {
    await flaggedProductionApproval();
    const list = JSON.parse((await runCountersign(['flags', '--open', '--json'], w.env)).stdout);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'open', kind: 'message', from: 'pm@riversidefm.org', proposal: { step: 'production_approval', appId: 'acme-scheduler', clientId: 'riverside' }, reasons: ['app_inferred'] });
    const show = await runCountersign(['flags', 'show', String(list[0].id)], w.env);
    expect(show.stdout).toContain('is the only one at the needed stage');
    const notStaff = await runCountersign(['flags', 'approve', String(list[0].id), '--by', 'dev@acmehealth.io'], w.env);
    expect(notStaff.code).toBe(2);
    expect(notStaff.stderr).toContain('is not a staff address');
    const wrongStep = await runCountersign(['flags', 'approve', String(list[0].id), '--as', 'ga_signoff', '--by', 'ops@partners.example'], w.env);
    expect(wrongStep.code).toBe(1);
    expect(wrongStep.stderr).toContain('Not applied: A GA sign-off needs the integration at production_approved');
    const ok = await runCountersign(['flags', 'approve', String(list[0].id), '--app', 'acme-scheduler', '--by', 'ops@partners.example', '--json'], w.env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: 'approved', stageChange: { from: 'beta_consented', to: 'production_approved' } });
    const again = await runCountersign(['flags', 'reject', String(list[0].id), '--by', 'ops@partners.example'], w.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already approved by ops@partners.example');
    expect(JSON.parse((await runCountersign(['flags', '--open', '--json'], w.env)).stdout)).toEqual([]);
  });
});

describe('staff replies as mutt and phones write them, and partners writing back (Dovecot + SMTP peer)', () => {
  it('a mutt reply bottom-posted below the quote, format=flowed with a trailing space after "approve", records the step', async () => {
    const notice = await flaggedProductionApproval();
    const quoted = notice.text
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\r\n');
    const raw = makeMail({
      from: 'ops@partners.example',
      auth: STAFF_AUTH,
      subject: `Re: ${notice.noticeSubject}`,
      headers: { 'In-Reply-To': notice.noticeId, References: notice.noticeId },
      body: `On Mon, Nov 23, 2026 at 10:02:11AM -0500, API Partners wrote:\r\n${quoted}\r\n\r\napprove \r\n\r\n-- \r\nJordan`,
    }).replace('Content-Type: text/plain; charset=utf-8', 'Content-Type: text/plain; charset=utf-8; format=flowed');
    await appendAll(dovecot, [raw], w.mailbox);
    await run();
    expect(stage()).toBe('production_approved');
    expect(flagRow()).toMatchObject({ status: 'approved', resolved_by: 'ops@partners.example' });
  });

  it('a partner replying to its identifiers mail is a known sender: flagged as a partner reply, never applied, never answered', async () => {
    await appendAll(
      dovecot,
      [makeMail({ from: 'integrations@acmehealth.io', subject: 'Re: Encrypted message from API Partners', body: 'Thanks, received. We approve of going live in production on Monday.', messageId: `<partner-${n}@acmehealth.io>` })],
      w.mailbox,
    );
    await run();
    const row = w.p.query<{ outcome: string; reasons: string }>('SELECT outcome, reasons FROM messages')[0]!;
    expect(row.outcome).toBe('flagged');
    expect(JSON.parse(row.reasons).map((r: { code: string }) => r.code)).toContain('partner_reply');
    expect(JSON.parse(row.reasons).map((r: { code: string }) => r.code)).not.toContain('sender_unknown_domain');
    expect(w.smtp.received.filter((m) => m.to.includes('integrations@acmehealth.io'))).toEqual([]);
    expect(stage()).toBe('beta_consented');
  });
});
