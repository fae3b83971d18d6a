import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/open-db.js';
import { appendEvent, type Tx } from '../db/event-log.js';
import { apps, clientDomains, clients, integrations, partners, staff } from '../db/schema.js';
import { registerSecrets } from '../secret-scrubber.js';
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

      const clientIds = data.clients.map((c) => c.id);
      if (clientIds.length > 0) tx.delete(clientDomains).where(inArray(clientDomains.clientId, clientIds)).run();
      for (const c of data.clients) {
        const row = {
          name: c.name,
          approvers: c.approvers,
          testEnvironmentIds: c.testEnvironmentIds,
          productionEnvironmentIds: c.productionEnvironmentIds,
          updatedAt: at,
        };
        report.clients[upsertById(tx, clients, c.id, row)]++;
        for (const domain of new Set(c.domains)) tx.insert(clientDomains).values({ domain, clientId: c.id }).run();
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
        const inserted = tx
          .insert(integrations)
          .values({ appId: it.app, clientId: it.client, stage: it.stage, stageSince: at })
          .returning({ id: integrations.id })
          .get();
        appendEvent(tx, {
          at,
          kind: 'stage_change',
          integrationId: inserted.id,
          appId: it.app,
          clientId: it.client,
          fromStage: null,
          toStage: it.stage,
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
          sha256: opts.fileBytes ? createHash('sha256').update(opts.fileBytes).digest('hex') : null,
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
