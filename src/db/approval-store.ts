import { and, eq } from 'drizzle-orm';
import {
  explainRefusal,
  transition,
  type Actor,
  type BetaConsentParts,
  type Effect,
  type Stage,
  type Step,
  type TransitionRefusal,
} from '../core/approval-state.js';
import { err, ok, type Result } from '../core/result.js';
import type { Db } from './open-db.js';
import { appendEvent, type CauseType, type Tx } from './event-log.js';
import { apps, clients, integrations, partners, staff } from './schema.js';
import { queueMail, type OutboxKind } from './queue-mail.js';
import { attachGaReadyFlags } from './ga-ready-flag.js';
import { recordStageChange } from './record-stage.js';

export interface StepRequest {
  appId: string;
  clientId: string;
  step: Step;
  actor: Actor;
  /** The address (or operator name) recorded as the actor. */
  actorAddress: string;
  cause: { type: CauseType; ref?: string | null };
  betaParts?: BetaConsentParts;
  evidence: unknown;
  now?: Date;
  /** Countersign's From address (for the Message-IDs of the mails this change causes). */
  mailFrom?: string;
  /** When a client's message caused the change: acknowledge it, threaded, to its authenticated sender. */
  acknowledge?: { to: string; inReplyTo: string | null; references: string[]; subject: string };
  /** How long the reference on a GA-ready notice stays answerable (COUNTERSIGN_FLAG_TTL_DAYS). */
  flagTtlDays?: number;
}

export type StepRefusal = TransitionRefusal | { kind: 'unknown_app'; app: string } | { kind: 'unknown_client'; client: string };

export function explainStepRefusal(r: StepRefusal): string {
  switch (r.kind) {
    case 'unknown_app':
      return `No app "${r.app}" in the registry.`;
    case 'unknown_client':
      return `No client "${r.client}" in the registry.`;
    default:
      return explainRefusal(r);
  }
}

export interface StepApplied {
  seq: number;
  integrationId: number;
  from: Stage;
  to: Stage;
  outboxIds: number[];
}

const OUTBOX_KIND: Readonly<Record<Effect['kind'], OutboxKind>> = {
  send_test_identifiers: 'partner_test_identifiers',
  send_production_identifiers: 'partner_production_identifiers',
  notify_staff_ga_ready: 'staff_ga_ready',
  notify_staff_withdrawn: 'staff_withdrawn',
};

/**
 * Applies one step to an integration: the stage change, its event and the mails it causes commit in
 * one transaction, or nothing does. An integration not yet in the database is `pending`.
 */
export function applyStep(db: Db, req: StepRequest): Result<StepApplied, StepRefusal> {
  return db.transaction((tx) => applyStepTx(tx, req), { behavior: 'immediate' });
}

/** The same, inside a transaction the caller holds (the message store records the message with it). */
export function applyStepTx(tx: Tx, req: StepRequest): Result<StepApplied, StepRefusal> {
  const at = (req.now ?? new Date()).toISOString();
  const app = tx.select().from(apps).where(eq(apps.id, req.appId)).get();
  if (!app) return err({ kind: 'unknown_app', app: req.appId });
  const client = tx.select({ id: clients.id }).from(clients).where(eq(clients.id, req.clientId)).get();
  if (!client) return err({ kind: 'unknown_client', client: req.clientId });
  const current = tx
    .select()
    .from(integrations)
    .where(and(eq(integrations.appId, req.appId), eq(integrations.clientId, req.clientId)))
    .get();
  const stage = (current?.stage ?? 'pending') as Stage;
  const t = transition({
    stage,
    step: req.step,
    actor: req.actor,
    ...(req.betaParts ? { betaParts: req.betaParts } : {}),
    readiness: {
      portalApproved: app.portalApproved,
      termsSigned: app.termsSigned,
      sandboxDone: app.sandboxDone,
      preBetaDone: app.preBetaDone,
    },
  });
  if (!t.ok) return t;
  const { integrationId, seq } = recordStageChange(tx, {
    ...(current ? { integrationId: current.id } : {}),
    appId: req.appId,
    clientId: req.clientId,
    from: t.value.from,
    to: t.value.to,
    at,
    causeType: req.cause.type,
    causeRef: req.cause.ref ?? null,
    actor: req.actorAddress,
    evidence: req.evidence,
  });
  const from = req.mailFrom ?? 'apipartners@countersign.invalid';
  const now = new Date(at);
  const partnerContact = tx.select({ contact: partners.contact }).from(partners).where(eq(partners.id, app.partnerId)).get()?.contact ?? null;
  const outboxIds = t.value.effects.map((e) =>
    queueMail(tx, {
      kind: OUTBOX_KIND[e.kind],
      from,
      // Identifiers go only to the developer of the app concerned; notifications to staff (null).
      recipient: e.kind === 'send_test_identifiers' || e.kind === 'send_production_identifiers' ? partnerContact : null,
      integrationId,
      eventSeq: seq,
      context: { step: req.step },
      now,
    }),
  );
  if (req.acknowledge) {
    outboxIds.push(
      queueMail(tx, {
        kind: 'client_ack',
        from,
        recipient: req.acknowledge.to,
        integrationId,
        eventSeq: seq,
        context: { step: req.step, inReplyTo: req.acknowledge.inReplyTo, references: req.acknowledge.references, subject: req.acknowledge.subject },
        now,
      }),
    );
  }
  // The GA-ready notice carries a reference, so staff can declare GA by replying APPROVE.
  attachGaReadyFlags(tx, { outboxIds, appId: req.appId, clientId: req.clientId, now, ttlDays: req.flagTtlDays ?? 14 });
  return ok({ seq, integrationId, from: t.value.from, to: t.value.to, outboxIds });
}

