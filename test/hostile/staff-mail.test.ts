import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { Templates } from '../../src/adapters/templates.js';
import { renderOutboxMail, type OutboxRow } from '../../src/daemon/render-outbox-mail.js';
import { insertFlag } from '../../src/db/message-store.js';
import type { Db } from '../../src/db/open-db.js';
import { queueMail } from '../../src/db/queue-mail.js';
import { registerDbSecrets } from '../../src/db/register-db-secrets.js';
import { makeMail } from '../helpers/mail.js';
import { makeKey } from '../helpers/pgp-keys.js';
import { makeProject, type Project } from '../helpers/project.js';
import { TEST_IDS } from '../helpers/registry-fixture.js';
import { runCountersign } from '../helpers/run-cli.js';
import { startSmtpPeer } from '../helpers/smtp-peer.js';
import { seededDb } from '../helpers/test-db.js';

const FENCE_OPEN = '----- What the client wrote (quoted, not from Countersign) -----';
const FENCE_CLOSE = '----- end of what the client wrote -----';

/** A staff notice's body, split into what lies inside the quoted fence and what lies outside it. */
function fenced(text: string): { inside: string[]; outside: string[] } {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const open = lines.indexOf(FENCE_OPEN);
  const close = lines.indexOf(FENCE_CLOSE, open + 1);
  if (open < 0) return { inside: [], outside: lines };
  expect(close).toBeGreaterThan(open);
  return { inside: lines.slice(open + 1, close), outside: [...lines.slice(0, open), ...lines.slice(close + 1)] };
}

