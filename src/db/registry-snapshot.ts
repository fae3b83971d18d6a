import type { Db } from './open-db.js';

export interface ClientSnapshot {
  name: string;
  domains: string[];
  approvers: string[];
  /** Secrets: compared with the file's, never shown. */
  testEnvironmentIds: string[];
  productionEnvironmentIds: string[];
}
export interface PartnerSnapshot {
  name: string;
  contact: string;
  publicKey: string;
  fingerprint: string;
  expiresAt: string | null;
}
export interface AppSnapshot {
  name: string;
  aliases: string[];
  partner: string;
  readiness: { portalApproved: boolean; termsSigned: boolean; sandboxDone: boolean; preBetaDone: boolean };
}

/** The registry as the database holds it, keyed by id, to compare a file against. */
export interface RegistrySnapshot {
  staff: string[];
  clients: Map<string, ClientSnapshot>;
  partners: Map<string, PartnerSnapshot>;
  apps: Map<string, AppSnapshot>;
  /** `APP\0CLIENT` → recorded stage. */
  integrations: Map<string, string>;
}

export const integrationKey = (app: string, client: string): string => `${app}\u0000${client}`;

const list = (json: string): string[] => JSON.parse(json) as string[];

/**
 * Reads every registry table once. Run inside the import's transaction, it is exactly the state the
 * import changes; on its own (`registry diff`), the state now. Plain prepared statements: tens of
 * thousands of clients read in well under a second.
 */
export function readRegistrySnapshot(db: Db): RegistrySnapshot {
  const q = <T>(sql: string) => db.$client.prepare(sql).all() as T[];
  const domains = new Map<string, string[]>();
  for (const d of q<{ clientId: string; domain: string }>('SELECT client_id AS clientId, domain FROM client_domains ORDER BY domain')) {
    const mine = domains.get(d.clientId);
    if (mine) mine.push(d.domain);
    else domains.set(d.clientId, [d.domain]);
  }
  const clients = new Map<string, ClientSnapshot>();
  for (const c of q<{ id: string; name: string; approvers: string; t: string; p: string }>(
    'SELECT id, name, approvers, test_environment_ids AS t, production_environment_ids AS p FROM clients',
  )) {
    clients.set(c.id, { name: c.name, domains: domains.get(c.id) ?? [], approvers: list(c.approvers), testEnvironmentIds: list(c.t), productionEnvironmentIds: list(c.p) });
  }
  const partners = new Map<string, PartnerSnapshot>();
  for (const p of q<{ id: string } & PartnerSnapshot>(
    'SELECT id, name, contact, public_key_path AS publicKey, key_fingerprint AS fingerprint, key_expires_at AS expiresAt FROM partners',
  )) {
    const { id, ...rest } = p;
    partners.set(id, rest);
  }
  const apps = new Map<string, AppSnapshot>();
  for (const a of q<{ id: string; name: string; aliases: string; partner: string; pa: number; ts: number; sd: number; pb: number }>(
    'SELECT id, name, aliases, partner_id AS partner, portal_approved AS pa, terms_signed AS ts, sandbox_done AS sd, pre_beta_done AS pb FROM apps',
  )) {
    apps.set(a.id, {
      name: a.name,
      aliases: list(a.aliases),
      partner: a.partner,
      readiness: { portalApproved: a.pa === 1, termsSigned: a.ts === 1, sandboxDone: a.sd === 1, preBetaDone: a.pb === 1 },
    });
  }
  const integrations = new Map(
    q<{ app: string; client: string; stage: string }>('SELECT app_id AS app, client_id AS client, stage FROM integrations').map((i) => [integrationKey(i.app, i.client), i.stage]),
  );
  const staff = q<{ address: string }>('SELECT address FROM staff ORDER BY address').map((s) => s.address);
  return { staff, clients, partners, apps, integrations };
}
