import { createHash } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/open-db.js';
import { appendEvent, type Tx } from '../db/event-log.js';
import { readRegistrySnapshot } from '../db/registry-snapshot.js';
import { apps, clientDomains, clients, partners, staff } from '../db/schema.js';
import { registerSecrets } from '../secret-scrubber.js';
import { recordStageChange } from '../db/record-stage.js';
import type { LoadedRegistry } from './load-registry.js';
import { diffRegistry, type RegistryDiff, type SectionChanges } from './registry-diff.js';

export type { StageDifference } from './registry-diff.js';

/**
 * Counts per section, then what changed entity by entity (`changes`), the stages reported and not
 * applied, and the entries skipped for a partner key that cannot be used. All of it is also the
 * `registry_import` event's evidence, so the log itself says which key went and which came.
 */
export interface ImportReport extends RegistryDiff {
  staff: number;
  clients: { added: number; updated: number };
  partners: { added: number; updated: number };
  apps: { added: number; updated: number };
  integrations: { added: number; unchanged: number };
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

/** Added, and already known (changed or not): the counts the report has always had. */
function counts(s: SectionChanges, inFile: number): { added: number; updated: number } {
  const added = s.changes.filter((c) => c.change === 'added').length;
  return { added, updated: inFile - added };
}

/**
 * Upserts a validated registry (a whole file, or what is left of one once the partners with an
 * unusable key are skipped) in one transaction, recording the import and its itemised changes in
 * the event log.
 */
export function importRegistry(db: Db, reg: LoadedRegistry, opts: { actor: string; now?: Date; fileBytes?: Buffer }): ImportReport {
  const at = (opts.now ?? new Date()).toISOString();
  const { data } = reg;

  const report = db.transaction(
    (tx): ImportReport => {
      // Compared inside the transaction that writes: the changes recorded are exactly the ones made.
      const diff = diffRegistry(readRegistrySnapshot(db), reg);
      const { changes } = diff;
      const report: ImportReport = {
        staff: data.staff.length,
        clients: counts(changes.clients, data.clients.length),
        partners: counts(changes.partners, data.partners.length),
        apps: counts(changes.apps, data.apps.length),
        integrations: { added: changes.integrations.added.length, unchanged: changes.integrations.unchanged },
        ...diff,
      };

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
      const upsertClient = sqlite.prepare(
        `INSERT INTO clients (id, name, approvers, test_environment_ids, production_environment_ids, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, approvers = excluded.approvers, test_environment_ids = excluded.test_environment_ids,
           production_environment_ids = excluded.production_environment_ids, updated_at = excluded.updated_at`,
      );
      const insertDomain = sqlite.prepare('INSERT INTO client_domains (domain, client_id) VALUES (?, ?)');
      for (const c of data.clients) {
        upsertClient.run(c.id, c.name, JSON.stringify(c.approvers), JSON.stringify(c.testEnvironmentIds), JSON.stringify(c.productionEnvironmentIds), at);
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
        upsertById(tx, partners, p.id, row);
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
        upsertById(tx, apps, a.id, row);
      }

      for (const it of changes.integrations.added) {
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
          changes: report.changes,
          skipped: report.skipped,
        },
      });
      return report;
    },
    { behavior: 'immediate' },
  );

  registerSecrets(data.clients.flatMap((c) => [...c.testEnvironmentIds, ...c.productionEnvironmentIds]));
  return report;
}
