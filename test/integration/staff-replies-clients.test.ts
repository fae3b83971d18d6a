import * as openpgp from 'openpgp';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appleMailReply, gmailReply, iphoneReply, thunderbirdInlineReply, type Notice, type Writer } from '../helpers/client-replies.js';
import { outlookDesktopReply, outlookWebReply } from '../helpers/outlook-replies.js';
import { startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { appendAll } from '../helpers/imap-client.js';
import type { ImapWorld } from '../helpers/imap-world.js';
import { makeLastingImapWorld } from '../helpers/lasting-world.js';
import { AUTHSERV_ID, makeMail } from '../helpers/mail.js';
import { baseRegistry, goodKey } from '../helpers/registry-fixture.js';
import { runCountersign } from '../helpers/run-cli.js';

/**
 * Issue 13, item 4, end to end: staff answer a flag the way their mail client writes a reply —
 * Outlook for Windows and on the web, Gmail, Apple Mail, iPhone, Thunderbird inline — through a real
 * Dovecot to a running daemon, which sends through a real SMTP peer. (mutt, bottom-posted and
 * format=flowed with a trailing space, is in staff-replies.test.ts.) Each world holds three flags,
 * one per client: more within an hour would be told to staff as one digest (no floods), and these
 * replies answer the single notices.
 */
const STAFF = 'ops@partners.example';
const PARTNER = 'integrations@acmehealth.io';
const JORDAN: Writer = {
  name: 'Jordan Ellis',
  address: STAFF,
  auth: `${AUTHSERV_ID}; dkim=pass header.d=partners.example header.s=selector1; spf=pass smtp.mailfrom=partners.example; dmarc=pass (p=reject) header.from=partners.example`,
};

interface Client {
  id: string;
  domain: string;
  prod: string;
}
const CLIENTS: Client[] = [
  { id: 'riverside', domain: 'riversidefm.org', prod: 'RFM-PROD-7731' },
  { id: 'harbor', domain: 'harborchc.org', prod: 'HBR-PROD-1001' },
  { id: 'summit', domain: 'summitpeds.org', prod: 'SMT-PROD-2002' },
];
const IDS = ['RFM-TEST-7731', 'HBR-TEST-1001', 'SMT-TEST-2002', ...CLIENTS.map((c) => c.prod)];

function registry(): Record<string, any> {
  const r = baseRegistry();
  r.clients.push(
    { id: 'harbor', name: 'Harbor Community Health', domains: ['harborchc.org'], testEnvironmentIds: ['HBR-TEST-1001'], productionEnvironmentIds: ['HBR-PROD-1001'] },
    { id: 'summit', name: 'Summit Pediatrics', domains: ['summitpeds.org'], testEnvironmentIds: ['SMT-TEST-2002'], productionEnvironmentIds: ['SMT-PROD-2002'] },
  );
  r.integrations.push({ app: 'acme-scheduler', client: 'harbor', stage: 'beta_consented' }, { app: 'acme-scheduler', client: 'summit', stage: 'beta_consented' });
  return r;
}

interface World {
  w: ImapWorld & { destroy: () => Promise<void> };
  d: Daemon;
  /** The notice staff received about each client's flagged mail, and the flag's reference. */
  notices: Map<string, Notice & { token: string; clientMessageId: string }>;
}

let dovecot: Dovecot;
const worlds: World[] = [];
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  for (const { d, w } of worlds) {
    await d.stop();
    await w.destroy();
  }
  dovecot?.destroy();
});

const toStaff = (w: ImapWorld) => w.smtp.received.filter((m) => m.to.includes(STAFF));

/** A running daemon and one flag per client: "Approved for production" naming no app (one inferable). */
async function openWorld(tag: string): Promise<World> {
  const w = await makeLastingImapWorld(dovecot, tag, { registry: registry(), env: { COUNTERSIGN_POLL_SECONDS: '3600' } });
  const d = startDaemon(w.env);
  const world: World = { w, d, notices: new Map() };
  worlds.push(world);
  await waitFor('the daemon to open the mailbox', () => d.output().includes('waiting for mail'), 30_000);
  await appendAll(
    dovecot,
    CLIENTS.map((c) => makeMail({ from: `pm@${c.domain}`, subject: 'Production', body: 'Approved for production - go ahead.', messageId: `<flag-${tag}@${c.domain}>` })),
    w.mailbox,
  );
  const raw = await waitFor('a notice per flag', () => toStaff(w).length === CLIENTS.length && toStaff(w), 30_000);
  for (const m of raw) {
    const parsed = await simpleParser(m.raw);
    const client = CLIENTS.find((c) => (parsed.text ?? '').includes(`pm@${c.domain}`))!;
    const token = /\[(CS-[0-9A-Z]{13})\]/.exec(parsed.subject ?? '')![1]!;
    world.notices.set(client.id, { subject: parsed.subject!, messageId: parsed.messageId!, text: parsed.text!, token, clientMessageId: `<flag-${tag}@${client.domain}>` });
  }
  expect(w.p.query("SELECT outcome FROM messages WHERE outcome != 'flagged'")).toEqual([]);
  return world;
}

