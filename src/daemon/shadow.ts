import { and, eq } from 'drizzle-orm';
import { cachedDecisionContext } from '../db/decision-context-cache.js';
import { shadowDecisions } from '../db/schema.js';
import { inProcessDecider } from './decide-message.js';
import type { Incoming } from '../mailbox/mail-port.js';
import type { ProcessorDeps } from './message-processor.js';

/**
 * Shadow mode: decide as the daemon would, record it apart, change nothing else — no stage, no
 * mail, no flag, no mark on the server. A message already decided in shadow is skipped.
 */
export async function shadowIncoming(deps: ProcessorDeps, inc: Incoming, signal?: AbortSignal): Promise<'recorded' | 'known' | 'stopped'> {
  const { db } = deps;
  const known = db
    .select({ id: shadowDecisions.id })
    .from(shadowDecisions)
    .where(and(eq(shadowDecisions.mailbox, inc.loc.mailbox), eq(shadowDecisions.key, inc.loc.key)))
    .get();
  if (known) return 'known';
  const base = { mailbox: inc.loc.mailbox, key: inc.loc.key, decidedAt: (deps.now ?? (() => new Date()))().toISOString(), sha256: inc.sha256 };
  if (!inc.complete) {
    db.insert(shadowDecisions).values({ ...base, action: 'flag', reasons: JSON.stringify([{ code: 'too_large', size: inc.size, limit: deps.config.maxMessageBytes }]) }).run();
    return 'recorded';
  }
  const ctx = cachedDecisionContext(db, { ownAddresses: [deps.config.from], minConfidence: deps.config.minConfidence });
  // The same bounded path as the daemon's (the decision worker): a hostile message cannot stop shadow mode either.
  const out = await (deps.decider ?? inProcessDecider(deps)).decide(inc.raw, ctx, signal);
  if (out.kind === 'abandoned') return 'stopped';
  if (out.kind === 'decided') {
    const { mail, decision: d } = out;
    db.insert(shadowDecisions)
      .values({
        ...base,
        messageId: mail.messageId,
        fromAddress: mail.from[0]?.address ?? null,
        subject: mail.subject,
        action: d.action,
        intent: d.intent,
        appId: d.app,
        clientId: d.client,
        confidence: d.confidence,
        reasons: JSON.stringify(d.reasons),
      })
      .run();
  } else {
    const reason = out.kind === 'unparseable' ? { code: 'unparseable', detail: out.detail } : out.reason;
    db.insert(shadowDecisions).values({ ...base, action: 'flag', reasons: JSON.stringify([reason]) }).run();
  }
  return 'recorded';
}
