import { stringify } from 'yaml';
import type { Db } from '../db/open-db.js';
import { apps, clientDomains, clients, integrations, partners, staff } from '../db/schema.js';

/**
 * The registry as the database holds it, in the import format. Identifiers only with `withSecrets`;
 * without, the identifier fields are left out, so the output cannot be re-imported by mistake.
 */
export function exportRegistry(db: Db, opts: { withSecrets: boolean }): string {
  const domains = db.select().from(clientDomains).all();
  const doc = {
    staff: db.select().from(staff).all().map((s) => s.address).sort(),
    clients: db
      .select()
      .from(clients)
      .orderBy(clients.id)
      .all()
      .map((c) => ({
        id: c.id,
        name: c.name,
        domains: domains.filter((d) => d.clientId === c.id).map((d) => d.domain).sort(),
        approvers: c.approvers,
        ...(opts.withSecrets ? { testEnvironmentIds: c.testEnvironmentIds, productionEnvironmentIds: c.productionEnvironmentIds } : {}),
      })),
    partners: db
      .select()
      .from(partners)
      .orderBy(partners.id)
      .all()
      .map((p) => ({ id: p.id, name: p.name, contact: p.contact, publicKey: p.publicKeyPath })),
    apps: db
      .select()
      .from(apps)
      .orderBy(apps.id)
      .all()
      .map((a) => ({
        id: a.id,
        name: a.name,
        aliases: a.aliases,
        partner: a.partnerId,
        readiness: { portalApproved: a.portalApproved, termsSigned: a.termsSigned, sandboxDone: a.sandboxDone, preBetaDone: a.preBetaDone },
      })),
    integrations: db
      .select()
      .from(integrations)
      .orderBy(integrations.appId, integrations.clientId)
      .all()
      .map((i) => ({ app: i.appId, client: i.clientId, stage: i.stage })),
  };
  return stringify(doc, { lineWidth: 0 });
}
