import { transition, type BetaConsentParts, type Readiness, type Stage, type Step } from './approval-state.js';
import { matchApps, type AppMatch, type AppRef } from './app-match.js';
import { detectAutomated, type AutomatedSignal } from './automated-mail.js';
import { classifyText, type Classification, type CompiledPhraseLists, type Intent, type SentenceAnalyzer } from './classify.js';
import type { InboundMail } from './inbound-mail.js';
import { extractNewText, type NewText } from './new-text.js';
import { disposition, senderReason, type Reason } from './reasons.js';
import { checkSender, senderSummary, type AuthEvidence, type ClientRef, type SenderVerdict } from './sender-policy.js';

export interface AppInfo extends AppRef {
  readiness: Readiness;
}

/** What the decision may know of the world: a snapshot read before deciding. */
export interface DecisionContext {
  clients: readonly ClientRef[];
  staff: readonly string[];
  apps: readonly AppInfo[];
  integrations: ReadonlyArray<{ app: string; client: string; stage: Stage }>;
  /** Countersign's own addresses: mail from them is a loop. */
  ownAddresses: readonly string[];
  /** Below this, a clean-looking approval is still flagged. */
  minConfidence: number;
}

export interface DecisionDeps {
  phrases: CompiledPhraseLists;
  analyze: SentenceAnalyzer;
}

export type Action = 'apply' | 'flag' | 'ignore';

export interface Decision {
  action: Action;
  intent: Intent;
  confidence: number;
  app: string | null;
  client: string | null;
  sender: SenderVerdict;
  senderSummary: 'verified' | 'unverified' | 'unknown';
  automated: AutomatedSignal | null;
  reasons: Reason[];
  /** The step applied, or proposed to staff when flagged; null when there is none. */
  step: Step | null;
  betaParts: BetaConsentParts;
  classification: Classification;
  appMatch: AppMatch;
  text: NewText;
}

const STEP_OF: Partial<Record<Intent, Step>> = {
  beta_consent: 'beta_consent',
  production_approval: 'production_approval',
  ga_signoff: 'ga_signoff',
  withdrawal: 'withdrawal',
};

const NEEDED_STAGE: Record<Exclude<Step, 'withdrawal'>, Stage> = {
  beta_consent: 'pending',
  production_approval: 'beta_consented',
  ga_signoff: 'production_approved',
};

/**
 * One message → apply, flag or ignore, with every reason. Pure: the same inputs always give the
 * same decision. `apply` only when nothing at all is in doubt; any reason at all means flag (or
 * ignore, for automated mail).
 */
export function decide(mail: InboundMail, auth: AuthEvidence | null, ctx: DecisionContext, deps: DecisionDeps): Decision {
  const text = extractNewText(mail.text);
  const classification = classifyText(text.newText, deps.phrases, deps.analyze);
  const automated = detectAutomated(mail);
  const sender = checkSender(mail, { clients: ctx.clients, staff: ctx.staff }, auth);
  const appMatch = matchApps(`${mail.subject}\n${text.newText}`, ctx.apps);
  const reasons: Reason[] = [];
  const fromAddress = mail.from[0]?.address ?? '';

  if (automated) reasons.push(automated);
  if (fromAddress && ctx.ownAddresses.includes(fromAddress)) reasons.push({ code: 'own_mail', address: fromAddress });
  for (const defect of mail.defects) reasons.push({ code: 'malformed', defect });
  if (sender.kind !== 'verified') reasons.push(senderReason(sender));

  const clientId = sender.kind === 'verified' && sender.role === 'client' ? sender.client : sender.kind === 'unverified' || sender.kind === 'not_approver' ? sender.client : null;
  const isStaff = (sender.kind === 'verified' && sender.role === 'staff') || (sender.kind === 'unverified' && sender.role === 'staff');
  const intent: Intent = isStaff ? 'staff_reply' : classification.intent;
  const step: Step | null = STEP_OF[intent] ?? null;
  // An app named anywhere in the subject or new text is reported, whatever the intent.
  let app: string | null = intent !== 'staff_reply' && appMatch.kind === 'named' ? appMatch.app : null;

  if (intent === 'staff_reply') {
    reasons.push({ code: 'staff_reply_unmatched' });
  } else if (intent === 'other') {
    reasons.push({ code: 'no_approval_found' });
  } else {
    for (const b of classification.blockers) reasons.push({ code: 'blocked', kind: b.kind, cue: b.cue, sentence: b.sentence });
    const approvalIntents = classification.intentsFound.filter((i) => i !== 'withdrawal');
    if (intent !== 'withdrawal' && approvalIntents.length > 1) reasons.push({ code: 'multiple_intents', intents: approvalIntents });
    if (intent === 'withdrawal') reasons.push({ code: 'withdrawal_requested' });
    if (intent === 'beta_consent' && !(classification.betaParts.testDatabaseAgreement && classification.betaParts.betaSiteConsent)) {
      const missing = (['testDatabaseAgreement', 'betaSiteConsent'] as const).filter((p) => !classification.betaParts[p]);
      reasons.push({ code: 'beta_consent_incomplete', missing: [...missing] });
    }
    if (appMatch.kind === 'ambiguous') reasons.push({ code: 'app_ambiguous', apps: appMatch.apps });
    else if (appMatch.kind === 'none' && clientId && step && step !== 'withdrawal') {
      // No app named: propose the one integration at the stage this step needs, for staff to confirm.
      const candidates = ctx.integrations.filter((i) => i.client === clientId && i.stage === NEEDED_STAGE[step as Exclude<Step, 'withdrawal'>]);
      if (candidates.length === 1) {
        app = candidates[0]!.app;
        reasons.push({ code: 'app_inferred', app });
      } else reasons.push({ code: 'app_not_named' });
    } else if (appMatch.kind === 'none') reasons.push({ code: 'app_not_named' });

    if (app && clientId && step && step !== 'withdrawal') {
      const stage = ctx.integrations.find((i) => i.app === app && i.client === clientId)?.stage ?? 'pending';
      const readiness = ctx.apps.find((a) => a.id === app)?.readiness ?? {};
      const t = transition({ stage, step, actor: 'client', betaParts: classification.betaParts, readiness });
      if (!t.ok && t.error.kind !== 'beta_consent_incomplete') reasons.push({ code: 'stage_refused', refusal: t.error });
    }
    const flaggedForWording = reasons.some((r) => r.code === 'blocked' || r.code === 'multiple_intents' || r.code === 'beta_consent_incomplete');
    if (!flaggedForWording && classification.confidence < ctx.minConfidence) reasons.push({ code: 'low_confidence', confidence: classification.confidence });
  }

  let action: Action;
  if (reasons.length === 0) action = 'apply';
  else if (reasons.some((r) => disposition(r) === 'ignore')) action = 'ignore';
  else action = 'flag';
  // Belt and braces: apply needs a verified client, a named app, a step, and nothing else said.
  if (action === 'apply' && !(sender.kind === 'verified' && sender.role === 'client' && app && step && step !== 'withdrawal')) {
    action = 'flag';
    reasons.push({ code: 'low_confidence', confidence: classification.confidence });
  }
  return {
    action,
    intent,
    confidence: classification.confidence,
    app,
    client: clientId,
    sender,
    senderSummary: senderSummary(sender),
    automated,
    reasons,
    step,
    betaParts: classification.betaParts,
    classification,
    appMatch,
    text,
  };
}
