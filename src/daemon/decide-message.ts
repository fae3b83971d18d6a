import { trustedAuthResults } from '../core/authentication-results.js';
import type { CompiledPhraseLists, SentenceAnalyzer } from '../core/classify.js';
import { decide, type Decision, type DecisionContext } from '../core/decide.js';
import { header, type InboundMail } from '../core/inbound-mail.js';
import { evidenceFromHeader, type AuthEvidence } from '../core/sender-policy.js';

export interface DecideDeps {
  phrases: CompiledPhraseLists;
  analyze: SentenceAnalyzer;
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

/** What of a decision is kept as evidence in the database (never an identifier: none is in a message). */
export function decisionEvidence(d: Decision): Record<string, unknown> {
  return {
    action: d.action,
    sender: d.sender,
    automated: d.automated,
    step: d.step,
    betaParts: d.betaParts,
    matched: d.classification.matched.map((m) => ({ of: m.of, phrase: m.phrase, text: m.text })),
    blockers: d.classification.blockers,
    appMatch: d.appMatch,
    newText: d.text.newText.slice(0, 4000),
    stripped: { quoted: d.text.quoted.length, signature: d.text.signature.length, disclaimer: d.text.disclaimer.length },
  };
}
