import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { makeImapWorld, type ImapWorld } from '../helpers/imap-world.js';
import { appendAll } from '../helpers/imap-client.js';
import { AUTHSERV_ID, makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { baseRegistry, TEST_IDS } from '../helpers/registry-fixture.js';
import { runCountersign } from '../helpers/run-cli.js';
import type { Received } from '../helpers/smtp-peer.js';

/**
 * Issue 13, items 1, 3 and 6: every flag can be finished by staff (naming the client when the mail
 * has none), flags expire into a recorded state and can be reopened, the client hears the outcome,
 * and the GA-ready notice is answered by reply. Real Dovecot, real SMTP peer, the real binary.
 */
let dovecot: Dovecot;
let n = 0;
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(() => dovecot?.destroy());

let w: ImapWorld;

async function setUp(extraEnv: Record<string, string> = {}, registry = baseRegistry()): Promise<void> {
  n++;
  w = await makeImapWorld(dovecot, `Finish${n}`, { registry, env: extraEnv });
}

beforeEach(() => () => w?.smtp.close());

const STAFF = 'ops@partners.example';
const STAFF_AUTH = `${AUTHSERV_ID}; dkim=pass header.d=partners.example; spf=pass smtp.mailfrom=partners.example; dmarc=pass header.from=partners.example`;

async function run(): Promise<void> {
  const r = await runCountersign(['run', '--once'], w.env);
  expect(r.code, r.stderr).toBe(0);
  for (const id of TEST_IDS) expect(r.stderr + r.stdout).not.toContain(id);
}

const to = (address: string): Received[] => w.smtp.received.filter((m) => m.to.includes(address));

async function lastNoticeTo(address: string): Promise<{ id: string; subject: string; text: string; inReplyTo: string | undefined }> {
  const m = await simpleParser(to(address).at(-1)!.raw);
  return { id: m.messageId!, subject: m.subject!, text: m.text ?? '', inReplyTo: m.inReplyTo };
}

function staffReply(first: string, notice: { id: string; subject: string }): string {
  return makeMail({
    from: STAFF,
    auth: STAFF_AUTH,
    subject: `RE: ${notice.subject}`,
    headers: { 'In-Reply-To': notice.id, References: notice.id },
    body: `${first}\r\n\r\nJordan\r\n\r\nFrom: API Partners <apipartners@partners.example>\r\nSent: Monday, November 23, 2026 10:02 AM\r\nSubject: ${notice.subject}\r\n\r\nquoted notice`,
  });
}

const stage = (client = 'riverside') => w.p.query<{ stage: string }>("SELECT stage FROM integrations WHERE app_id = 'acme-scheduler' AND client_id = ?", client)[0]?.stage ?? 'pending';
const flagsJson = async (...args: string[]) => JSON.parse((await runCountersign(['flags', ...args, '--json'], w.env)).stdout) as { id: number; token: string; status: string; kind: string }[];
const setDb = (sql: string) => {
  const db = new Database(w.p.dbPath);
  db.prepare(sql).run();
  db.close();
};

describe('staff finish any flag (Dovecot + SMTP peer)', () => {
  it('a clinic writing from a personal address: staff reply "approve as … for APP at CLIENT", the stage moves and the sender is acknowledged, threaded', async () => {
    await setUp();
    const original = '<personal-1@gmail.com>';
    await appendAll(dovecot, [makeMail({ from: 'dr.lee.clinic@gmail.com', subject: 'Production go-ahead', body: PRODUCTION_APPROVAL, messageId: original })], w.mailbox);
    await run();
    const notice = await lastNoticeTo(STAFF);
    expect(notice.subject).toMatch(/^\[CS-[0-9A-Z]{13}\] Flagged: Production go-ahead$/);
    expect(notice.text).toContain('"approve as STEP for APP at CLIENT"');
    expect(stage()).toBe('beta_consented');

    await appendAll(dovecot, [staffReply('Approve as production_approval for acme-scheduler at riverside.', notice)], w.mailbox);
    await run();
    expect(stage()).toBe('production_approved');
    const events = w.p.query<{ kind: string; actor: string; cause_type: string; client_id: string }>("SELECT kind, actor, cause_type, client_id FROM events WHERE actor = ? ORDER BY seq", STAFF);
    expect(events).toEqual([
      { kind: 'stage_change', actor: STAFF, cause_type: 'staff_reply', client_id: 'riverside' },
      { kind: 'flag_resolved', actor: STAFF, cause_type: 'staff_reply', client_id: 'riverside' },
    ]);
    expect(to('integrations@acmehealth.io')).toHaveLength(1);
    // The same acknowledgement an automatic apply sends, threaded to the clinic's own mail.
    const ack = await lastNoticeTo('dr.lee.clinic@gmail.com');
    expect(ack.subject).toBe('Re: Production go-ahead');
    expect(ack.inReplyTo).toBe(original);
    expect(ack.text).toContain("We have recorded Riverside Family Medicine's approval for Acme Scheduler");
    for (const id of TEST_IDS) expect(w.smtp.received.filter((m) => !m.to.includes('integrations@acmehealth.io')).map((m) => m.raw).join('')).not.toContain(id);
  }, 120_000);

  it('the same on the CLI: flags approve --as --app --client, checked by the state machine, logged with the staff address', async () => {
    await setUp();
    await appendAll(dovecot, [makeMail({ from: 'dr.lee.clinic@gmail.com', subject: 'Production', body: PRODUCTION_APPROVAL })], w.mailbox);
    await run();
    const [flag] = await flagsJson('--open');
    const noClient = await runCountersign(['flags', 'approve', String(flag!.id), '--as', 'production_approval', '--app', 'acme-scheduler', '--by', STAFF], w.env);
    expect(noClient.code).toBe(1);
    expect(noClient.stderr).toContain('approve as production_approval for APP at CLIENT');
    const wrongClient = await runCountersign(['flags', 'approve', String(flag!.id), '--as', 'production_approval', '--app', 'acme-scheduler', '--client', 'lakeside', '--by', STAFF], w.env);
    expect(wrongClient.code).toBe(1);
    expect(wrongClient.stderr).toContain('Not applied: A Production approval needs the integration at beta_consented; it is at pending.');
    const ok = await runCountersign(['flags', 'approve', String(flag!.id), '--as', 'production_approval', '--app', 'acme-scheduler', '--client', 'riverside', '--by', STAFF, '--json'], w.env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: 'approved', stageChange: { from: 'beta_consented', to: 'production_approved' } });
    expect(w.p.query("SELECT actor, cause_type FROM events WHERE kind = 'stage_change' ORDER BY seq DESC LIMIT 1")).toEqual([{ actor: STAFF, cause_type: 'operator' }]);
    await run();
    expect(to('integrations@acmehealth.io')).toHaveLength(1);
    expect((await lastNoticeTo('dr.lee.clinic@gmail.com')).text).toContain('We have recorded');
  }, 120_000);

  it('a flag expires into a recorded state, leaves --open, is listed once in the next digest, and reopens with a fresh reference', async () => {
    await setUp();
    await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', subject: 'Production', body: 'Approved for production - go ahead.' })], w.mailbox);
    await run();
    const first = await lastNoticeTo(STAFF);
    const [flag] = await flagsJson('--open');
    setDb("UPDATE flags SET expires_at = '2020-01-01T00:00:00.000Z'");
    expect(await flagsJson('--open')).toEqual([]);
    await run();
    expect((await flagsJson()).map((f) => f.status)).toEqual(['expired']);
    expect(w.p.query("SELECT kind, cause_ref FROM events WHERE kind = 'flag_expired'")).toEqual([{ kind: 'flag_expired', cause_ref: flag!.token }]);
    const digest = await lastNoticeTo(STAFF);
    expect(digest.subject).toBe('0 flagged item(s) still waiting for staff');
    expect(digest.text).toContain(`flag ${flag!.id}: Flagged: Production (expired 2020-01-01T00:00:00.000Z; \`countersign flags reopen ${flag!.id} --by ADDRESS\``);
    // Listed once: the next digest (a day later) does not repeat it.
    setDb("DELETE FROM meta WHERE key = 'last_flag_reminder_at'");
    const before = to(STAFF).length;
    await run();
    expect(to(STAFF)).toHaveLength(before);

    // A reply to the expired reference changes nothing and says how to reopen it.
    await appendAll(dovecot, [staffReply('Approve', first)], w.mailbox);
    await run();
    expect(stage()).toBe('beta_consented');
    expect((await lastNoticeTo(STAFF)).text).toContain(`countersign flags reopen ${flag!.id} --by ADDRESS`);

    const reopened = await runCountersign(['flags', 'reopen', String(flag!.id), '--by', STAFF, '--json'], w.env);
    expect(reopened.code, reopened.stderr).toBe(0);
    const fresh = JSON.parse(reopened.stdout) as { token: string };
    expect(fresh.token).not.toBe(flag!.token);
    // (The refused reply above is itself flagged, as before: that is issue 13's item 4, not changed here.)
    expect((await flagsJson('--open')).find((f) => f.id === flag!.id)?.token).toBe(fresh.token);
    expect(w.p.query("SELECT actor, cause_ref FROM events WHERE kind = 'flag_reopened'")).toEqual([{ actor: STAFF, cause_ref: fresh.token }]);
    await run();
    const renewed = await lastNoticeTo(STAFF);
    expect(renewed.subject).toBe(`[${fresh.token}] Flagged: Production`);
    await appendAll(dovecot, [staffReply('Approve', renewed)], w.mailbox);
    await run();
    expect(stage()).toBe('production_approved');
    expect((await runCountersign(['log', 'verify'], w.env)).code).toBe(0);
  }, 120_000);

  it('after a rejection the client gets a short neutral notice, threaded; with COUNTERSIGN_CLIENT_REJECT_NOTICE=0 it does not', async () => {
    await setUp();
    const original = '<reject-me@riversidefm.org>';
    await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', subject: 'Production', body: 'Approved for production - go ahead.', messageId: original })], w.mailbox);
    await run();
    await appendAll(dovecot, [staffReply('Reject', await lastNoticeTo(STAFF))], w.mailbox);
    await run();
    expect(stage()).toBe('beta_consented');
    const notice = await lastNoticeTo('pm@riversidefm.org');
    expect(notice.inReplyTo).toBe(original);
    expect(notice.text).toContain('We could not record this; our team will contact you.');

    const quiet = { ...w.env, COUNTERSIGN_CLIENT_REJECT_NOTICE: '0' };
    await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', subject: 'Production again', body: 'Approved for production - go ahead.' })], w.mailbox);
    expect((await runCountersign(['run', '--once'], quiet)).code).toBe(0);
    const [open] = await flagsJson('--open');
    const before = to('pm@riversidefm.org').length;
    expect((await runCountersign(['flags', 'reject', String(open!.id), '--by', STAFF], quiet)).code).toBe(0);
    expect((await runCountersign(['run', '--once'], quiet)).code).toBe(0);
    expect(to('pm@riversidefm.org')).toHaveLength(before);
  }, 120_000);

  it('after a staff APPROVE of a verified client\'s flagged mail, the client gets the acknowledgement', async () => {
    await setUp();
    await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', subject: 'Production', body: 'Approved for production - go ahead.', messageId: '<ack-me@riversidefm.org>' })], w.mailbox);
    await run();
    await appendAll(dovecot, [staffReply('Approve', await lastNoticeTo(STAFF))], w.mailbox);
    await run();
    expect(stage()).toBe('production_approved');
    const ack = await lastNoticeTo('pm@riversidefm.org');
    expect(ack.inReplyTo).toBe('<ack-me@riversidefm.org>');
    expect(ack.text).toContain("We have recorded Riverside Family Medicine's approval for Acme Scheduler");
  }, 120_000);
});

