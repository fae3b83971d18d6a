import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { appendAll, folderContents, imapClient } from '../helpers/imap-client.js';
import { BETA_CONSENT, makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeProject, type Project } from '../helpers/project.js';
import { BIN, runCountersign } from '../helpers/run-cli.js';

let dovecot: Dovecot;
let mailboxSeq = 0;
let mailbox: string;

beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(() => dovecot?.destroy());


/** Each test gets its own mailbox and folders, so tests do not see each other's mail. */
beforeEach(async () => {
  mailboxSeq++;
  mailbox = `Approvals${mailboxSeq}`;
  const c = await imapClient(dovecot);
  await c.mailboxCreate(mailbox);
  await c.logout();
});

function envFor(p: Project, extra: Record<string, string> = {}): Record<string, string> {
  const n = mailboxSeq;
  return {
    ...p.env,
    COUNTERSIGN_IMAP_URL: dovecot.url(mailbox),
    COUNTERSIGN_FOLDER_PROCESSED: `T${n}/Processed`,
    COUNTERSIGN_FOLDER_FLAGGED: `T${n}/Flagged`,
    COUNTERSIGN_FOLDER_IGNORED: `T${n}/Ignored`,
    ...extra,
  };
}
const folders = () => [mailbox, `T${mailboxSeq}.Processed`, `T${mailboxSeq}.Flagged`, `T${mailboxSeq}.Ignored`];

function startDaemon(env: Record<string, string>): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, 'run'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  child.stdout!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}

