import MailComposer from 'nodemailer/lib/mail-composer';
import * as openpgp from 'openpgp';
import { buildPgpMime } from '../adapters/pgp-mime.js';
import { describeKeyProblem, inspectPublicKey } from '../adapters/pgp-keys.js';
import type { Templates } from '../adapters/templates.js';
import type { Db } from '../db/open-db.js';
import { ECHO_LIMITS, echoHeaderValue } from '../core/client-echo.js';
import { expiringKeyLines, KEY_WARN_DAYS } from '../core/key-expiry.js';
import { staffFlagVars } from './staff-flag-vars.js';
import { scrub } from '../secret-scrubber.js';
import { prepared } from '../db/raw-client.js';

export interface OutboxRow {
  id: number;
  kind: string;
  integrationId: number | null;
  eventSeq: number | null;
  recipient: string | null;
  context: string;
  messageId: string | null;
  createdAt: string;
}

export interface RenderDeps {
  db: Db;
  templates: Templates;
  from: string;
  teamName: string;
  signingKey: openpgp.PrivateKey | null;
  now: Date;
}

export type Rendered = { ok: true; raw: string; to: string[] } | { ok: false; held: string };

interface Facts {
  appId: string;
  appName: string;
  clientName: string;
  partnerName: string;
  partnerContact: string;
  partnerKey: string;
  testIds: string[];
  productionIds: string[];
  recordedAt: string;
  actor: string;
}

/** The facts behind an outgoing mail, read at send time: identifiers never sit in the outbox row. */
function facts(db: Db, row: OutboxRow): Facts | null {
  if (row.integrationId === null) return null;
  const r = prepared(db, `SELECT a.id AS appId, a.name AS appName, c.name AS clientName, p.name AS partnerName, p.contact AS partnerContact,
              p.public_key_armored AS partnerKey, c.test_environment_ids AS testIds, c.production_environment_ids AS productionIds,
              e.at AS recordedAt, e.actor AS actor
       FROM integrations i JOIN apps a ON a.id = i.app_id JOIN clients c ON c.id = i.client_id JOIN partners p ON p.id = a.partner_id
       LEFT JOIN events e ON e.seq = ?
       WHERE i.id = ?`,
    )
    .get(row.eventSeq, row.integrationId) as (Omit<Facts, 'testIds' | 'productionIds'> & { testIds: string; productionIds: string }) | undefined;
  if (!r) return null;
  return { ...r, testIds: JSON.parse(r.testIds) as string[], productionIds: JSON.parse(r.productionIds) as string[], recordedAt: r.recordedAt ?? row.createdAt, actor: r.actor ?? '' };
}

function staffAddresses(db: Db): string[] {
  return (prepared(db, 'SELECT address FROM staff ORDER BY address').all() as { address: string }[]).map((s) => s.address);
}

/**
 * A value a sender wrote, as one safe line: identifiers masked once it is decoded and before it is
 * cut (cutting first could leave part of an identifier that masking no longer recognises).
 */
const echo = (value: string | null | undefined, max: number): string => echoHeaderValue(value, max, scrub);

/** A Message-ID we may repeat in In-Reply-To/References: one line, and holding no identifier (else left out). */
function threadId(id: unknown): string | null {
  if (typeof id !== 'string') return null;
  const safe = echoHeaderValue(id, ECHO_LIMITS.messageId, scrub);
  return safe === id && /^<[^<>\s]+>$/.test(safe) ? safe : null;
}

/**
 * Every clear-text mail: subject and body scrubbed of registry identifiers with the logs' masking
 * (a client that writes its own identifier must not see it echoed unencrypted); nodemailer encodes
 * and folds the headers (RFC 2047, RFC 5322 §2.2.3) and the body (quoted-printable), so no line
 * passes 998 characters (RFC 5322 §2.1.1).
 */
async function plainMail(deps: RenderDeps, row: OutboxRow, to: string[], subject: string, text: string, autoSubmitted: string, ctx: Record<string, unknown>): Promise<string> {
  const references = (Array.isArray(ctx.references) ? ctx.references : []).map(threadId).filter((r): r is string => r !== null).slice(-20).join(' ');
  const inReplyTo = threadId(ctx.inReplyTo);
  const mail = new MailComposer({
    from: `${deps.teamName} <${deps.from}>`,
    to,
    subject: echo(subject, 998 - 40),
    text: scrub(text),
    date: deps.now,
    messageId: row.messageId ?? undefined,
    // RFC 5322 §2.1: lines end in CRLF, also where the template's text had bare LFs.
    newline: 'windows',
    ...(inReplyTo ? { inReplyTo } : {}),
    ...(references ? { references } : {}),
    // RFC 3834: replies say auto-replied, notifications auto-generated, so no auto-responder answers them.
    headers: { 'Auto-Submitted': autoSubmitted, 'X-Auto-Response-Suppress': 'All' },
  });
  return (await mail.compile().build()).toString('utf8');
}

