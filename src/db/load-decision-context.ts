import type { DecisionContext } from '../core/decide.js';
import type { Stage } from '../core/approval-state.js';
import type { Db } from './open-db.js';
import { apps, clientDomains, clients, integrations, staff } from './schema.js';

/** The snapshot of the registry and the stages a decision needs. Never includes identifiers. */
export function loadDecisionContext(db: Db, opts: { ownAddresses: readonly string[]; minConfidence: number }): DecisionContext {
  const domains = db.select().from(clientDomains).all();
  return {
    clients: db
      .select({ id: clients.id, name: clients.name, approvers: clients.approvers })
      .from(clients)
      .all()
      .map((c) => ({ ...c, domains: domains.filter((d) => d.clientId === c.id).map((d) => d.domain) })),
    staff: db.select().from(staff).all().map((s) => s.address),
    apps: db
      .select()
      .from(apps)
      .all()
      .map((a) => ({
        id: a.id,
        name: a.name,
        aliases: a.aliases,
        readiness: { portalApproved: a.portalApproved, termsSigned: a.termsSigned, sandboxDone: a.sandboxDone, preBetaDone: a.preBetaDone },
      })),
    integrations: db
      .select({ app: integrations.appId, client: integrations.clientId, stage: integrations.stage })
      .from(integrations)
      .all()
      .map((i) => ({ ...i, stage: i.stage as Stage })),
    ownAddresses: opts.ownAddresses,
    minConfidence: opts.minConfidence,
  };
}
