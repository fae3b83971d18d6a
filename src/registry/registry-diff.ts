import { integrationKey, type RegistrySnapshot } from '../db/registry-snapshot.js';
import type { LoadedRegistry } from './load-registry.js';
import type { SkippedEntry } from './skip-blocked-partners.js';

export interface KeySummary {
  fingerprint: string;
  /** ISO 8601, or null for a key that never expires. */
  expiresAt: string | null;
}

/**
 * One field's change. `from` is null for an entity the import adds. Lists (domains, approvers,
 * aliases) as what was added and removed. An environment identifier list is a secret: only the
 * word "changed", never a value, count or hash that could help guess one.
 */
export type FieldChange =
  | { from: string | boolean | null; to: string | boolean }
  | { from: KeySummary | null; to: KeySummary }
  | { added: string[]; removed: string[] }
  | 'changed';

export interface EntityChange {
  id: string;
  change: 'added' | 'updated';
  /** Only the fields that differ, by name (`readiness.sandboxDone` for a readiness flag). */
  fields: Record<string, FieldChange>;
}

export interface SectionChanges {
  /** Entities added, or already known with at least one field different; in file order. */
  changes: EntityChange[];
  /** Entities already known with nothing different. */
  unchanged: number;
  /** In the database but not in the file: kept (history refers to them), listed so the operator sees it. */
  notInFile: string[];
}

export interface StageDifference {
  app: string;
  client: string;
  inFile: string;
  recorded: string;
}

export interface RegistryChanges {
  /** The staff list is authoritative: these are really added and removed. */
  staff: { added: string[]; removed: string[] };
  clients: SectionChanges;
  partners: SectionChanges;
  apps: SectionChanges;
  integrations: { added: { app: string; client: string; stage: string }[]; unchanged: number };
}

/** What importing a registry changes, entity by entity; the same for `registry diff` and the import event. */
export interface RegistryDiff {
  changes: RegistryChanges;
  /** Existing integrations whose stage in the file differs: reported, never applied (the log is the truth). */
  stageDifferences: StageDifference[];
  skipped: SkippedEntry[];
}

function listChange(before: readonly string[] | undefined, after: readonly string[]): { added: string[]; removed: string[] } | undefined {
  const was = new Set(before ?? []);
  const now = new Set(after);
  const added = [...now].filter((x) => !was.has(x));
  const removed = [...was].filter((x) => !now.has(x));
  return added.length > 0 || removed.length > 0 ? { added, removed } : undefined;
}

const scalarChange = <T extends string | boolean>(before: T | undefined, after: T): FieldChange | undefined =>
  before === after ? undefined : { from: before ?? null, to: after };

/** Compared as sets: the order identifiers are listed in means nothing. */
const secretChange = (before: readonly string[] | undefined, after: readonly string[]): FieldChange | undefined =>
  listChange(before, after) ? 'changed' : undefined;

function keyChange(before: KeySummary | undefined, after: KeySummary): FieldChange | undefined {
  if (before && before.fingerprint === after.fingerprint && before.expiresAt === after.expiresAt) return undefined;
  return { from: before ?? null, to: after };
}

const fieldsOf = (entries: [string, FieldChange | undefined][]): Record<string, FieldChange> =>
  Object.fromEntries(entries.filter((e): e is [string, FieldChange] => e[1] !== undefined));

function section<E extends { id: string }, S>(
  entries: readonly E[],
  current: ReadonlyMap<string, S>,
  skippedIds: ReadonlySet<string>,
  compare: (entry: E, before: S | undefined) => Record<string, FieldChange>,
): SectionChanges {
  const out: SectionChanges = { changes: [], unchanged: 0, notInFile: [] };
  const inFile = new Set<string>();
  for (const e of entries) {
    inFile.add(e.id);
    const before = current.get(e.id);
    const fields = compare(e, before);
    if (before !== undefined && Object.keys(fields).length === 0) out.unchanged++;
    else out.changes.push({ id: e.id, change: before === undefined ? 'added' : 'updated', fields });
  }
  out.notInFile = [...current.keys()].filter((id) => !inFile.has(id) && !skippedIds.has(id)).sort();
  return out;
}

const READINESS = ['portalApproved', 'termsSigned', 'sandboxDone', 'preBetaDone'] as const;

/** What importing `reg` would change in a database holding `current`. Pure: reads nothing, writes nothing. */
export function diffRegistry(current: RegistrySnapshot, reg: LoadedRegistry): RegistryDiff {
  const { data } = reg;
  const skippedOf = (s: SkippedEntry['section']) => new Set(reg.skipped.filter((x) => x.section === s).map((x) => x.id));

  const clients = section(data.clients, current.clients, new Set(), (c, b) =>
    fieldsOf([
      ['name', scalarChange(b?.name, c.name)],
      ['domains', listChange(b?.domains, c.domains)],
      ['approvers', listChange(b?.approvers, c.approvers)],
      ['testEnvironmentIds', secretChange(b?.testEnvironmentIds, c.testEnvironmentIds)],
      ['productionEnvironmentIds', secretChange(b?.productionEnvironmentIds, c.productionEnvironmentIds)],
    ]),
  );
  const partners = section(data.partners, current.partners, skippedOf('partners'), (p, b) => {
    const key = reg.keys.get(p.id)!;
    return fieldsOf([
      ['name', scalarChange(b?.name, p.name)],
      ['contact', scalarChange(b?.contact, p.contact)],
      ['publicKey', scalarChange(b?.publicKey, p.publicKey)],
      ['key', keyChange(b && { fingerprint: b.fingerprint, expiresAt: b.expiresAt }, { fingerprint: key.fingerprint, expiresAt: key.expiresAt })],
    ]);
  });
  const apps = section(data.apps, current.apps, skippedOf('apps'), (a, b) =>
    fieldsOf([
      ['name', scalarChange(b?.name, a.name)],
      ['aliases', listChange(b?.aliases, a.aliases)],
      ['partner', scalarChange(b?.partner, a.partner)],
      ...READINESS.map((r): [string, FieldChange | undefined] => [`readiness.${r}`, scalarChange(b?.readiness[r], a.readiness[r] === true)]),
    ]),
  );

  const integrations: RegistryChanges['integrations'] = { added: [], unchanged: 0 };
  const stageDifferences: StageDifference[] = [];
  for (const it of data.integrations) {
    const recorded = current.integrations.get(integrationKey(it.app, it.client));
    if (recorded === undefined) {
      integrations.added.push({ app: it.app, client: it.client, stage: it.stage });
      continue;
    }
    integrations.unchanged++;
    if (recorded !== it.stage) stageDifferences.push({ app: it.app, client: it.client, inFile: it.stage, recorded });
  }

  const staff = listChange(current.staff, data.staff) ?? { added: [], removed: [] };
  return { changes: { staff, clients, partners, apps, integrations }, stageDifferences, skipped: reg.skipped };
}
