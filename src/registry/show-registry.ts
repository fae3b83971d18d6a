import type { Db } from '../db/open-db.js';

export const REGISTRY_SECTIONS = ['clients', 'partners', 'apps', 'staff'] as const;
export type RegistrySection = (typeof REGISTRY_SECTIONS)[number];

export interface ClientView {
  id: string;
  name: string;
  domains: string[];
  approvers: string[];
  /** How many identifiers the client has; the identifiers themselves only with `withSecrets`. */
  testEnvironmentIds: number | string[];
  productionEnvironmentIds: number | string[];
  integrations: number;
}
export interface PartnerView {
  id: string;
  name: string;
  contact: string;
  publicKey: string;
  apps: string[];
}
export interface AppView {
  id: string;
  name: string;
  aliases: string[];
  partner: string;
  readiness: { portalApproved: boolean; termsSigned: boolean; sandboxDone: boolean; preBetaDone: boolean };
  gaDeclaredAt: string | null;
}
export type RegistryView = { clients: ClientView[]; partners: PartnerView[]; apps: AppView[]; staff: string[] };

const list = (json: string): string[] => JSON.parse(json) as string[];

/** What the registry holds, section by section, for reading (not for re-import: see `registry export`). */
export function showRegistry(db: Db, opts: { withSecrets: boolean }): RegistryView {
  const q = <T>(sql: string) => db.$client.prepare(sql).all() as T[];
  const domains = q<{ clientId: string; domain: string }>('SELECT client_id AS clientId, domain FROM client_domains ORDER BY domain');
  const counts = new Map(q<{ clientId: string; n: number }>('SELECT client_id AS clientId, COUNT(*) AS n FROM integrations GROUP BY client_id').map((r) => [r.clientId, r.n]));
  const clients = q<{ id: string; name: string; approvers: string; t: string; p: string }>(
    'SELECT id, name, approvers, test_environment_ids AS t, production_environment_ids AS p FROM clients ORDER BY id',
  ).map((c) => ({
    id: c.id,
    name: c.name,
    domains: domains.filter((d) => d.clientId === c.id).map((d) => d.domain),
    approvers: list(c.approvers),
    testEnvironmentIds: opts.withSecrets ? list(c.t) : list(c.t).length,
    productionEnvironmentIds: opts.withSecrets ? list(c.p) : list(c.p).length,
    integrations: counts.get(c.id) ?? 0,
  }));
  const appRows = q<{ id: string; name: string; aliases: string; partner: string; pa: number; ts: number; sd: number; pb: number; ga: string | null }>(
    `SELECT id, name, aliases, partner_id AS partner, portal_approved AS pa, terms_signed AS ts, sandbox_done AS sd, pre_beta_done AS pb, ga_declared_at AS ga FROM apps ORDER BY id`,
  );
  const apps = appRows.map((a) => ({ id: a.id, name: a.name, aliases: list(a.aliases), partner: a.partner, readiness: { portalApproved: a.pa === 1, termsSigned: a.ts === 1, sandboxDone: a.sd === 1, preBetaDone: a.pb === 1 }, gaDeclaredAt: a.ga }));
  const partners = q<{ id: string; name: string; contact: string; publicKey: string }>('SELECT id, name, contact, public_key_path AS publicKey FROM partners ORDER BY id').map((p) => ({
    ...p,
    apps: apps.filter((a) => a.partner === p.id).map((a) => a.id),
  }));
  const staff = q<{ address: string }>('SELECT address FROM staff ORDER BY address').map((s) => s.address);
  return { clients, partners, apps, staff };
}