export type GaRefusal =
  | { kind: 'unknown_app'; app: string }
  | { kind: 'not_staff'; by: string }
  | { kind: 'already_declared'; at: string; by: string }
  | { kind: 'no_client_signed_off' };

export function explainGaRefusal(r: GaRefusal): string {
  switch (r.kind) {
    case 'unknown_app':
      return `No app "${r.app}" in the registry.`;
    case 'not_staff':
      return `${r.by} is not a staff address in the registry; only staff may declare an app Generally Available.`;
    case 'already_declared':
      return `The app was already declared Generally Available on ${r.at} by ${r.by}.`;
    case 'no_client_signed_off':
      return 'No Beta client has signed off on this app yet (no integration at ga_signed_off).';
    default: {
      const never: never = r;
      return never;
    }
  }
}

/** Records that staff declared an app Generally Available (program step 3), once a client signed off. */
export function declareGa(db: Db, appId: string, by: string, now: Date = new Date()): Result<{ seq: number; clients: string[] }, GaRefusal> {
  return db.transaction((tx) => declareGaTx(tx, appId, by, now), { behavior: 'immediate' });
}

/** The same inside the caller's transaction: a staff APPROVE reply to the GA-ready notice takes this path. */
export function declareGaTx(
  tx: Tx,
  appId: string,
  by: string,
  now: Date = new Date(),
  cause: { type: CauseType; ref: string | null } = { type: 'operator', ref: null },
): Result<{ seq: number; clients: string[] }, GaRefusal> {
  const at = now.toISOString();
  const address = by.trim().toLowerCase();
  const app = tx.select().from(apps).where(eq(apps.id, appId)).get();
  if (!app) return err({ kind: 'unknown_app', app: appId });
  if (!tx.select().from(staff).where(eq(staff.address, address)).get()) return err({ kind: 'not_staff', by: address });
  if (app.gaDeclaredAt) return err({ kind: 'already_declared', at: app.gaDeclaredAt, by: app.gaDeclaredBy ?? '' });
  const signedOff = tx
    .select({ clientId: integrations.clientId })
    .from(integrations)
    .where(and(eq(integrations.appId, appId), eq(integrations.stage, 'ga_signed_off')))
    .all()
    .map((r) => r.clientId);
  if (signedOff.length === 0) return err({ kind: 'no_client_signed_off' });
  tx.update(apps).set({ gaDeclaredAt: at, gaDeclaredBy: address }).where(eq(apps.id, appId)).run();
  const { seq } = appendEvent(tx, {
    at,
    kind: 'ga_declared',
    appId,
    causeType: cause.type,
    causeRef: cause.ref,
    actor: address,
    evidence: { signedOffBy: signedOff },
  });
  return ok({ seq, clients: signedOff });
}