describe('GA by reply (Dovecot + SMTP peer)', () => {
  it('the GA-ready notice carries a reference; staff replying APPROVE declare the app GA through the same path as app declare-ga', async () => {
    const reg = baseRegistry();
    reg.integrations = [{ app: 'acme-scheduler', client: 'riverside', stage: 'production_approved' }];
    await setUp({}, reg);
    await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', subject: 'Sign-off', body: 'Acme Scheduler is working as designed to our satisfaction; consider this our sign-off.' })], w.mailbox);
    await run();
    expect(stage()).toBe('ga_signed_off');
    const notice = await lastNoticeTo(STAFF);
    expect(notice.subject).toMatch(/^\[CS-[0-9A-Z]{13}\] Acme Scheduler may be declared Generally Available$/);
    expect(notice.text).toContain('reply APPROVE to this message');
    const token = /\[(CS-[0-9A-Z]{13})\]/.exec(notice.subject)![1]!;

    await appendAll(dovecot, [staffReply('approve', notice)], w.mailbox);
    await run();
    expect(w.p.query("SELECT ga_declared_by AS by FROM apps WHERE id = 'acme-scheduler'")).toEqual([{ by: STAFF }]);
    expect(w.p.query("SELECT kind, actor, cause_type, cause_ref FROM events WHERE kind IN ('ga_declared', 'flag_resolved') ORDER BY seq")).toEqual([
      { kind: 'ga_declared', actor: STAFF, cause_type: 'staff_reply', cause_ref: token },
      { kind: 'flag_resolved', actor: STAFF, cause_type: 'staff_reply', cause_ref: token },
    ]);
    // The CLI path agrees: it is already declared.
    const again = await runCountersign(['app', 'declare-ga', 'acme-scheduler', '--by', STAFF], w.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already declared Generally Available');
    expect((await runCountersign(['log', 'verify'], w.env)).code).toBe(0);
  }, 120_000);
});
