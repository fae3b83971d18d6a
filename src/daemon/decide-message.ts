import { evidenceFromHeader, trustedAuthResults } from '../core/authentication-results.js';
import { decide, type Decision, type DecisionContext, type DecisionDeps } from '../core/decide.js';
import { header, type InboundMail } from '../core/inbound-mail.js';
import type { Reason } from '../core/reasons.js';
import type { AuthEvidence } from '../core/sender-policy.js';

export interface DecideDeps extends DecisionDeps {
  authservId: string | null;
  /** With COUNTERSIGN_VERIFY_DKIM=1: DKIM, SPF and DMARC checked in-process (mailauth). */
  verifyAuth?: ((raw: Buffer, mail: InboundMail) => Promise<AuthEvidence | null>) | undefined;
}

/** The authentication evidence we trust for a message: mailauth's own check, or our server's header. */
export async function authEvidence(raw: Buffer, mail: InboundMail, deps: DecideDeps): Promise<AuthEvidence | null> {
  if (deps.verifyAuth) return deps.verifyAuth(raw, mail);
  if (!deps.authservId) return null;
  return evidenceFromHeader(trustedAuthResults(header(mail, 'authentication-results'), deps.authservId));
}

/** The one path from a parsed message to a decision: the daemon, shadow mode and `classify` all use it. */
export async function decideMessage(raw: Buffer, mail: InboundMail, ctx: DecisionContext, deps: DecideDeps): Promise<Decision> {
  return decide(mail, await authEvidence(raw, mail, deps), ctx, deps);
}

/** What the processor keeps of a parsed message: everything but the bodies (which only the decision reads). */
export type MailFacts = Omit<InboundMail, 'text' | 'html' | 'htmlText' | 'hiddenText'>;

/**
 * Everything that can come of parsing and deciding one message, as plain data (structured-clone
 * safe: it crosses from the decision worker to the main thread). Expected outcomes, never thrown.
 */
export type DecisionOutcome =
  | { kind: 'decided'; mail: MailFacts; decision: Decision }
  | { kind: 'unparseable'; detail: string }
  /** Deciding failed: an error in the decision, a timeout, a worker that died. `mail` when it was parsed. */
  | { kind: 'failed'; mail: MailFacts | null; reason: Extract<Reason, { code: 'processing_error' | 'decision_timeout' | 'decision_crashed' }> }
  /** The daemon is stopping: the decision in hand was abandoned, nothing is to be recorded. */
  | { kind: 'abandoned' };

/** Parses and decides a message: in the decision worker (daemon, CLI), or in-process (tests, fixtures). */
export interface Decider {
  decide(raw: Buffer, ctx: DecisionContext, signal?: AbortSignal): Promise<DecisionOutcome>;
  /** Gets ready ahead of the first message (the worker loads and warms up), where that costs time. */
  start?(): void;
  close(): Promise<void>;
}

export function mailFacts(mail: InboundMail): MailFacts {
  const { text: _text, html: _html, htmlText: _htmlText, hiddenText: _hiddenText, ...facts } = mail;
  return facts;
}

const short = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 200);

/**
 * Parse and decide on the calling thread, with no bound on time or memory. The decision worker runs
 * this; tests and the labelled fixtures call it directly. `afterParse` is where the worker reports
 * what it parsed (so a timeout is still recorded with its sender and subject) and its test seams.
 * `size`: the whole message's size when `raw` holds only the part that is parsed.
 */
export async function decideInProcess(raw: Buffer, ctx: DecisionContext, deps: DecideDeps, afterParse?: (mail: InboundMail) => void, size: number = raw.length): Promise<DecisionOutcome> {
  // Loaded here, not at the top: the daemon's main thread never parses (the worker does), and
  // mailparser with its charset tables costs it about 30 MB.
  const { parseMail } = await import('../adapters/parse-mail.js');
  let mail: InboundMail;
  try {
    mail = await parseMail(raw, size);
  } catch (e) {
    return { kind: 'unparseable', detail: short(e) };
  }
  try {
    afterParse?.(mail);
    return { kind: 'decided', mail: mailFacts(mail), decision: await decideMessage(raw, mail, ctx, deps) };
  } catch (e) {
    return { kind: 'failed', mail: mailFacts(mail), reason: { code: 'processing_error', detail: short(e) } };
  }
}

/** The unbounded in-process decider, for tests and tools that decide trusted fixtures. */
export function inProcessDecider(deps: DecideDeps): Decider {
  return { decide: (raw, ctx) => decideInProcess(raw, ctx, deps), close: async () => undefined };
}

/** What of a decision is kept as evidence in the database (never an identifier: none is in a message). */
export function decisionEvidence(d: Decision): Record<string, unknown> {
  return {
    action: d.action,
    sender: d.sender,
    automated: d.automated,
    step: d.step,
    betaParts: d.betaParts,
    matched: d.classification.matched.map((m) => ({ of: m.of, strength: m.strength, text: m.text })),
    sentences: d.classification.sentences.slice(0, 50).map((s) => s.role),
    language: d.language,
    blockers: d.classification.blockers,
    appMatch: d.appMatch,
    newText: d.text.newText.slice(0, 4000),
    stripped: { quoted: d.text.quoted.length, signature: d.text.signature.length, disclaimer: d.text.disclaimer.length },
  };
}
