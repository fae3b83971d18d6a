import { eq } from 'drizzle-orm';
import { STEP_TARGET, type Step } from '../core/approval-state.js';
import { err, ok, type Result } from '../core/result.js';
import { applyStepTx, declareGaTx, explainGaRefusal, type GaRefusal, type StepRefusal } from './approval-store.js';
import { clientReplyForFlag } from './client-of-flag.js';
import { appendEvent, type Tx } from './event-log.js';
import type { Db } from './open-db.js';
import { queueMail } from './queue-mail.js';
import { flags, staff } from './schema.js';

export type StaffCommand = { kind: 'approve'; as?: Step | undefined; app?: string | undefined; client?: string | undefined } | { kind: 'reject' };

export type ResolveRefusal =
  | { kind: 'no_such_flag' }
  | { kind: 'not_staff'; by: string }
  | { kind: 'already_resolved'; status: string; by: string; at: string }
  | { kind: 'expired'; expiresAt: string; flagId: number }
  | { kind: 'nothing_to_approve' }
  | { kind: 'step_refused'; refusal: StepRefusal }
  | { kind: 'ga_refused'; refusal: GaRefusal };

export interface Resolved {
  flagId: number;
  status: 'approved' | 'rejected';
  stageChange: { seq: number; from: string; to: string } | null;
  /** The `ga_declared` event, when the flag was a GA-ready notice. */
  gaDeclared?: { seq: number } | null;
}

export interface ResolveInput {
  flagId: number;
  command: StaffCommand;
  by: string;
  via: 'reply' | 'cli';
  /** The staff reply's Message-ID, when resolved by reply. */
  replyRef?: string | null;
  mailFrom: string;
  now?: Date;
  /** COUNTERSIGN_FLAG_TTL_DAYS, for the reference of a GA-ready notice an approval causes. */
  flagTtlDays?: number;
  /** COUNTERSIGN_CLIENT_REJECT_NOTICE: tell the client, neutrally, that staff rejected its mail. */
  rejectNotice?: boolean;
}

/**
 * Staff resolve a flag: approve (the proposed step, or the one they name — app and client too —
 * applied through the same state machine, re-checked against the stage now, never blindly) or
 * reject. A GA-ready notice's flag, approved, declares the app GA as `app declare-ga` does. A flag is
 * resolved once; its token expires. Every resolution is an event with the staff address as actor.
 */
export function resolveFlag(db: Db, input: ResolveInput): Result<Resolved, ResolveRefusal> {
  return db.transaction((tx) => resolveFlagTx(tx, input), { behavior: 'immediate' });
}

