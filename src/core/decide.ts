import { transition, type BetaConsentParts, type Readiness, type Stage, type Step } from './approval-state.js';
import { matchApps, type AppMatch, type AppRef } from './app-match.js';
import { detectAutomated, type AutomatedSignal } from './automated-mail.js';
import { type Classification, type Intent } from './classify.js';
import type { Lexicon } from './lexicon.js';
import { readBody, readHidden, type BodyReading } from './read-body.js';
import type { InboundMail } from './inbound-mail.js';
import type { NewText } from './new-text.js';
import { rightToLeftControlAround } from './normalize-text.js';
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
  /** The partners' contact addresses (they receive identifiers; they never approve anything). */
  partnerContacts?: ReadonlyArray<{ partner: string; address: string }>;
  /** Countersign's own addresses: mail from them is a loop. */
  ownAddresses: readonly string[];
  /** Below this, a clean-looking approval is still flagged. */
  minConfidence: number;
}

/** What a language detector says of a text: the best language (ISO 639-1) and the scores it gave. */
export interface LanguageGuess {
  language: string;
  scores: Readonly<Record<string, number>>;
}
export type LanguageDetector = (text: string) => LanguageGuess;

export interface DecisionDeps {
  phrases: Lexicon;
  detectLanguage: LanguageDetector;
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
  /** The language the new text was read in, when it could be told. */
  language: string | null;
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
  const reading = readMail(mail, deps);
  const { classification, text } = reading.primary;
  const automated = detectAutomated(mail);
  const sender = checkSender(mail, { clients: ctx.clients, staff: ctx.staff }, auth);
  const appMatch = matchApps(`${mail.subject}\n${text.newText.slice(0, 64 * 1024)}`, ctx.apps);
  const reasons: Reason[] = [];
  const fromAddress = mail.from[0]?.address ?? '';

  if (automated) reasons.push(automated);
  if (fromAddress && ctx.ownAddresses.includes(fromAddress)) reasons.push({ code: 'own_mail', address: fromAddress });
  for (const defect of mail.defects) reasons.push({ code: 'malformed', defect });
  // A partner writing back (often a reply to its identifiers mail) is a known sender, not a client at
  // a new address: its own reason and wording for staff, never applied, never answered.
  const partner = ctx.partnerContacts?.find((p) => p.address === fromAddress);
  if (partner) reasons.push({ code: 'partner_reply', partner: partner.partner, address: fromAddress });
  else if (sender.kind !== 'verified') reasons.push(senderReason(sender));

  const clientId = sender.kind === 'verified' && sender.role === 'client' ? sender.client : sender.kind === 'unverified' || sender.kind === 'not_approver' ? sender.client : null;
  const isStaff = (sender.kind === 'verified' && sender.role === 'staff') || (sender.kind === 'unverified' && sender.role === 'staff');
  const intent: Intent = isStaff ? 'staff_reply' : classification.intent;
  const step: Step | null = STEP_OF[intent] ?? null;
  // An app named anywhere in the subject or new text is reported, whatever the intent.
  let app: string | null = intent !== 'staff_reply' && appMatch.kind === 'named' ? appMatch.app : null;

  reasons.push(...reading.reasons);
  if (intent === 'staff_reply') {
    reasons.push({ code: 'staff_reply_unmatched' });
  } else if (intent === 'other') {
    reasons.push({ code: 'no_approval_found' });
  } else {
    for (const b of classification.blockers) reasons.push({ code: b.of ? 'blocked' : 'hold_elsewhere', kind: b.kind, cue: b.cue, sentence: b.sentence });
    const approvalIntents = classification.intentsFound.filter((i) => i !== 'withdrawal');
    if (intent !== 'withdrawal' && approvalIntents.length > 1) reasons.push({ code: 'multiple_intents', intents: approvalIntents });
    if (intent === 'withdrawal') reasons.push({ code: 'withdrawal_requested' });
    if (intent === 'beta_consent' && !(classification.betaParts.testDatabaseAgreement && classification.betaParts.betaSiteConsent)) {
      const missing = (['testDatabaseAgreement', 'betaSiteConsent'] as const).filter((p) => !classification.betaParts[p]);
      reasons.push({ code: 'beta_consent_incomplete', missing: [...missing] });
    }
    const unknownName = classification.matched.find((m) => m.object && matchApps(m.object, ctx.apps).kind === 'none')?.object;
    if (unknownName) reasons.push({ code: 'app_unrecognized', name: unknownName });
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
    const flaggedForWording = reasons.some((r) => WORDING.has(r.code));
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
    language: reading.language,
  };
}