/** RFC 5322 §2.1.1 and §2.2: CRLF line ends only, no line over 998 octets, header fields or folded continuations. */
function expectWellFormed(raw: string): void {
  expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  for (const line of raw.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(998);
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  for (const line of head.split('\r\n')) expect(line).toMatch(/^([\x21-\x39\x3b-\x7e]+:|[ \t])/);
  expect(head).toMatch(/^[\x00-\x7f]*$/);
}

/** Characters as a reader counts them: code points, not UTF-16 units. */
const chars = (s: string) => [...s].length;
const clearText = (raw: string) => raw.replace(/-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/g, '');

// ---------------------------------------------------------------------------------------------------
// The real pipeline: client mail into a Maildir, the daemon binary, a real SMTP peer receiving.
// ---------------------------------------------------------------------------------------------------

let seq = 0;
function deliver(p: Project, raw: string): void {
  const md = p.env.COUNTERSIGN_MAILDIR!;
  for (const s of ['new', 'cur', 'tmp']) mkdirSync(path.join(md, s), { recursive: true });
  writeFileSync(path.join(md, 'new', `${1700000000 + ++seq}.s${seq}.host`), raw);
}

async function daemonWithPeer() {
  const smtp = await startSmtpPeer();
  const p = await makeProject({ COUNTERSIGN_SMTP_URL: smtp.url });
  const signer = await makeKey('apipartners@partners.example');
  writeFileSync(path.join(p.dir, 'signing.asc'), signer.privateKey);
  p.env.COUNTERSIGN_SIGNING_KEY = path.join(p.dir, 'signing.asc');
  const run = async () => {
    const r = await runCountersign(['run', '--once'], p.env);
    expect(r.code, r.stderr).toBe(0);
    return r;
  };
  const mailsTo = async (address: string) => Promise.all(smtp.received.filter((m) => m.to.includes(address)).map(async (m) => ({ raw: m.raw, parsed: await simpleParser(m.raw) })));
  return { smtp, p, run, mailsTo };
}

const FAKE_WHY = 'Why:\n  - Nothing is in doubt: the sender is verified and the step is allowed.';
const FAKE_PROPOSAL = 'Reply APPROVE to record the Production approval of Acme Scheduler for Riverside Family Medicine and send Acme Health Apps the Production identifiers, or REJECT.';

describe('staff notifications cannot be forged by what a client writes (daemon + SMTP peer)', { timeout: 120_000 }, () => {
  it('a fake "Why:" section and a fake "Reply APPROVE" line appear only quoted, inside the fence', async () => {
    const { smtp, p, run, mailsTo } = await daemonWithPeer();
    try {
      // Unauthenticated, so it is flagged and staff read it.
      deliver(p, makeMail({ from: 'pm@riversidefm.org', auth: null, subject: 'Acme Scheduler production', body: `Acme Scheduler is approved for production.\n\n${FAKE_WHY}\n\n${FAKE_PROPOSAL}\n${FENCE_CLOSE}\nReply APPROVE now.` }));
      await run();
      const [notice] = await mailsTo('ops@partners.example');
      expectWellFormed(notice!.raw);
      const { inside, outside } = fenced(notice!.parsed.text!);
      expect(inside.length).toBeGreaterThan(0);
      for (const line of inside) expect(line).toMatch(/^>( |$)/);
      expect(inside).toContain('> Why:');
      expect(inside).toContain(`> ${FAKE_PROPOSAL}`);
      expect(inside).toContain(`> ${FENCE_CLOSE}`);
      // Outside the fence: our one "Why:" section and our one proposal, nothing of the client's.
      expect(outside.filter((l) => l === 'Why:')).toHaveLength(1);
      expect(outside.filter((l) => l.startsWith('Reply '))).toEqual([FAKE_PROPOSAL]);
      // A reason may quote a sentence of the client's, on its own one line and inside quotes: never as a line of its own.
      expect(outside.filter((l) => /^\s*- Nothing is in doubt/.test(l) || l.startsWith('Reply APPROVE now') || l === FENCE_CLOSE)).toEqual([]);
    } finally {
      await smtp.close();
    }
  });

  it('a Message-ID and a Subject written as encoded words that decode to CR LF print as one line each', async () => {
    const { smtp, p, run, mailsTo } = await daemonWithPeer();
    try {
      const raw = makeMail({ from: 'pm@riversidefm.org', auth: null, subject: '=?utf-8?q?Hello=0D=0AWhy:=0D=0A__-_forged_reason?=', messageId: '=?utf-8?q?<x1=0D=0AReply_APPROVE_to_record_everything=0D=0A@evil.example>?=', body: 'Acme Scheduler is approved for production.' });
      deliver(p, raw);
      await run();
      const [notice] = await mailsTo('ops@partners.example');
      expectWellFormed(notice!.raw);
      expect(notice!.parsed.subject).toMatch(/^\[CS-[0-9A-Z]{13}\] Flagged: Hello Why: - forged reason$/);
      const { outside } = fenced(notice!.parsed.text!);
      expect(outside).toContain('Message-ID: <x1 Reply APPROVE to record everything @evil.example>');
      expect(outside).toContain('Subject:    Hello Why: - forged reason');
      expect(outside.filter((l) => l === 'Why:')).toHaveLength(1);
      expect(outside.filter((l) => /^\s*- forged reason/.test(l) || l.startsWith('Reply APPROVE to record everything'))).toEqual([]);
    } finally {
      await smtp.close();
    }
  });

  it('a 1 MB Subject is cut to 200 characters in the acknowledgement and the staff notice; no line passes 998 octets', async () => {
    const { smtp, p, run, mailsTo } = await daemonWithPeer();
    try {
      // 1 MB (10^6 characters): under mailparser's 1 MiB limit on a header block, so it is parsed and read.
      const huge = `Acme Scheduler production ${'approval '.repeat(111_108)}`;
      expect(huge.length).toBeGreaterThanOrEqual(999_990);
      deliver(p, makeMail({ from: 'pm@riversidefm.org', subject: huge, body: 'Acme Scheduler is approved for production - go ahead.', messageId: '<huge-1@riversidefm.org>' }));
      deliver(p, makeMail({ from: 'pm@riversidefm.org', auth: null, subject: huge, body: 'Acme Scheduler is approved for production.' }));
      await run();
      const [ack] = await mailsTo('pm@riversidefm.org');
      const [notice] = await mailsTo('ops@partners.example');
      for (const m of [ack!, notice!]) expectWellFormed(m.raw);
      expect(ack!.parsed.subject).toMatch(/^Re: Acme Scheduler production approval approval .*…$/);
      expect(ack!.parsed.subject!.length).toBeLessThanOrEqual('Re: '.length + 200);
      expect(ack!.parsed.inReplyTo).toBe('<huge-1@riversidefm.org>');
      expect(notice!.parsed.subject!.length).toBeLessThanOrEqual('[CS-XXXXXXXXXXXXX] Flagged: '.length + 200);
      expect(ack!.raw.length + notice!.raw.length).toBeLessThan(20_000);
    } finally {
      await smtp.close();
    }
  });

  it('identifiers a client writes in its own subject, body and Message-ID never appear in any mail sent in clear', async () => {
    const { smtp, p, run } = await daemonWithPeer();
    try {
      const subject = `Acme Scheduler production RFM-PROD-7731 (test was RFM-TEST-7731)`;
      const body = `Acme Scheduler is approved for production - go ahead. Our ids: RFM-PROD-7731, RFM-TEST-7731; Lakeside's is LKP-PROD-0042.`;
      // Applied: the partner gets the identifiers encrypted, the client an acknowledgement.
      deliver(p, makeMail({ from: 'pm@riversidefm.org', subject, body, messageId: '<RFM-PROD-7731@riversidefm.org>' }));
      // Flagged: staff get a notice with the subject and the quoted text.
      deliver(p, makeMail({ from: 'pm@lakesidepeds.org', auth: null, subject: 'LKP-PROD-0042 and LKP-TEST-0042', body: `Please use LKP-PROD-0042.\nWhy:\n  - LKP-TEST-0042` }));
      const r = await run();
      const kinds = p.query<{ kind: string; status: string }>('SELECT kind, status FROM outbox ORDER BY id');
      expect(kinds).toEqual(expect.arrayContaining([{ kind: 'partner_production_identifiers', status: 'sent' }, { kind: 'client_ack', status: 'sent' }, { kind: 'staff_flag', status: 'sent' }]));
      expect(smtp.received.length).toBe(kinds.length);
      for (const m of smtp.received) {
        expectWellFormed(m.raw);
        const parsed = await simpleParser(clearText(m.raw));
        for (const id of TEST_IDS) {
          expect(clearText(m.raw)).not.toContain(id);
          expect(`${parsed.subject}\n${parsed.text ?? ''}\n${parsed.inReplyTo ?? ''}`).not.toContain(id);
        }
      }
      const ack = await simpleParser(smtp.received.find((m) => m.to.includes('pm@riversidefm.org'))!.raw);
      expect(ack.subject).toBe('Re: Acme Scheduler production [REDACTED] (test was [REDACTED])');
      // A Message-ID holding an identifier is not repeated: threading is lost, the identifier is not echoed.
      expect(ack.inReplyTo).toBeUndefined();
      const notice = await simpleParser(smtp.received.find((m) => m.to.includes('ops@partners.example'))!.raw);
      expect(notice.subject).toMatch(/Flagged: \[REDACTED\] and \[REDACTED\]$/);
      expect(fenced(notice.text!).inside).toContain('> Please use [REDACTED].');
      for (const id of TEST_IDS) expect(r.stdout + r.stderr).not.toContain(id);
    } finally {
      await smtp.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Fuzzing the renderer: the real templates, the real database, mailparser reading back what was built.
// ---------------------------------------------------------------------------------------------------

/** Strings a hostile sender might write: any code point (lone surrogates too), line breaks of every kind, our own words, identifiers, encoded words. */
const NASTY = [
  '\r\n', '\n', '\r', '\u0000', '\t', '\u000b', '\u000c', '\u0085', '\u2028', '\u2029', '\u202e', '\u2066', '\ufeff', '\ud800', '\udfff',
  'Why:', '  - ', 'Reply APPROVE to record everything', 'Reply REJECT', FENCE_OPEN, FENCE_CLOSE, '> ', 'Subject: x', '=?utf-8?q?=0D=0AWhy:?=', '=?utf-8?b?DQpSZXBseSBBUFBST1ZF?=',
  ...TEST_IDS,
];
const hostileText = (maxParts: number) =>
  fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(...NASTY), fc.string({ unit: 'grapheme-ascii', maxLength: 80 })), { maxLength: maxParts }).map((parts) => parts.join(''));
const maybeHuge = (arb: fc.Arbitrary<string>) => fc.oneof({ weight: 9, arbitrary: arb }, { weight: 1, arbitrary: fc.tuple(arb, fc.integer({ min: 1000, max: 200_000 })).map(([s, n]) => `${s}${'ä'.repeat(n)}${s}`) });

/** 300 runs each by default (a fixed seed, so a failure reproduces); FUZZ_RUNS and FUZZ_SEED for a longer hunt. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const seed = (fixed: number) => (process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : fixed);

const REASONS = (s: string) => [
  { code: 'blocked', kind: 'conditional', cue: s.slice(0, 10), sentence: s },
  { code: 'auto_reply_subject', subject: s },
  { code: 'sender_display_name_address', shown: s, address: 'pm@riversidefm.org' },
  { code: 'staff_reply_unknown_command', line: s },
  { code: 'unparseable', detail: s },
  { code: 'app_inferred', app: 'acme-scheduler' },
];

describe('the staff-mail renderer under fuzzing (fast-check)', () => {
  let db: Db;
  let templates: Templates;
  let integrationId: number;
  const now = new Date('2026-11-23T10:00:00Z');
  beforeAll(async () => {
    db = await seededDb();
    templates = new Templates();
    registerDbSecrets(db);
    integrationId = (db.$client.prepare("SELECT id FROM integrations WHERE app_id = 'acme-scheduler' AND client_id = 'riverside'").get() as { id: number }).id;
  });
  const deps = () => ({ db, templates, from: 'apipartners@partners.example', teamName: 'API Partners', signingKey: null, now });
  const lastRow = (): OutboxRow =>
    db.$client.prepare('SELECT id, kind, integration_id AS integrationId, event_seq AS eventSeq, recipient, context, message_id AS messageId, created_at AS createdAt FROM outbox ORDER BY id DESC LIMIT 1').get() as OutboxRow;

  it(`a staff notice never throws, never puts CR or LF inside a header value, never a line over 998 octets, never client text outside the fence, never an identifier`, async () => {
    const runs = RUNS;
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({ subject: maybeHuge(hostileText(8)), from: hostileText(4), date: hostileText(3), messageId: hostileText(4), newText: maybeHuge(hostileText(20)), reasonText: hostileText(6), reasonPick: fc.subarray([0, 1, 2, 3, 4, 5]) }),
        async (c) => {
          const messageRow = Number(
            db.$client
              .prepare("INSERT INTO messages (received_at, mailbox, message_id, sha256, size, from_address, subject, date, outcome, reasons, decision) VALUES (?, 'fuzz', ?, 'x', 1, ?, ?, ?, 'flagged', '[]', ?)")
              .run(now.toISOString(), c.messageId, c.from, c.subject, c.date, JSON.stringify({ newText: c.newText })).lastInsertRowid,
          );
          const reasons = c.reasonPick.map((i) => REASONS(c.reasonText)[i]!);
          db.transaction((tx) => insertFlag(tx, { kind: 'message', messageRow, reasons, proposal: { step: 'production_approval', appId: 'acme-scheduler', clientId: 'riverside' }, now, ttlDays: 14, mailFrom: 'apipartners@partners.example' }));
          const r = await renderOutboxMail(deps(), lastRow());
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expectWellFormed(r.raw);
          const parsed = await simpleParser(r.raw);
          expect(parsed.subject).not.toMatch(/[\r\n]/);
          expect(chars(parsed.subject!)).toBeLessThanOrEqual('[CS-XXXXXXXXXXXXX] Flagged: '.length + 200);
          const { inside, outside } = fenced(parsed.text!);
          for (const line of inside) expect(line).toMatch(/^>( |$)/);
          // Every line outside the fence is one of ours: a template line, or an echoed value behind its label.
          const ours = /^(|A message in the API partners mailbox needs a decision\.|From: {7}.*|Subject: {4}.*|Date: {7}.*|Message-ID: .*|Why:|  - .*|Reply APPROVE to record the Production approval of Acme Scheduler for Riverside Family Medicine and send Acme Health Apps the Production identifiers, or REJECT\.|\(Reference CS-[0-9A-Z]{13}; it expires .*)$/;
          for (const line of outside) expect(line).toMatch(ours);
          expect(outside.filter((l) => l === 'Why:')).toHaveLength(1);
          expect(outside.filter((l) => l.startsWith('Reply '))).toHaveLength(1);
          for (const id of TEST_IDS) expect(`${r.raw}\n${parsed.subject}\n${parsed.text}`).not.toContain(id);
          checked++;
        },
      ),
      { numRuns: runs, seed: seed(20261123) },
    );
    expect(checked).toBe(runs);
    console.info(`staff-notice renderer: ${checked} fuzzed runs`);
  }, 240_000);

  it('a client acknowledgement with a hostile subject and Message-IDs is folded, one line per header, and holds no identifier', async () => {
    const runs = RUNS;
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(fc.record({ subject: maybeHuge(hostileText(8)), inReplyTo: hostileText(3), references: fc.array(hostileText(3), { maxLength: 4 }) }), async (c) => {
        db.transaction((tx) => queueMail(tx, { kind: 'client_ack', from: 'apipartners@partners.example', recipient: 'pm@riversidefm.org', integrationId, context: { step: 'production_approval', subject: c.subject, inReplyTo: c.inReplyTo, references: c.references }, now }));
        const r = await renderOutboxMail(deps(), lastRow());
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expectWellFormed(r.raw);
        const parsed = await simpleParser(r.raw);
        expect(parsed.subject).toMatch(/^Re: /);
        expect(parsed.subject).not.toMatch(/[\r\n]/);
        expect(chars(parsed.subject!)).toBeLessThanOrEqual('Re: '.length + 200);
        for (const id of TEST_IDS) expect(`${r.raw}\n${parsed.subject}`).not.toContain(id);
        checked++;
      }),
      { numRuns: runs, seed: seed(20261124) },
    );
    expect(checked).toBe(runs);
    console.info(`client-acknowledgement renderer: ${checked} fuzzed runs`);
  }, 240_000);
});
