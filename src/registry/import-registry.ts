import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/open-db.js';
import { appendEvent, type Tx } from '../db/event-log.js';
import { apps, clientDomains, clients, integrations, partners, staff } from '../db/schema.js';
import { registerSecrets } from '../secret-scrubber.js';
import { recordStageChange } from '../db/record-stage.js';
import type { LoadedRegistry } from './load-registry.js';

export interface StageDifference {
  app: string;
  client: string;
  inFile: string;
  recorded: string;
}

export interface ImportReport {
  staff: number;
  clients: { added: number; updated: number };
  partners: { added: number; updated: number };
  apps: { added: number; updated: number };
  integrations: { added: number; unchanged: number };
  /** Existing integrations whose stage in the file differs: reported, never applied (the log is the truth). */
  stageDifferences: StageDifference[];
}

/** Rows or ids per statement: far below SQLite's bound-variable limit, large enough to be fast. */
export const SQL_BATCH = 500;

type IdTable = typeof clients | typeof partners | typeof apps;

/** Inserts the row, or updates it when its id exists; says which, for the import report. */
function upsertById<T extends IdTable>(tx: Tx, table: T, id: string, row: Omit<T['$inferInsert'], 'id'>): 'added' | 'updated' {
  const exists = tx.select({ id: table.id }).from(table as IdTable).where(eq(table.id, id)).get();
  if (exists) tx.update(table).set(row as never).where(eq(table.id, id)).run();
  else tx.insert(table).values({ id, ...row } as never).run();
  return exists ? 'updated' : 'added';
}

/** Upserts a validated registry in one transaction, recording the import in the event log. */
export function importRegistry(db: Db, reg: LoadedRegistry, opts: { actor: string; now?: Date; fileBytes?: Buffer }): ImportReport {
  const at = (opts.now ?? new Date()).toISOString();
  const { data } = reg;
  const report: ImportReport = {
    staff: data.staff.length,
    clients: { added: 0, updated: 0 },
    partners: { added: 0, updated: 0 },
    apps: { added: 0, updated: 0 },
    integrations: { added: 0, unchanged: 0 },
    stageDifferences: [],
  };

  db.transaction(
    (tx) => {
      // The staff list is authoritative: removing an address from the file removes its right to confirm.
      tx.delete(staff).run();
      for (const address of data.staff) tx.insert(staff).values({ address }).run();

      // Domains are replaced per client in the file. In bounded batches: one `IN (…)` with every
      // client would pass SQLite's limit on bound variables (32,766 since 3.32) at that many clients.
      const clientIds = data.clients.map((c) => c.id);
      for (let i = 0; i < clientIds.length; i += SQL_BATCH) {
        tx.delete(clientDomains).where(inArray(clientDomains.clientId, clientIds.slice(i, i + SQL_BATCH))).run();
      }
      // Prepared once and run per client: tens of thousands of clients import in well under a second,
      // where a query builder per row takes seconds.
      const sqlite = db.$client;
      const known = new Set((sqlite.prepare('SELECT id FROM clients').pluck().all() as string[]));
      const upsertClient = sqlite.prepare(
        `INSERT INTO clients (id, name, approvers, test_environment_ids, production_environment_ids, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, approvers = excluded.approvers, test_environment_ids = excluded.test_environment_ids,
           production_environment_ids = excluded.production_environment_ids, updated_at = excluded.updated_at`,
      );
      const insertDomain = sqlite.prepare('INSERT INTO client_domains (domain, client_id) VALUES (?, ?)');
      for (const c of data.clients) {
        upsertClient.run(c.id, c.name, JSON.stringify(c.approvers), JSON.stringify(c.testEnvironmentIds), JSON.stringify(c.productionEnvironmentIds), at);
        report.clients[known.has(c.id) ? 'updated' : 'added']++;
        for (const domain of new Set(c.domains)) insertDomain.run(domain, c.id);
      }

      for (const p of data.partners) {
        const key = reg.keys.get(p.id)!;
        const row = {
          name: p.name,
          contact: p.contact,
          publicKeyPath: p.publicKey,
          publicKeyArmored: key.armored,
          keyFingerprint: key.fingerprint,
          keyExpiresAt: key.expiresAt,
          updatedAt: at,
        };
        report.partners[upsertById(tx, partners, p.id, row)]++;
      }

      for (const a of data.apps) {
        const row = {
          name: a.name,
          aliases: a.aliases,
          partnerId: a.partner,
          portalApproved: a.readiness.portalApproved === true,
          termsSigned: a.readiness.termsSigned === true,
          sandboxDone: a.readiness.sandboxDone === true,
          preBetaDone: a.readiness.preBetaDone === true,
          updatedAt: at,
        };
        report.apps[upsertById(tx, apps, a.id, row)]++;
      }

      for (const it of data.integrations) {
        const existing = tx
          .select()
          .from(integrations)
          .where(and(eq(integrations.appId, it.app), eq(integrations.clientId, it.client)))
          .get();
        if (existing) {
          report.integrations.unchanged++;
          if (existing.stage !== it.stage) {
            report.stageDifferences.push({ app: it.app, client: it.client, inFile: it.stage, recorded: existing.stage });
          }
          continue;
        }
        recordStageChange(tx, {
          appId: it.app,
          clientId: it.client,
          from: null,
          to: it.stage,
          at,
          causeType: 'registry',
          causeRef: reg.file,
          actor: opts.actor,
          evidence: { note: 'integration registered with its stage from the registry file' },
        });
        report.integrations.added++;
      }

      appendEvent(tx, {
        at,
        kind: 'registry_import',
        causeType: 'registry',
        causeRef: reg.file,
        actor: opts.actor,
        evidence: {
          sha256: createHash('sha256').update(opts.fileBytes ?? reg.bytes).digest('hex'),
          staff: report.staff,
          clients: report.clients,
          partners: report.partners,
          apps: report.apps,
          integrations: report.integrations,
          stageDifferences: report.stageDifferences,
        },
      });
    },
    { behavior: 'immediate' },
  );

  registerSecrets(data.clients.flatMap((c) => [...c.testEnvironmentIds, ...c.productionEnvironmentIds]));
  return report;
}