/** The GA-ready notice's reference (its `ga_ready` flag), which a staff APPROVE reply answers. */
function gaReference(db: Db, ctx: Record<string, unknown>): { token: string; expiresAt: string } {
  const flag = prepared(db, 'SELECT token, expires_at AS expiresAt FROM flags WHERE id = ?').get(Number(ctx.flagId ?? 0)) as { token: string; expiresAt: string } | undefined;
  return flag ?? { token: '', expiresAt: '' };
}

const ACK_TEMPLATE: Record<string, 'client-ack-beta-consent' | 'client-ack-production-approval' | 'client-ack-ga-signoff'> = {
  beta_consent: 'client-ack-beta-consent',
  production_approval: 'client-ack-production-approval',
  ga_signoff: 'client-ack-ga-signoff',
};

/**
 * Builds the raw mail for one outbox row. Partner mail carrying identifiers is PGP/MIME, signed and
 * encrypted; when the partner's key cannot receive it (missing, expired, revoked, cannot encrypt) or
 * no signing key is configured, nothing is sent in any other form: the mail is held.
 */
export async function renderOutboxMail(deps: RenderDeps, row: OutboxRow): Promise<Rendered> {
  const ctx = JSON.parse(row.context) as Record<string, unknown>;
  const f = facts(deps.db, row);
  const originalSubject = (typeof ctx.subject === 'string' ? echo(ctx.subject, ECHO_LIMITS.subject).replace(/^(re|aw|sv)\s*:\s*/i, '') : '') || 'your message';
  switch (row.kind) {
    case 'partner_test_identifiers':
    case 'partner_production_identifiers': {
      if (!f || !row.recipient) return { ok: false, held: 'the integration or its partner is no longer in the registry' };
      if (!deps.signingKey) return { ok: false, held: 'no signing key is configured (COUNTERSIGN_SIGNING_KEY)' };
      const inspected = await inspectPublicKey(f.partnerKey, deps.now);
      if (!inspected.ok) return { ok: false, held: `the partner's key ${describeKeyProblem(inspected.problem)}` };
      const production = row.kind === 'partner_production_identifiers';
      const t = deps.templates.render(production ? 'partner-production-identifiers' : 'partner-test-identifiers', {
        appName: f.appName,
        clientName: f.clientName,
        partnerName: f.partnerName,
        recordedAt: f.recordedAt,
        eventSeq: row.eventSeq ?? '',
        identifiers: production ? f.productionIds : f.testIds,
        partnerKeyFingerprint: inspected.info.fingerprint,
        teamName: deps.teamName,
      });
      const raw = await buildPgpMime({
        from: `${deps.teamName} <${deps.from}>`,
        to: row.recipient,
        messageId: row.messageId!,
        date: deps.now,
        outerSubject: `Encrypted message from ${deps.teamName}`,
        innerSubject: t.subject,
        body: t.body,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
        encryptionKey: await openpgp.readKey({ armoredKey: f.partnerKey }),
        signingKey: deps.signingKey,
      });
      return { ok: true, raw, to: [row.recipient] };
    }
    case 'client_ack': {
      const name = ACK_TEMPLATE[String(ctx.step)];
      if (!f || !row.recipient || !name) return { ok: false, held: 'the acknowledgement lacks its integration or step' };
      const t = deps.templates.render(name, { originalSubject, clientName: f.clientName, appName: f.appName, partnerName: f.partnerName, recordedAt: f.recordedAt, teamName: deps.teamName });
      return { ok: true, raw: await plainMail(deps, row, [row.recipient], t.subject, t.body, 'auto-replied', ctx), to: [row.recipient] };
    }
    case 'client_fix': {
      if (!row.recipient) return { ok: false, held: 'no recipient' };
      const t = deps.templates.render('client-fix', { originalSubject, explanation: String(ctx.explanation ?? ''), teamName: deps.teamName });
      return { ok: true, raw: await plainMail(deps, row, [row.recipient], t.subject, t.body, 'auto-replied', ctx), to: [row.recipient] };
    }
    case 'staff_ga_ready':
    case 'staff_withdrawn': {
      const to = staffAddresses(deps.db);
      if (!f || to.length === 0) return { ok: false, held: 'no staff address in the registry' };
      const t =
        row.kind === 'staff_ga_ready'
          ? deps.templates.render('staff-ga-ready', { appName: f.appName, appId: f.appId, clientName: f.clientName, recordedAt: f.recordedAt, eventSeq: row.eventSeq ?? '', ...gaReference(deps.db, ctx) })
          : deps.templates.render('staff-withdrawn', { appName: f.appName, clientName: f.clientName, partnerName: f.partnerName, recordedAt: f.recordedAt, eventSeq: row.eventSeq ?? '', actor: f.actor });
      return { ok: true, raw: await plainMail(deps, row, to, t.subject, t.body, 'auto-generated', ctx), to };
    }
    case 'staff_flag': {
      const to = staffAddresses(deps.db);
      if (to.length === 0) return { ok: false, held: 'no staff address in the registry' };
      const v = staffFlagVars(deps.db, Number(ctx.flagId));
      if (!v) return { ok: false, held: 'the flag is gone' };
      const t = deps.templates.render('staff-flag', v);
      return { ok: true, raw: await plainMail(deps, row, to, t.subject, t.body, 'auto-generated', ctx), to };
    }
    case 'staff_reminder': {
      const to = staffAddresses(deps.db);
      const ids = Array.isArray(ctx.flagIds) ? (ctx.flagIds as number[]) : [];
      const expiredIds = Array.isArray(ctx.expiredFlagIds) ? (ctx.expiredFlagIds as number[]) : [];
      const keys = expiringKeyLines(ctx.expiringKeys, deps.now);
      if (to.length === 0 || ids.length + expiredIds.length + keys.length === 0) return { ok: false, held: 'no staff address or nothing to remind' };
      const vars = (list: number[]) => list.map((id) => ({ id, v: staffFlagVars(deps.db, id) })).filter((x): x is { id: number; v: NonNullable<ReturnType<typeof staffFlagVars>> } => x.v !== null);
      const items = vars(ids).map(({ v }) => `[${v.token}] ${v.headline} (expires ${v.expiresAt})`);
      const expired = vars(expiredIds).map(({ id, v }) => `flag ${id}: ${v.headline} (expired ${v.expiresAt}; \`countersign flags reopen ${id} --by ADDRESS\` gives it a fresh reference)`);
      const t = deps.templates.render('staff-reminder', { count: items.length, items, hasExpired: expired.length > 0, expired, hasKeys: keys.length > 0, keyCount: keys.length, keys, keyWarnDays: KEY_WARN_DAYS });
      return { ok: true, raw: await plainMail(deps, row, to, t.subject, t.body, 'auto-generated', ctx), to };
    }
    case 'client_rejected': {
      if (!row.recipient) return { ok: false, held: 'no recipient' };
      const t = deps.templates.render('client-rejected', { originalSubject, teamName: deps.teamName });
      return { ok: true, raw: await plainMail(deps, row, [row.recipient], t.subject, t.body, 'auto-replied', ctx), to: [row.recipient] };
    }
    case 'staff_digest': {
      const to = staffAddresses(deps.db);
      const ids = Array.isArray(ctx.flagIds) ? (ctx.flagIds as number[]) : [];
      if (to.length === 0 || ids.length === 0) return { ok: false, held: 'no staff address or no flag' };
      const items = ids
        .map((id) => staffFlagVars(deps.db, id))
        .filter((v): v is NonNullable<typeof v> => v !== null)
        .map((v) => `[${v.token}] ${v.headline}\n      ${v.reasons.join('; ') || 'no reason recorded'}\n      ${v.proposal}`);
      const t = deps.templates.render('staff-digest', { count: items.length, items, from: deps.from });
      return { ok: true, raw: await plainMail(deps, row, to, t.subject, t.body, 'auto-generated', ctx), to };
    }
    case 'staff_answer': {
      if (!row.recipient) return { ok: false, held: 'no recipient' };
      const t = deps.templates.render('staff-answer', { originalSubject, answer: String(ctx.answer ?? '') });
      return { ok: true, raw: await plainMail(deps, row, [row.recipient], t.subject, t.body, 'auto-replied', ctx), to: [row.recipient] };
    }
    default:
      return { ok: false, held: `unknown kind of mail ${row.kind}` };
  }
}
