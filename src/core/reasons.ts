import { describeBetaPart, explainRefusal, type BetaConsentPart, type TransitionRefusal } from './approval-state.js';
import type { AutomatedSignal } from './automated-mail.js';
import type { BlockerKind, Intent } from './classify.js';
import type { SenderVerdict } from './sender-policy.js';

type SenderProblem = Exclude<SenderVerdict, { kind: 'verified' }>;
type Prefixed<T extends { kind: string }> = T extends { kind: infer K extends string } ? Omit<T, 'kind'> & { code: `sender_${K}` } : never;

/** Every reason to ignore or flag a message: one union, explained in one exhaustive switch. */
export type Reason =
  // Automated mail (RFC 3834 auto-replies, RFC 3464 delivery reports, lists): ignored, never answered.
  | (AutomatedSignal extends infer A ? (A extends { code: string } ? A : never) : never)
  | { code: 'own_mail'; address: string }
  | { code: 'duplicate_message'; messageId: string }
  // A first run on a mailbox with history (`run --since`): older mail is recorded, never acted on.
  | { code: 'before_start'; date: string; since: string }
  // The message itself.
  | { code: 'too_large'; size: number; limit: number }
  | { code: 'unparseable'; detail: string }
  | { code: 'malformed'; defect: string }
  | { code: 'processing_error'; detail: string }
  // Deciding it was stopped: too slow, the decision worker died (out of memory, crash), or the message
  // killed the whole process on every try. Never retried forever; staff look at it.
  | { code: 'decision_timeout'; ms: number }
  | { code: 'decision_crashed'; detail: string }
  | { code: 'decision_attempts_exhausted'; attempts: number }
  // Who sent it.
  | Prefixed<SenderProblem>
  | { code: 'partner_reply'; partner: string; address: string }
  // What a reader sees: only visible text decides.
  | { code: 'hidden_text'; words: string }
  | { code: 'parts_disagree'; plain: string; html: string }
  | { code: 'calendar_invitation' }
  | { code: 'mixed_script'; word: string }
  | { code: 'invisible_characters'; around: string }
  | { code: 'reordered_text'; around: string }
  | { code: 'language_unsupported'; language: string }
  | { code: 'language_mixed'; languages: string[] }
  | { code: 'text_too_long'; length: number; limit: number }
  // What it says.
  | { code: 'no_approval_found' }
  | { code: 'blocked'; kind: BlockerKind; cue: string; sentence: string }
  | { code: 'hold_elsewhere'; kind: BlockerKind; cue: string; sentence: string }
  | { code: 'multiple_intents'; intents: Intent[] }
  | { code: 'low_confidence'; confidence: number }
  | { code: 'beta_consent_incomplete'; missing: BetaConsentPart[] }
  | { code: 'withdrawal_requested' }
  // Which app.
  | { code: 'app_not_named' }
  | { code: 'app_inferred'; app: string }
  | { code: 'app_ambiguous'; apps: string[] }
  | { code: 'app_unrecognized'; name: string }
  // Where the integration stands.
  | { code: 'stage_refused'; refusal: TransitionRefusal }
  // Staff.
  | { code: 'staff_reply_unmatched' }
  | { code: 'staff_reply_unknown_command'; line: string }
  | { code: 'staff_reply_refused'; detail: string }
  | { code: 'staff_reply_already_resolved'; detail: string }
  | { code: 'bounce_of_our_mail'; messageId: string }
  // A delivery report that cannot be tied to a mail we sent (no or a wrong VERP token): it changes nothing.
  | { code: 'bounce_unverified'; detail: string }
  // Outgoing mail.
  | { code: 'mail_held'; detail: string }
  | { code: 'mail_failed'; detail: string };

export type ReasonCode = Reason['code'];

export function senderReason(v: SenderProblem): Reason {
  const { kind, ...rest } = v;
  return { ...rest, code: `sender_${kind}` } as Reason;
}

/** What happens to a message that has this reason: ignore (silently filed) or flag (to staff). */
export function disposition(r: Reason): 'ignore' | 'flag' {
  switch (r.code) {
    case 'auto_submitted':
    case 'auto_reply_header':
    case 'auto_reply_subject':
    case 'precedence_bulk':
    case 'mailing_list':
    case 'delivery_report':
    case 'mailer_daemon_sender':
    case 'no_reply_sender':
    case 'empty_return_path':
    case 'own_mail':
    case 'duplicate_message':
    case 'before_start':
    case 'staff_reply_unknown_command':
    case 'staff_reply_already_resolved':
    case 'bounce_unverified':
      return 'ignore';
    default:
      return 'flag';
  }
}

