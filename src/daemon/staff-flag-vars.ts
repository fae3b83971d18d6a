import type { Db } from '../db/open-db.js';
import { ECHO_LIMITS, echoHeaderValue, quoteClientText } from '../core/client-echo.js';
import { explainReason, type Reason } from '../core/reasons.js';
import { scrub } from '../secret-scrubber.js';
import { prepared } from '../db/raw-client.js';

const echo = (value: string | null | undefined, max: number): string => echoHeaderValue(value, max, scrub);

const STEP_SENTENCE: Record<string, (app: string, client: string, partner: string) => string> = {
  beta_consent: (a, c, p) => `record the beta consent of ${a} for ${c} and send ${p} the Test identifiers`,
  production_approval: (a, c, p) => `record the Production approval of ${a} for ${c} and send ${p} the Production identifiers`,
  ga_signoff: (a, c) => `record the GA sign-off of ${a} by ${c}`,
  withdrawal: (a, c) => `record the withdrawal of ${a} at ${c}`,
};

/** What an outgoing mail is for, in words (never its content). */
export function mailPurpose(kind: string | null, app: string | null, client: string | null): string {
  const of = app && client ? ` for ${app} at ${client}` : '';
  switch (kind) {
    case 'partner_test_identifiers':
      return `the Test identifiers${of}`;
    case 'partner_production_identifiers':
      return `the Production identifiers${of}`;
    case 'client_ack':
      return `the acknowledgement to the client${of}`;
    case 'client_fix':
      return 'the "what to fix" answer to a client';
    case 'client_rejected':
      return 'the rejection notice to a client';
    default:
      return `a staff notification (${kind ?? 'unknown'})`;
  }
}

interface FlagFacts {
  id: number;
  token: string;
  kind: string;
  reasons: string;
  proposal: string | null;
  expiresAt: string;
  appId: string | null;
  fromAddress: string | null;
  subject: string | null;
  date: string | null;
  messageId: string | null;
  decision: string | null;
  outboxId: number | null;
  outKind: string | null;
  outRecipient: string | null;
  outApp: string | null;
  outClient: string | null;
}

/** Everything a staff notification says about one flag, in plain words; never an identifier. */
export function staffFlagVars(db: Db, flagId: number) {
  const f = prepared(db, `SELECT f.id, f.token, f.kind, f.reasons, f.proposal, f.expires_at AS expiresAt, f.app_id AS appId, m.from_address AS fromAddress, m.subject, m.date,
              m.message_id AS messageId, m.decision, f.outbox_id AS outboxId, o.kind AS outKind, o.recipient AS outRecipient, a.name AS outApp, c.name AS outClient
       FROM flags f LEFT JOIN messages m ON m.id = f.message_row LEFT JOIN outbox o ON o.id = f.outbox_id
       LEFT JOIN integrations i ON i.id = o.integration_id LEFT JOIN apps a ON a.id = i.app_id LEFT JOIN clients c ON c.id = i.client_id
       WHERE f.id = ?`,
    )
    .get(flagId) as FlagFacts | undefined;
  if (!f) return null;
  const proposal = f.proposal ? (JSON.parse(f.proposal) as { step?: string; appId?: string | null; clientId?: string | null }) : null;
  const names = (table: 'apps' | 'clients', id: string | null | undefined) =>
    id ? ((prepared(db, `SELECT name FROM ${table} WHERE id = ?`).get(id) as { name: string } | undefined)?.name ?? id) : null;
  const partner = proposal?.appId
    ? ((prepared(db, 'SELECT p.name FROM apps a JOIN partners p ON p.id = a.partner_id WHERE a.id = ?').get(proposal.appId) as { name: string } | undefined)?.name ?? 'the partner')
    : 'the partner';
  const app = names('apps', proposal?.appId);
  const client = names('clients', proposal?.clientId);
  const sentence = proposal?.step && app && client ? STEP_SENTENCE[proposal.step]?.(app, client, partner) : undefined;
  const newText = f.decision ? String((JSON.parse(f.decision) as { newText?: string }).newText ?? '') : '';
  // Everything below that a sender wrote is one line, or quoted: see client-echo.ts.
  const subject = echo(f.subject, ECHO_LIMITS.subject);
  const quoted = quoteClientText(scrub(newText), 2000);
  const purpose = mailPurpose(f.outKind, f.outApp, f.outClient);
  const recipient = f.outRecipient ? echo(f.outRecipient, ECHO_LIMITS.address) : 'the registry staff';
  const headline =
    f.kind === 'message'
      ? `Flagged: ${subject || '(no subject)'}`
      : f.kind === 'bounce'
        ? 'Undelivered: a mail Countersign sent bounced'
        : f.kind === 'held_mail'
          ? `Held: ${purpose} to ${recipient} was not sent`
          : f.kind === 'ga_ready'
            ? `GA ready: ${names('apps', f.appId) ?? f.appId ?? ''} may be declared Generally Available`
            : `Failed: ${purpose} to ${recipient} was refused`;
  const summary =
    f.kind === 'message'
      ? 'A message in the API partners mailbox needs a decision.'
      : f.kind === 'ga_ready'
        ? 'A Beta client signed off; staff may declare the app Generally Available.'
        : `Outgoing mail ${f.outboxId ?? ''} (${purpose}, to ${recipient}) needs attention.`;
  // Each kind of flag offers the actions that fit it: held mail is released, failed mail resent.
  const action =
    f.kind === 'held_mail'
      ? `Fix the cause above (a usable partner key: \`countersign registry import\`; a signing key: COUNTERSIGN_SIGNING_KEY); held mail is re-checked at start and after every import, or run \`countersign outbox release ${f.outboxId}\`. To drop it: \`countersign outbox cancel ${f.outboxId} --by ADDRESS\`. Reply REJECT to close this reference.`
      : f.kind === 'send_failed'
        ? `Fix the cause above, then \`countersign outbox resend ${f.outboxId}\` (same Message-ID), or \`countersign outbox cancel ${f.outboxId} --by ADDRESS\`. Reply REJECT to close this reference.`
        : f.kind === 'ga_ready'
          ? `Reply APPROVE to declare ${names('apps', f.appId) ?? f.appId ?? 'the app'} Generally Available (as \`countersign app declare-ga ${f.appId ?? 'APP'}\` does), or REJECT to close this reference.`
          : sentence
            ? `Reply APPROVE to ${sentence}, or REJECT.`
            : 'Reply REJECT to close this, or "approve as STEP for APP at CLIENT" (steps: beta_consent, production_approval, ga_signoff, withdrawal) to record a step.';
  return {
    token: f.token,
    headline,
    summary,
    hasMessage: f.fromAddress !== null,
    originalFrom: echo(f.fromAddress, ECHO_LIMITS.address),
    originalSubject: subject,
    originalDate: echo(f.date, ECHO_LIMITS.date),
    originalMessageId: echo(f.messageId, ECHO_LIMITS.messageId),
    // A reason may quote the sender (a sentence, a subject, a display name): one line each.
    reasons: (JSON.parse(f.reasons) as Reason[]).map((r) => echo(explainReason(r), 600)),
    hasNewText: quoted !== '',
    quotedNewText: quoted,
    proposal: action,
    expiresAt: f.expiresAt,
  };
}