/** Delivers a staff reply and waits until it is recorded and everything it queued has been sent. */
async function deliverReply(world: World, raw: string): Promise<{ outcome: string; reasons: { code: string }[]; staffMails: number; newFlags: number }> {
  const { w } = world;
  const messageId = /^Message-I[dD]: (<[^>]+>)/m.exec(raw)![1]!;
  const staffBefore = toStaff(w).length;
  const flagsBefore = w.p.query<{ n: number }>('SELECT COUNT(*) AS n FROM flags')[0]!.n;
  await appendAll(dovecot, [raw], w.mailbox);
  const row = await waitFor('the reply to be recorded', () => w.p.query<{ outcome: string; reasons: string }>('SELECT outcome, reasons FROM messages WHERE message_id = ?', messageId)[0], 20_000);
  const due = "SELECT COUNT(*) AS n FROM outbox WHERE status IN ('queued', 'retry') AND (next_attempt_at IS NULL OR next_attempt_at <= ?)";
  await waitFor('the outbox to be delivered', () => w.p.query<{ n: number }>(due, new Date().toISOString())[0]!.n === 0, 20_000);
  return {
    outcome: row.outcome,
    reasons: JSON.parse(row.reasons),
    staffMails: toStaff(w).length - staffBefore,
    newFlags: w.p.query<{ n: number }>('SELECT COUNT(*) AS n FROM flags')[0]!.n - flagsBefore,
  };
}

const flag = (w: ImapWorld, token: string) => w.p.query<{ status: string; resolved_by: string | null }>('SELECT status, resolved_by FROM flags WHERE token = ?', token)[0]!;
const stage = (w: ImapWorld, client: string) => w.p.query<{ stage: string }>("SELECT stage FROM integrations WHERE app_id = 'acme-scheduler' AND client_id = ?", client)[0]!.stage;
const partnerRows = (w: ImapWorld, client: string) =>
  w.p.query<{ status: string; message_id: string }>("SELECT o.status, o.message_id FROM outbox o JOIN integrations i ON i.id = o.integration_id WHERE o.kind = 'partner_production_identifiers' AND i.client_id = ?", client);
const clientMails = (w: ImapWorld, c: Client) => w.smtp.received.filter((m) => m.to.includes(`pm@${c.domain}`));

async function decrypted(raw: string): Promise<string> {
  const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(raw)![0];
  const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: armored }), decryptionKeys: await openpgp.readPrivateKey({ armoredKey: (await goodKey()).privateKey }) });
  return String(data);
}

/** The step is recorded by the staff member, the partner gets its identifiers once, the client its acknowledgement once. */
async function expectApproved(world: World, c: Client, r: Awaited<ReturnType<typeof deliverReply>>): Promise<void> {
  const { w } = world;
  const n = world.notices.get(c.id)!;
  expect(r).toMatchObject({ outcome: 'applied', newFlags: 0 });
  expect(flag(w, n.token)).toEqual({ status: 'approved', resolved_by: STAFF });
  expect(stage(w, c.id)).toBe('production_approved');
  expect(w.p.query("SELECT kind, cause_type FROM events WHERE cause_ref = ? AND actor = ? ORDER BY seq", n.token, STAFF)).toEqual([
    { kind: 'stage_change', cause_type: 'staff_reply' },
    { kind: 'flag_resolved', cause_type: 'staff_reply' },
  ]);
  const rows = partnerRows(w, c.id);
  expect(rows).toEqual([{ status: 'sent', message_id: expect.stringMatching(/^<.+>$/) }]);
  const sent = w.smtp.received.filter((m) => m.to.includes(PARTNER) && m.raw.includes(rows[0]!.message_id));
  expect(sent).toHaveLength(1);
  const clear = await decrypted(sent[0]!.raw);
  expect(clear).toContain(c.prod);
  for (const other of CLIENTS.filter((o) => o !== c)) expect(clear).not.toContain(other.prod);
  const told = clientMails(w, c);
  expect(told).toHaveLength(1);
  expect((await simpleParser(told[0]!.raw)).inReplyTo).toBe(n.clientMessageId);
  // A command that worked is not answered (README, "Staff replies"): no mail to staff, no flag about it.
  expect(r.staffMails).toBe(0);
}