/** Reasons an authenticated client can fix by writing again (issue: tell a client what to fix). */
export function clientCanFix(r: Reason): boolean {
  return r.code === 'beta_consent_incomplete' || r.code === 'app_not_named' || (r.code === 'stage_refused' && r.refusal.kind === 'stage_not_reached');
}

/** One line, in plain words, that staff read in a notification. */
export function explainReason(r: Reason): string {
  switch (r.code) {
    case 'auto_submitted':
      return `Automated mail: Auto-Submitted: ${r.value} (RFC 3834).`;
    case 'auto_reply_header':
      return `An auto-reply: it carries ${r.header}.`;
    case 'auto_reply_subject':
      return `An auto-reply by its subject ("${r.subject}").`;
    case 'precedence_bulk':
      return `Bulk or list mail: Precedence: ${r.value}.`;
    case 'mailing_list':
      return `Mailing-list mail: it carries ${r.header}.`;
    case 'delivery_report':
      return `A delivery report (${r.reportType}), not a person's message (RFC 3464).`;
    case 'mailer_daemon_sender':
      return `Sent by a mail system (${r.address}), not a person.`;
    case 'no_reply_sender':
      return `Sent from a no-reply address (${r.address}).`;
    case 'empty_return_path':
      return 'Sent with an empty return path (<>), which only automated notifications use.';
    case 'own_mail':
      return `Sent by Countersign itself (${r.address}); ignored to avoid a loop.`;
    case 'duplicate_message':
      return `The same message (${r.messageId}) was already handled; this copy changes nothing.`;
    case 'before_start':
      return `The message is dated ${r.date}, before ${r.since} (the start set with --since or COUNTERSIGN_SINCE); it was recorded without being acted on, and nobody was told.`;
    case 'too_large':
      return `The message is ${r.size} bytes, over the ${r.limit}-byte limit; it was recorded but not read.`;
    case 'unparseable':
      return `The message could not be read: ${r.detail}.`;
    case 'malformed':
      return `The message is malformed: ${r.defect}.`;
    case 'processing_error':
      return `Countersign failed while handling the message (${r.detail}); it was recorded as failed and nothing was applied.`;
    case 'decision_timeout':
      return `Deciding the message took longer than ${r.ms} ms and was stopped; it was recorded as failed and nothing was applied.`;
    case 'decision_crashed':
      return `Deciding the message crashed (${r.detail}); it was recorded as failed and nothing was applied.`;
    case 'decision_attempts_exhausted':
      return `Handling the message stopped Countersign ${r.attempts} times; it was recorded as failed without being decided again, and nothing was applied.`;
    case 'partner_reply':
      return `A message from ${r.address}, the contact of partner ${r.partner}: partners never approve a step; staff read it (no automatic answer was sent).`;
    case 'sender_no_address':
      return 'The message has no usable From address.';
    case 'sender_multiple_from':
      return `The message names several senders (${r.addresses.join(', ')}).`;
    case 'sender_lookalike_domain':
      return `The sender's domain ${r.domain} looks like the registered ${r.resembles} (${r.how.replace('_', ' ')}) but is not it: possible impersonation.`;
    case 'sender_unlisted_subdomain':
      return `The sender's domain ${r.domain} is a subdomain of ${r.of} that the registry does not list.`;
    case 'sender_unknown_domain':
      return `The sender's domain ${r.domain} belongs to no registered client (a client writing from a new address?).`;
    case 'sender_display_name_address':
      return `The sender's display name shows ${r.shown}, but the mail came from ${r.address}.`;
    case 'sender_forwarded':
      return `The message was forwarded (${r.how}); the program requires the client to write directly.`;
    case 'sender_sent_on_behalf':
      return `The message was sent by ${r.sender} on behalf of ${r.address}.`;
    case 'sender_not_approver':
      return `${r.address} is not one of the approvers the registry lists for ${r.client}.`;
    case 'sender_unverified':
      return `The sender ${r.address} could not be authenticated: ${r.detail}.`;
    case 'hidden_text':
      return `The HTML hides approval wording from its reader ("${clip(r.words, 120)}"); only visible text counts, and hidden wording is a warning sign.`;
    case 'parts_disagree':
      return `The plain-text and HTML versions of the mail say different things (plain text: ${r.plain}; HTML, what most mail programs show: ${r.html}).`;
    case 'calendar_invitation':
      return 'A meeting invitation: an agenda or an attachment never carries an approval.';
    case 'mixed_script':
      return `The word "${r.word}" mixes Latin letters with look-alike Cyrillic or Greek ones.`;
    case 'invisible_characters':
      return `Invisible characters sit inside a word ("${r.around}"): a reader sees the word whole, a filter does not; nobody types these.`;
    case 'reordered_text':
      return `A mail program may show the words near "${clip(r.around, 80)}" in another order than they are written (right-to-left letters, direction controls, or HTML and CSS that move text or add text of their own): a reversed "ton" reads "not"; staff must read it.`;
    case 'language_unsupported':
      return `The mail is written in a language Countersign does not decide in (${r.language}); staff must read it.`;
    case 'language_mixed':
      return `The mail mixes languages (${r.languages.join(', ')}); staff must read it.`;
    case 'text_too_long':
      return `What the client wrote is ${r.length} characters long, over the ${r.limit} that are read; staff must read it.`;
    case 'hold_elsewhere':
      return `Another sentence holds the approval back: it is ${describeKind(r.kind)} ("${r.cue}" in "${clip(r.sentence, 160)}").`;
    case 'no_approval_found':
      return 'No beta consent, production approval, GA sign-off or withdrawal was found in what the client wrote.';
    case 'blocked':
      return `Not an approval: the sentence is ${describeKind(r.kind)} ("${r.cue}" in "${clip(r.sentence, 160)}").`;
    case 'multiple_intents':
      return `The message reads as more than one step (${r.intents.join(', ')}); staff must say which.`;
    case 'low_confidence':
      return `The wording is not clear enough to act on alone (confidence ${r.confidence}).`;
    case 'beta_consent_incomplete':
      return `The beta consent is incomplete: it lacks ${r.missing.map(describeBetaPart).join(' and ')}.`;
    case 'withdrawal_requested':
      return 'The client withdraws its consent or approval; only staff may record a withdrawal.';
    case 'app_not_named':
      return 'No app is named, and none can be inferred from where the client stands.';
    case 'app_inferred':
      return `No app is named; ${r.app} is the only one at the needed stage, so it is proposed for staff to confirm.`;
    case 'app_ambiguous':
      return `Several apps are named (${r.apps.join(', ')}).`;
    case 'app_unrecognized':
      return `The client approves "${r.name}", which is no app the registry knows; the app named elsewhere in the mail may not be the one meant.`;
    case 'stage_refused':
      return explainRefusal(r.refusal);
    case 'staff_reply_unmatched':
      return 'A reply from staff that matches no flag (no known reference token or In-Reply-To).';
    case 'staff_reply_unknown_command':
      return `A staff reply whose first line ("${clip(r.line, 80)}") is neither an approval nor a rejection; the accepted words were sent back.`;
    case 'staff_reply_refused':
      return `A staff reply that changed nothing: ${r.detail}`;
    case 'staff_reply_already_resolved':
      return `A staff reply to a flag that was already resolved: ${r.detail}`;
    case 'bounce_of_our_mail':
      return `A delivery report about a mail Countersign sent (${r.messageId}).`;
    case 'bounce_unverified':
      return `A delivery report that changed nothing: ${r.detail}.`;
    case 'mail_held':
      return `An outgoing mail was held and not sent: ${r.detail}.`;
    case 'mail_failed':
      return `An outgoing mail was refused by the mail server: ${r.detail}.`;
    default: {
      const never: never = r;
      return never;
    }
  }
}

function describeKind(kind: BlockerKind): string {
  switch (kind) {
    case 'question':
      return 'a question';
    case 'wait':
      return 'a request to wait';
    case 'negated':
      return 'negated';
    case 'conditional':
      return 'conditional';
    case 'modal':
      return 'tentative (should, could, may, must…)';
    case 'sarcasm':
      return 'said in jest';
    case 'future':
      return 'a promise for later, not an approval now';
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/**
 * Client text cut for a reason line, at a word boundary: a cut through the middle of a word could
 * leave the first half of an identifier the client wrote, which no scrubber would recognise.
 */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max).replace(/\S*$/, '').trimEnd()}…`;
}