/** Reasons that already say why the wording is not enough; a low confidence would only repeat them. */
const WORDING: ReadonlySet<Reason['code']> = new Set(['blocked', 'hold_elsewhere', 'multiple_intents', 'beta_consent_incomplete', 'parts_disagree', 'hidden_text', 'language_unsupported', 'language_mixed', 'text_too_long', 'calendar_invitation', 'mixed_script', 'invisible_characters', 'reordered_text']);
const SUPPORTED = new Set(['en', 'es', 'fr', 'de']);

interface MailReading {
  primary: BodyReading;
  reasons: Reason[];
  language: string | null;
}

const summary = (r: BodyReading) => `${r.classification.intent === 'other' ? 'no approval' : r.classification.intent.replace('_', ' ')}${r.classification.blockers.length > 0 ? ', held back' : ''}`;

/**
 * Reads the mail as a person sees it: the HTML body where there is one (what Outlook and most
 * clients show), checked against the plain-text body; hidden HTML, meeting invitations, look-alike
 * letters and languages we cannot read are reasons of their own.
 */
function readMail(mail: InboundMail, deps: DecisionDeps): MailReading {
  const reasons: Reason[] = [];
  const html = mail.htmlText !== null && mail.htmlText.trim() !== '' ? readBody(mail.htmlText, deps.phrases) : null;
  const plain = mail.hasPlainPart ? readBody(mail.text, deps.phrases) : null;
  const primary = html ?? plain ?? readBody('', deps.phrases);
  if (html && plain && summary(html) !== summary(plain)) reasons.push({ code: 'parts_disagree', plain: summary(plain), html: summary(html) });
  const hidden = mail.hiddenText ? readHidden(mail.hiddenText, deps.phrases) : null;
  if (hidden) reasons.push({ code: 'hidden_text', words: hidden });
  if (mail.calendar) reasons.push({ code: 'calendar_invitation' });
  if (mail.truncatedAt) reasons.push({ code: 'text_too_long', length: mail.truncatedAt.size, limit: mail.truncatedAt.limit });
  else for (const r of [primary, ...(plain && plain !== primary ? [plain] : [])]) {
    if (r.tooLong) {
      reasons.push({ code: 'text_too_long', length: r.tooLong.length, limit: r.tooLong.limit });
      break;
    }
  }
  const mixed = primary.mixedScript ?? plain?.mixedScript ?? null;
  if (mixed) reasons.push({ code: 'mixed_script', word: mixed });
  const invisible = primary.invisible ?? plain?.invisible ?? null;
  if (invisible) reasons.push({ code: 'invisible_characters', around: invisible });
  // The subject too: it can name the app, and a reader sees it reordered like the body. (Its
  // right-to-left letters are a localised "Re:" as often as not, and name no approval.)
  const reordered = primary.reordered ?? plain?.reordered ?? rightToLeftControlAround(mail.subject);
  if (reordered) reasons.push({ code: 'reordered_text', around: reordered });
  const language = judgeLanguage(primary, deps.detectLanguage, reasons);
  return { primary, reasons, language };
}

/** Words a detector needs before its guess means anything. */
const MIN_LETTERS = 24;
const letters = (s: string) => (s.match(/\p{L}/gu) ?? []).length;

function best(guess: LanguageGuess): string {
  if (SUPPORTED.has(guess.language)) return guess.language;
  // Short or name-heavy text: a supported language scored nearly as high is the better reading.
  const top = guess.scores[guess.language] ?? 0;
  const near = Object.entries(guess.scores)
    .filter(([l, v]) => SUPPORTED.has(l) && v >= top * 0.995)
    .sort((a, b) => b[1] - a[1])[0];
  return near ? near[0] : guess.language;
}

function judgeLanguage(r: BodyReading, detect: LanguageDetector, reasons: Reason[]): string | null {
  const prose = r.classification.sentences.filter((s) => s.role !== 'short_line' && s.role !== 'courtesy').map((s) => s.text);
  const sample = prose.join('\n').slice(0, 4000);
  if (letters(sample) < MIN_LETTERS) return null;
  const main = best(detect(sample));
  if (!SUPPORTED.has(main)) {
    reasons.push({ code: 'language_unsupported', language: main });
    return main;
  }
  // A sentence of real length in another language than the rest: a mixed mail, read by staff.
  const others = new Set<string>();
  for (const s of prose.slice(0, 60)) {
    if (letters(s) < 40) continue;
    // Per sentence the raw guess counts: a long sentence that reads best as another language is one.
    const guess = detect(s);
    const lang = guess.language;
    if (lang !== main && lang !== 'und' && (guess.scores[main] ?? 0) < (guess.scores[lang] ?? 0)) others.add(lang);
  }
  if (others.size > 0) reasons.push({ code: 'language_mixed', languages: [main, ...[...others].sort()] });
  return main;
}
