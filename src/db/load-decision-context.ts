import type { DecisionContext } from '../core/decide.js';
import type { Stage } from '../core/approval-state.js';
import { senderIndex } from '../core/sender-index.js';
import type { Db } from './open-db.js';
import { apps, clientDomains, clients, integrations, partners, staff } from './schema.js';

/** The snapshot of the registry and the stages a decision needs. Never includes identifiers. */
export function loadDecisionContext(db: Db, opts: { ownAddresses: readonly string[]; minConfidence: number }): DecisionContext {
  // Grouped once: filtering every client's domains out of the whole list was quadratic in clients.
  const domainsOf = new Map<string, string[]>();
  for (const d of db.select().from(clientDomains).all()) {
    const list = domainsOf.get(d.clientId);
    if (list) list.push(d.domain);
    else domainsOf.set(d.clientId, [d.domain]);
  }
  const directory = {
    clients: db
      .select({ id: clients.id, name: clients.name, approvers: clients.approvers })
      .from(clients)
      .all()
      .map((c) => ({ ...c, domains: domainsOf.get(c.id) ?? [] })),
    staff: db.select().from(staff).all().map((s) => s.address),
  };
  // The sender index (domain → client, lookalike buckets) is built here, with the snapshot, and
  // found again by these same arrays for every message until the registry changes.
  senderIndex(directory);
  return {
    ...directory,
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
    partnerContacts: db
      .select({ id: partners.id, contact: partners.contact })
      .from(partners)
      .all()
      .map((p) => ({ partner: p.id, address: p.contact.trim().toLowerCase() })),
    ownAddresses: opts.ownAddresses,
    minConfidence: opts.minConfidence,
  };
}
