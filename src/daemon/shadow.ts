import { and, eq } from 'drizzle-orm';
import { parseMail } from '../adapters/parse-mail.js';
import { cachedDecisionContext } from '../db/decision-context-cache.js';
import { shadowDecisions } from '../db/schema.js';
import { decideMessage } from './decide-message.js';
import type { Incoming, ProcessorDeps } from './message-processor.js';

/**
 * Shadow mode: decide as the daemon would, record it apart, change nothing else — no stage, no
 * mail, no flag, no mark on the server. A message already decided in shadow is skipped.
 */
export async function shadowIncoming(deps: ProcessorDeps, inc: Incoming): Promise<'recorded' | 'known'> {
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
  try {
    const mail = await parseMail(inc.raw);
    const ctx = cachedDecisionContext(db, { ownAddresses: [deps.config.from], minConfidence: deps.config.minConfidence });
    const d = await decideMessage(inc.raw, mail, ctx, deps);
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
  } catch (e) {
    db.insert(shadowDecisions).values({ ...base, action: 'flag', reasons: JSON.stringify([{ code: 'unparseable', detail: (e as Error).message.slice(0, 200) }]) }).run();
  }
  return 'recorded';
}