describe('staff replies as Outlook, Gmail and Apple Mail write them (Dovecot + running daemon + SMTP peer)', () => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld('ClientsA');
  }, 120_000);

  it('Outlook for Windows: "Approve" above the From/Sent block, HTML from Word, records the step and sends the identifiers once', async () => {
    const r = await deliverReply(world, outlookDesktopReply(world.notices.get('riverside')!, JORDAN, ['Approve', '', 'Jordan Ellis', 'Partner Integrations']));
    await expectApproved(world, CLIENTS[0]!, r);
  });

  it('Gmail: "Reject" above "On … wrote:" and a gmail_quote blockquote records the rejection; the client gets the neutral notice, the partner nothing', async () => {
    const c = CLIENTS[1]!;
    const n = world.notices.get(c.id)!;
    const r = await deliverReply(world, gmailReply(n, JORDAN, ['Reject', '', 'Thanks,', 'Jordan']));
    expect(r).toMatchObject({ outcome: 'applied', newFlags: 0, staffMails: 0 });
    expect(flag(world.w, n.token)).toEqual({ status: 'rejected', resolved_by: STAFF });
    expect(stage(world.w, c.id)).toBe('beta_consented');
    expect(partnerRows(world.w, c.id)).toEqual([]);
    const told = clientMails(world.w, c);
    expect(told).toHaveLength(1);
    const notice = await simpleParser(told[0]!.raw);
    expect(notice.inReplyTo).toBe(n.clientMessageId);
    expect(world.w.p.query('SELECT kind FROM outbox WHERE recipient = ?', `pm@${c.domain}`)).toEqual([{ kind: 'client_rejected' }]);
  });

  it('Apple Mail: "Approved." above a quoted "On Nov 23, 2026, at 10:02 AM, … wrote:" in a cite blockquote records the step', async () => {
    const r = await deliverReply(world, appleMailReply(world.notices.get('summit')!, JORDAN, ['Approved.', '', 'Jordan']));
    await expectApproved(world, CLIENTS[2]!, r);
  });
});

describe('staff replies from an iPhone, inline in Thunderbird, and a hedged one from Outlook on the web (Dovecot + running daemon + SMTP peer)', () => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld('ClientsB');
  }, 120_000);

  it('iPhone: "Yes" above "Sent from my iPhone" and the quoted original records the step', async () => {
    const r = await deliverReply(world, iphoneReply(world.notices.get('riverside')!, JORDAN, ['Yes']));
    await expectApproved(world, CLIENTS[0]!, r);
  });

  it('Thunderbird inline: "approve" between the quoted proposal and the rest of the quote (format=flowed) records the step', async () => {
    const r = await deliverReply(world, thunderbirdInlineReply(world.notices.get('harbor')!, JORDAN, ['approve'], /^Reply APPROVE to record/));
    await expectApproved(world, CLIENTS[1]!, r);
  });

  it('Outlook on the web: "Approve" hedged by "hold off until…" changes nothing and is answered exactly once, never re-flagged', async () => {
    const c = CLIENTS[2]!;
    const n = world.notices.get(c.id)!;
    const raw = outlookWebReply(n, JORDAN, ['Approve', '', 'But hold off until compliance signs off on Monday.', '', 'Jordan']);
    const r = await deliverReply(world, raw);
    expect(r).toMatchObject({ outcome: 'ignored', newFlags: 0, staffMails: 1 });
    expect(r.reasons.map((x) => x.code)).toEqual(['staff_reply_unknown_command']);
    expect(flag(world.w, n.token)).toEqual({ status: 'open', resolved_by: null });
    expect(stage(world.w, c.id)).toBe('beta_consented');
    expect(partnerRows(world.w, c.id)).toEqual([]);
    expect(clientMails(world.w, c)).toEqual([]);
    const answer = await simpleParser(toStaff(world.w).at(-1)!.raw);
    expect(answer.inReplyTo).toBe(/^Message-I[dD]: (<[^>]+>)/m.exec(raw)![1]);
    expect(answer.text).toContain('Your reply was not understood, so nothing was changed.');
  });
});

describe('after all replies', () => {
  it('each daemon stops cleanly, sent nothing twice, never wrote an identifier in the clear, and its log verifies', async () => {
    expect(worlds).toHaveLength(2);
    for (const { w, d } of worlds) {
      expect(await d.stop()).toBe(0);
      for (const id of IDS) expect(d.output()).not.toContain(id);
      const ids = w.smtp.received.map((m) => /^Message-ID: (<[^>]+>)/im.exec(m.raw)?.[1]);
      expect(new Set(ids).size).toBe(ids.length);
      for (const m of w.smtp.received.filter((x) => !x.to.includes(PARTNER))) for (const id of IDS) expect(m.raw).not.toContain(id);
      expect((await runCountersign(['log', 'verify'], w.env)).code).toBe(0);
    }
    // Four approvals, four identifiers mails in all.
    expect(worlds.flatMap(({ w }) => w.smtp.received.filter((m) => m.to.includes(PARTNER)))).toHaveLength(4);
  });
});