async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('IMAP ingestion against a real Dovecot', () => {
  it('run --once applies a clean beta consent, flags an unauthenticated approval, ignores an auto-reply, and files each in its folder', async () => {
    const p = await makeProject();
    await appendAll(
      dovecot,
      [
        makeMail({ from: 'pm@lakesidepeds.org', subject: 'Beta consent: Acme Scheduler', body: BETA_CONSENT, messageId: '<beta-1@lakesidepeds.org>' }),
        makeMail({ from: 'pm@lakesidepeds.org', auth: null, subject: 'Acme Scheduler', body: PRODUCTION_APPROVAL, messageId: '<noauth-1@lakesidepeds.org>' }),
        makeMail({ from: 'pm@lakesidepeds.org', subject: 'Automatic reply: Acme Scheduler', headers: { 'Auto-Submitted': 'auto-replied' }, body: 'I am out of the office.', messageId: '<ooo-1@lakesidepeds.org>' }),
      ],
      mailbox,
    );
    const r = await runCountersign(['run', '--once'], envFor(p));
    expect(r.code, r.stderr).toBe(0);
    const rows = p.query<{ message_id: string; outcome: string }>('SELECT message_id, outcome FROM messages ORDER BY id');
    expect(rows).toEqual([
      { message_id: '<beta-1@lakesidepeds.org>', outcome: 'applied' },
      { message_id: '<noauth-1@lakesidepeds.org>', outcome: 'flagged' },
      { message_id: '<ooo-1@lakesidepeds.org>', outcome: 'ignored' },
    ]);
    expect(p.query("SELECT stage FROM integrations WHERE client_id = 'lakeside'")).toEqual([{ stage: 'beta_consented' }]);
    const f = await folderContents(dovecot, folders());
    expect(f[mailbox]).toEqual([]);
    expect(f[`T${mailboxSeq}.Processed`]!.map((m) => [m.messageId, m.seen])).toEqual([['<beta-1@lakesidepeds.org>', true]]);
    expect(f[`T${mailboxSeq}.Flagged`]!.map((m) => [m.messageId, m.seen])).toEqual([['<noauth-1@lakesidepeds.org>', true]]);
    expect(f[`T${mailboxSeq}.Ignored`]!.map((m) => [m.messageId, m.seen])).toEqual([['<ooo-1@lakesidepeds.org>', true]]);
    const raw = p.query<{ n: number }>('SELECT COUNT(*) AS n FROM raw_messages WHERE complete = 1');
    expect(raw).toEqual([{ n: 3 }]);
    expect(p.query<{ reasons: string }>("SELECT reasons FROM messages WHERE message_id = '<noauth-1@lakesidepeds.org>'")[0]!.reasons).toContain('sender_unverified');
  });

  it('records the same Message-ID arriving twice as a duplicate that changes nothing', async () => {
    const p = await makeProject();
    const mail = makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<twice@riversidefm.org>' });
    await appendAll(dovecot, [mail, mail], mailbox);
    expect((await runCountersign(['run', '--once'], envFor(p))).code).toBe(0);
    expect(p.query('SELECT outcome, duplicate_of FROM messages ORDER BY id')).toEqual([
      { outcome: 'applied', duplicate_of: null },
      { outcome: 'duplicate', duplicate_of: 1 },
    ]);
    expect(p.query("SELECT COUNT(*) AS n FROM events WHERE to_stage = 'production_approved'")).toEqual([{ n: 1 }]);
    expect(p.query("SELECT kind FROM outbox WHERE kind != 'staff_flag' ORDER BY id")).toEqual([{ kind: 'partner_production_identifiers' }, { kind: 'client_ack' }]);
  });

  it('reacts to new mail through IDLE well before the poll interval', async () => {
    const p = await makeProject();
    const d = startDaemon(envFor(p, { COUNTERSIGN_POLL_SECONDS: '3600' }));
    try {
      await waitFor('the daemon to open the mailbox', () => d.stderr().includes('waiting for mail'));
      await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<idle-1@riversidefm.org>' })], mailbox);
      // The poll interval is an hour: only IDLE can bring this message in.
      await waitFor('the IDLE-delivered message to be applied', () => p.query("SELECT outcome FROM messages WHERE message_id = '<idle-1@riversidefm.org>'")[0], 10_000);
    } finally {
      d.child.kill('SIGTERM');
      expect(await d.exited).toBe(0);
    }
    expect(d.stderr()).toContain('"msg":"stopped"');
  });

  it('survives Dovecot restarting mid-run: reconnects with backoff and loses nothing', async () => {
    const p = await makeProject();
    const d = startDaemon(envFor(p, { COUNTERSIGN_POLL_SECONDS: '2' }));
    try {
      await waitFor('the daemon to open the mailbox', () => d.stderr().includes('waiting for mail'));
      dovecot.stop();
      try {
        await waitFor('a retry to be logged', () => d.stderr().includes('mailbox unavailable; retrying'));
      } finally {
        await dovecot.start();
      }
      await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<after-restart@riversidefm.org>' })], mailbox);
      await waitFor('the message sent after the restart', () => p.query("SELECT outcome FROM messages WHERE message_id = '<after-restart@riversidefm.org>'")[0], 30_000);
      await waitFor('the reconnect to be logged', () => d.stderr().includes('mailbox reconnected'));
    } finally {
      d.child.kill('SIGTERM');
      await d.exited;
    }
    const retries = d.stderr().split('\n').filter((l) => l.includes('mailbox unavailable; retrying'));
    const attempts = retries.map((l) => JSON.parse(l).attempt as number);
    expect(attempts).toEqual(attempts.map((_, i) => i + 1)); // each retry logged once
    expect(p.query("SELECT outcome FROM messages WHERE message_id = '<after-restart@riversidefm.org>'")).toEqual([{ outcome: 'applied' }]);
  });

  it('a run killed between parse and commit handles the message exactly once after restart', async () => {
    const p = await makeProject();
    await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<crash-1@riversidefm.org>' })], mailbox);
    const crashed = await runCountersign(['run', '--once'], envFor(p, { COUNTERSIGN_TEST_CRASH_AT: 'after_parse' }));
    expect(crashed.code).toBeNull(); // killed by SIGKILL
    expect(p.query('SELECT COUNT(*) AS n FROM messages')).toEqual([{ n: 0 }]);
    expect((await folderContents(dovecot, [mailbox]))[mailbox]!.map((m) => m.seen)).toEqual([false]);
    expect((await runCountersign(['run', '--once'], envFor(p))).code).toBe(0);
    expect(p.query('SELECT outcome FROM messages')).toEqual([{ outcome: 'applied' }]);
    expect(p.query("SELECT COUNT(*) AS n FROM events WHERE to_stage = 'production_approved'")).toEqual([{ n: 1 }]);
    expect(p.query("SELECT kind FROM outbox WHERE kind != 'staff_flag' ORDER BY id")).toEqual([{ kind: 'partner_production_identifiers' }, { kind: 'client_ack' }]);
    expect((await folderContents(dovecot, folders()))[`T${mailboxSeq}.Processed`]).toHaveLength(1);
  });

  it('a run killed between commit and move files the message after restart without handling it again', async () => {
    const p = await makeProject();
    await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<crash-2@riversidefm.org>' })], mailbox);
    const crashed = await runCountersign(['run', '--once'], envFor(p, { COUNTERSIGN_TEST_CRASH_AT: 'after_commit' }));
    expect(crashed.code).toBeNull();
    expect(p.query('SELECT outcome FROM messages')).toEqual([{ outcome: 'applied' }]);
    expect(p.query('SELECT marked_at FROM message_locations')).toEqual([{ marked_at: null }]);
    expect((await folderContents(dovecot, [mailbox]))[mailbox]).toHaveLength(1);
    expect((await runCountersign(['run', '--once'], envFor(p))).code).toBe(0);
    expect(p.query('SELECT COUNT(*) AS n FROM messages')).toEqual([{ n: 1 }]);
    expect(p.query("SELECT COUNT(*) AS n FROM events WHERE to_stage = 'production_approved'")).toEqual([{ n: 1 }]);
    expect(p.query("SELECT kind FROM outbox WHERE kind != 'staff_flag' ORDER BY id")).toEqual([{ kind: 'partner_production_identifiers' }, { kind: 'client_ack' }]);
    const f = await folderContents(dovecot, folders());
    expect(f[mailbox]).toEqual([]);
    expect(f[`T${mailboxSeq}.Processed`]!.map((m) => m.messageId)).toEqual(['<crash-2@riversidefm.org>']);
    expect(p.query<{ marked_at: string | null }>('SELECT marked_at FROM message_locations')[0]!.marked_at).not.toBeNull();
  });

  it('survives a UIDVALIDITY change: renumbered messages are recognised, not handled again', async () => {
    const p = await makeProject();
    await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<uv-1@riversidefm.org>' })], mailbox);
    const env = envFor(p, { COUNTERSIGN_MOVE: '0' });
    expect((await runCountersign(['run', '--once'], env)).code).toBe(0);
    const before = p.query<{ key: string }>('SELECT key FROM message_locations');
    expect(before).toHaveLength(1);
    const oldValidity = Number(before[0]!.key.split(':')[0]);
    dovecot.doveadm('mailbox', 'update', '-u', dovecot.user, '--uid-validity', String(oldValidity + 1000), mailbox);
    await appendAll(dovecot, [makeMail({ from: 'pm@lakesidepeds.org', body: BETA_CONSENT, messageId: '<uv-2@lakesidepeds.org>' })], mailbox);
    expect((await runCountersign(['run', '--once'], env)).code).toBe(0);
    expect(p.query('SELECT message_id, outcome FROM messages ORDER BY id')).toEqual([
      { message_id: '<uv-1@riversidefm.org>', outcome: 'applied' },
      { message_id: '<uv-2@lakesidepeds.org>', outcome: 'applied' },
    ]);
    const keys = p.query<{ key: string; message_row: number }>('SELECT key, message_row FROM message_locations ORDER BY id');
    expect(keys.map((k) => [Number(k.key.split(':')[0]), k.message_row])).toEqual([
      [oldValidity, 1],
      [oldValidity + 1000, 1],
      [oldValidity + 1000, 2],
    ]);
    // A third run finds everything finished: nothing new, nothing re-handled.
    expect((await runCountersign(['run', '--once'], env)).code).toBe(0);
    expect(p.query('SELECT COUNT(*) AS n FROM messages')).toEqual([{ n: 2 }]);
  });

  it('records and flags a 30 MB message without parsing it in full', async () => {
    const p = await makeProject();
    const big = makeMail({ from: 'pm@riversidefm.org', messageId: '<big@riversidefm.org>', body: `${PRODUCTION_APPROVAL}\n${'x'.repeat(76)}\n`.repeat(1).concat(`${'A'.repeat(76)}\r\n`.repeat(400_000)) });
    expect(big.length).toBeGreaterThan(30_000_000);
    await appendAll(dovecot, [big], mailbox);
    const r = await runCountersign(['run', '--once'], envFor(p));
    expect(r.code, r.stderr).toBe(0);
    const rows = p.query<{ outcome: string; reasons: string; size: number }>('SELECT outcome, reasons, size FROM messages');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.outcome).toBe('flagged');
    expect(JSON.parse(rows[0]!.reasons)[0]).toMatchObject({ code: 'too_large', limit: 25 * 1024 * 1024 });
    // The server's copy (line endings normalised to CRLF) is what was hashed and measured.
    expect(rows[0]!.size).toBeGreaterThan(30_000_000);
    expect(p.query('SELECT complete, size, length(gz) < 65536 AS headOnly FROM raw_messages')).toEqual([{ complete: 0, size: rows[0]!.size, headOnly: 1 }]);
    expect(p.query("SELECT COUNT(*) AS n FROM events WHERE kind = 'stage_change' AND cause_type = 'message'")).toEqual([{ n: 0 }]);
    expect((await folderContents(dovecot, folders()))[`T${mailboxSeq}.Flagged`]).toHaveLength(1);
  });

  it('ignores each kind of automated mail and never applies it', async () => {
    const p = await makeProject();
    const from = 'pm@riversidefm.org';
    const automated: [string, Record<string, string>, string?][] = [
      ['auto-submitted', { 'Auto-Submitted': 'auto-replied' }],
      ['x-autoreply', { 'X-Autoreply': 'yes' }],
      ['x-autorespond', { 'X-Autorespond': 'Out of office' }],
      ['x-auto-response-suppress', { 'X-Auto-Response-Suppress': 'All' }],
      ['precedence-bulk', { Precedence: 'bulk' }],
      ['precedence-junk', { Precedence: 'junk' }],
      ['precedence-list', { Precedence: 'list' }],
      ['list-id', { 'List-Id': '<partners.lists.example>' }],
      ['list-unsubscribe', { 'List-Unsubscribe': '<mailto:leave@lists.example>' }],
      ['mailer-daemon', {}, 'MAILER-DAEMON@riversidefm.org'],
      ['postmaster', {}, 'postmaster@riversidefm.org'],
    ];
    await appendAll(
      dovecot,
      automated.map(([name, headers, sender]) => makeMail({ from: sender ?? from, headers, body: PRODUCTION_APPROVAL, messageId: `<${name}@riversidefm.org>` })),
      mailbox,
    );
    const empty = makeMail({ from, body: PRODUCTION_APPROVAL, messageId: '<empty-return-path@riversidefm.org>' }).replace(`Return-Path: <${from}>`, 'Return-Path: <>');
    const report = [
      'Authentication-Results: mx.partners.example; dmarc=pass header.from=riversidefm.org',
      'From: Mail Delivery System <mailer@riversidefm.org>',
      'To: apipartners@partners.example',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <dsn-1@riversidefm.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="R"',
      '',
      '--R',
      'Content-Type: text/plain',
      '',
      'Acme Scheduler is approved for production - go ahead.',
      '--R',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.riversidefm.org',
      '',
      'Final-Recipient: rfc822; nobody@riversidefm.org',
      'Action: failed',
      'Status: 5.1.1',
      '--R--',
      '',
    ].join('\r\n');
    await appendAll(dovecot, [empty, report], mailbox);
    expect((await runCountersign(['run', '--once'], envFor(p))).code).toBe(0);
    const rows = p.query<{ message_id: string; outcome: string; reasons: string }>('SELECT message_id, outcome, reasons FROM messages ORDER BY id');
    expect(rows).toHaveLength(automated.length + 2);
    for (const r of rows) expect(r.outcome, r.message_id).toBe('ignored');
    const codes = rows.map((r) => JSON.parse(r.reasons)[0].code);
    expect(new Set(codes)).toEqual(new Set(['auto_submitted', 'auto_reply_header', 'precedence_bulk', 'mailing_list', 'mailer_daemon_sender', 'empty_return_path', 'delivery_report']));
    expect(p.query("SELECT COUNT(*) AS n FROM events WHERE cause_type = 'message'")).toEqual([{ n: 0 }]);
    expect(p.query('SELECT COUNT(*) AS n FROM outbox')).toEqual([{ n: 0 }]);
    expect((await folderContents(dovecot, folders()))[`T${mailboxSeq}.Ignored`]).toHaveLength(automated.length + 2);
  });

  it('drains a backlog of 5,000 messages, each recorded once and filed', { timeout: 240_000 }, async () => {
    const p = await makeProject();
    const raws = Array.from({ length: 5000 }, (_, i) =>
      makeMail({ from: i % 2 ? 'pm@riversidefm.org' : 'someone@unknown-clinic.example', subject: `Question ${i}`, body: `Hello, a question about our account, number ${i}.\n`, messageId: `<bulk-${i}@x.example>` }),
    );
    await appendAll(dovecot, raws, mailbox);
    const r = await runCountersign(['run', '--once'], envFor(p, { COUNTERSIGN_LOG_LEVEL: 'warn' }));
    expect(r.code, r.stderr).toBe(0);
    expect(p.query('SELECT COUNT(*) AS n, COUNT(DISTINCT message_id) AS ids FROM messages')).toEqual([{ n: 5000, ids: 5000 }]);
    expect(p.query('SELECT COUNT(*) AS n FROM message_locations WHERE marked_at IS NULL')).toEqual([{ n: 0 }]);
    const c = await imapClient(dovecot);
    const st = await c.status(mailbox, { messages: true });
    const flagged = await c.status(`T${mailboxSeq}.Flagged`, { messages: true });
    await c.logout();
    expect(st && st.messages).toBe(0);
    expect(flagged && flagged.messages).toBe(5000);
  });

  it('shadow mode reads read-only: records decisions apart and changes nothing on the server or in the log', async () => {
    const p = await makeProject();
    await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<shadow-1@riversidefm.org>' })], mailbox);
    const env = envFor(p);
    expect((await runCountersign(['run', '--shadow', '--once'], env)).code).toBe(0);
    expect((await runCountersign(['run', '--shadow', '--once'], env)).code).toBe(0);
    expect(p.query('SELECT COUNT(*) AS n FROM messages')).toEqual([{ n: 0 }]);
    expect(p.query("SELECT COUNT(*) AS n FROM events WHERE cause_type = 'message'")).toEqual([{ n: 0 }]);
    expect(p.query('SELECT COUNT(*) AS n FROM outbox')).toEqual([{ n: 0 }]);
    const f = await folderContents(dovecot, [mailbox]);
    expect(f[mailbox]!.map((m) => [m.messageId, m.seen])).toEqual([['<shadow-1@riversidefm.org>', false]]);
    const report = await runCountersign(['shadow', 'report', '--json'], env);
    expect(JSON.parse(report.stdout)).toEqual([
      expect.objectContaining({ messageId: '<shadow-1@riversidefm.org>', action: 'apply', intent: 'production_approval', app: 'acme-scheduler', client: 'riverside', reasons: [] }),
    ]);
  });
});
