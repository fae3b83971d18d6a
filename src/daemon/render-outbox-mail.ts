import MailComposer from 'nodemailer/lib/mail-composer';
import * as openpgp from 'openpgp';
import { buildPgpMime } from '../adapters/pgp-mime.js';
import { describeKeyProblem, inspectPublicKey } from '../adapters/pgp-keys.js';
import type { Templates } from '../adapters/templates.js';
import type { Db } from '../db/open-db.js';

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
  const r = db.$client
    .prepare(
      `SELECT a.id AS appId, a.name AS appName, c.name AS clientName, p.name AS partnerName, p.contact AS partnerContact,
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
  return (db.$client.prepare('SELECT address FROM staff ORDER BY address').all() as { address: string }[]).map((s) => s.address);
}

async function plainMail(deps: RenderDeps, row: OutboxRow, to: string[], subject: string, text: string, autoSubmitted: string, ctx: Record<string, unknown>): Promise<string> {
  const references = Array.isArray(ctx.references) ? (ctx.references as string[]).join(' ') : undefined;
  const mail = new MailComposer({
    from: `${deps.teamName} <${deps.from}>`,
    to,
    subject,
    text,
    date: deps.now,
    messageId: row.messageId ?? undefined,
    ...(typeof ctx.inReplyTo === 'string' ? { inReplyTo: ctx.inReplyTo } : {}),
    ...(references ? { references } : {}),
    // RFC 3834: replies say auto-replied, notifications auto-generated, so no auto-responder answers them.
    headers: { 'Auto-Submitted': autoSubmitted, 'X-Auto-Response-Suppress': 'All' },
  });
  return (await mail.compile().build()).toString('utf8');
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
  const originalSubject = typeof ctx.subject === 'string' ? ctx.subject.replace(/^(re|aw|sv)\s*:\s*/i, '') : 'your message';
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
          ? deps.templates.render('staff-ga-ready', { appName: f.appName, appId: f.appId, clientName: f.clientName, recordedAt: f.recordedAt, eventSeq: row.eventSeq ?? '' })
          : deps.templates.render('staff-withdrawn', { appName: f.appName, clientName: f.clientName, partnerName: f.partnerName, recordedAt: f.recordedAt, eventSeq: row.eventSeq ?? '', actor: f.actor });
      return { ok: true, raw: await plainMail(deps, row, to, t.subject, t.body, 'auto-generated', ctx), to };
    }
    default:
      return { ok: false, held: `unknown kind of mail ${row.kind}` };
  }
}