/** The same inside the caller's transaction: a staff reply is recorded together with what it resolved. */
export function resolveFlagTx(tx: Tx, input: ResolveInput): Result<Resolved, ResolveRefusal> {
  const now = input.now ?? new Date();
  const at = now.toISOString();
  const by = input.by.trim().toLowerCase();
  const flag = tx.select().from(flags).where(eq(flags.id, input.flagId)).get();
  if (!flag) return err({ kind: 'no_such_flag' });
  if (!tx.select().from(staff).where(eq(staff.address, by)).get()) return err({ kind: 'not_staff', by });
  if (flag.status === 'expired' || (flag.status === 'open' && flag.expiresAt <= at)) return err({ kind: 'expired', expiresAt: flag.expiresAt, flagId: flag.id });
  if (flag.status !== 'open') return err({ kind: 'already_resolved', status: flag.status, by: flag.resolvedBy ?? '', at: flag.resolvedAt ?? '' });
  const cause = { type: input.via === 'reply' ? ('staff_reply' as const) : ('operator' as const), ref: flag.token };
  const client = flag.kind === 'message' ? clientReplyForFlag(tx, flag.messageRow, input.command.kind) : null;
  let stageChange: Resolved['stageChange'] = null;
  let gaDeclared: Resolved['gaDeclared'] = null;
  let resolution: Record<string, unknown> = { decision: input.command.kind, via: input.via, replyRef: input.replyRef ?? null };
  if (input.command.kind === 'approve' && flag.kind === 'ga_ready') {
    if (!flag.appId) return err({ kind: 'nothing_to_approve' });
    const r = declareGaTx(tx, flag.appId, by, now, cause);
    if (!r.ok) return err({ kind: 'ga_refused', refusal: r.error });
    gaDeclared = { seq: r.value.seq };
    resolution = { ...resolution, declaredGa: flag.appId, app: flag.appId, gaSeq: r.value.seq };
  } else if (input.command.kind === 'approve') {
    const proposal = (flag.proposal ? JSON.parse(flag.proposal) : {}) as { step?: Step; appId?: string | null; clientId?: string | null };
    const step = input.command.as ?? proposal.step;
    const appId = input.command.app ?? proposal.appId ?? null;
    const clientId = input.command.client ?? proposal.clientId ?? flag.clientId;
    if (!step || !appId || !clientId) return err({ kind: 'nothing_to_approve' });
    const r = applyStepTx(tx, {
      appId,
      clientId,
      step,
      actor: 'staff',
      actorAddress: by,
      cause,
      // Staff confirming a beta consent confirm both of its parts.
      betaParts: { testDatabaseAgreement: true, betaSiteConsent: true },
      evidence: { flag: flag.token, flagId: flag.id, messageRow: flag.messageRow, via: input.via, replyRef: input.replyRef ?? null },
      now,
      mailFrom: input.mailFrom,
      // The client hears what an automatic apply would have told it, threaded to its own mail.
      ...(client && step !== 'withdrawal' ? { acknowledge: client } : {}),
      ...(input.flagTtlDays !== undefined ? { flagTtlDays: input.flagTtlDays } : {}),
    });
    if (!r.ok) return err({ kind: 'step_refused', refusal: r.error });
    stageChange = { seq: r.value.seq, from: r.value.from, to: r.value.to };
    resolution = { ...resolution, step, app: appId, client: clientId, to: STEP_TARGET[step] };
  } else if (client && input.rejectNotice !== false) {
    // A short neutral notice: the client is not left believing its approval was recorded.
    queueMail(tx, { kind: 'client_rejected', from: input.mailFrom, recipient: client.to, context: { inReplyTo: client.inReplyTo, references: client.references, subject: client.subject, flagId: flag.id }, now });
  }
  const status = input.command.kind === 'approve' ? 'approved' : 'rejected';
  tx.update(flags).set({ status, resolvedAt: at, resolvedBy: by, resolution: JSON.stringify(resolution) }).where(eq(flags.id, flag.id)).run();
  appendEvent(tx, {
    at,
    kind: 'flag_resolved',
    appId: (resolution.app as string | undefined) ?? flag.appId,
    clientId: (resolution.client as string | undefined) ?? flag.clientId,
    causeType: cause.type,
    causeRef: flag.token,
    actor: by,
    evidence: { flagId: flag.id, status, ...resolution, stageChangeSeq: stageChange?.seq ?? null },
  });
  return ok({ flagId: flag.id, status, stageChange, gaDeclared });
}

export function explainResolveRefusal(r: ResolveRefusal, explainStep: (s: StepRefusal) => string): string {
  switch (r.kind) {
    case 'no_such_flag':
      return 'There is no such flag.';
    case 'not_staff':
      return `${r.by} is not a staff address in the registry.`;
    case 'already_resolved':
      return `This flag was already ${r.status} by ${r.by} on ${r.at}; nothing was changed.`;
    case 'expired':
      return `This flag's reference expired on ${r.expiresAt}; nothing was changed. \`countersign flags reopen ${r.flagId} --by ADDRESS\` gives it a fresh reference.`;
    case 'nothing_to_approve':
      return 'There is no proposed step to approve; name one: "approve as production_approval for APP at CLIENT".';
    case 'step_refused':
      return `Not applied: ${explainStep(r.refusal)}`;
    case 'ga_refused':
      return `Not declared: ${explainGaRefusal(r.refusal)}`;
    default: {
      const never: never = r;
      return never;
    }
  }
}
