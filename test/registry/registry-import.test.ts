import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { openDb, type Db } from '../../src/db/open-db.js';
import { importRegistry } from '../../src/registry/import-registry.js';
import { exportRegistry } from '../../src/registry/export-registry.js';
import { formatProblem, loadRegistry } from '../../src/registry/load-registry.js';
import { makeKey, makeRevokedKey } from '../helpers/pgp-keys.js';
import { baseRegistry, goodKey, writeRegistry } from '../helpers/registry-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testDb } from '../helpers/test-db.js';
import { countersignInProcess } from '../helpers/cli-in-process.js';

/** Rows in every table the migrations made (their own bookkeeping aside); closes the database when asked. */
function rowCounts(db: Db, close = false): Record<string, number> {
  const tables = db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all() as { name: string }[];
  const counts = Object.fromEntries(tables.map(({ name }) => [name, (db.$client.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n]));
  if (close) db.$client.close();
  return counts;
}

const countersign = countersignInProcess;

async function problemsOf(reg: Record<string, any>, keys?: Record<string, string>): Promise<string[]> {
  const file = await writeRegistry(reg, keys ? { keys } : {});
  const r = await loadRegistry(file);
  if (r.ok) return [];
  return r.problems.map(formatProblem).map((p) => p.slice(p.indexOf('registry.yaml')));
}

describe('registry validation', () => {
  it('accepts the registry from the issue', async () => {
    const r = await loadRegistry(await writeRegistry());
    expect(r.ok).toBe(true);
  });

  it('names the entry and field of an app that refers to an unknown partner', async () => {
    const reg = baseRegistry();
    reg.apps[1].partner = 'nobody';
    expect(await problemsOf(reg)).toEqual(['registry.yaml: apps[1] (acme-notes) → partner: unknown partner "nobody"']);
  });

  it('names integrations that refer to an unknown app or client', async () => {
    const reg = baseRegistry();
    reg.integrations.push({ app: 'ghost', client: 'nowhere' });
    expect(await problemsOf(reg)).toEqual([
      'registry.yaml: integrations[1] (ghost at nowhere) → app: unknown app "ghost"',
      'registry.yaml: integrations[1] (ghost at nowhere) → client: unknown client "nowhere"',
    ]);
  });

  it('refuses a domain claimed by two clients', async () => {
    const reg = baseRegistry();
    reg.clients[1].domains = ['lakesidepeds.org', 'RiversideFM.org'];
    expect(await problemsOf(reg)).toEqual(['registry.yaml: clients[1] (lakeside) → domains[1]: "riversidefm.org" is also claimed by client "riverside"']);
  });

  it('refuses a bad stage name', async () => {
    const reg = baseRegistry();
    reg.integrations[0].stage = 'approved';
    const p = await problemsOf(reg);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^registry\.yaml: integrations\[0\] \(acme-scheduler at riverside\) → stage: must be one of pending, beta_consented/);
  });

  it('refuses a missing key file', async () => {
    expect(await problemsOf(baseRegistry(), {})).toEqual(['registry.yaml: partners[0] (acme) → publicKey: cannot read key file keys/acme.asc: missing']);
  });

  it('refuses an unreadable key file', async () => {
    const p = await problemsOf(baseRegistry(), { 'keys/acme.asc': 'this is not a key' });
    expect(p).toEqual(['registry.yaml: partners[0] (acme) → publicKey: key file keys/acme.asc is not an armored OpenPGP public key']);
  });

  it('refuses an expired key', async () => {
    const p = await problemsOf(baseRegistry(), { 'keys/acme.asc': (await makeKey('a@acmehealth.io', { expiredHoursAgo: 2 })).publicKey });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/partners\[0\] \(acme\) → publicKey: key file keys\/acme\.asc expired on 20\d\d-\d\d-\d\d$/);
  });

  it('refuses a revoked key', async () => {
    const p = await problemsOf(baseRegistry(), { 'keys/acme.asc': (await makeRevokedKey('a@acmehealth.io')).publicKey });
    expect(p).toEqual(['registry.yaml: partners[0] (acme) → publicKey: key file keys/acme.asc is revoked']);
  });

  it('refuses a sign-only key', async () => {
    const p = await problemsOf(baseRegistry(), { 'keys/acme.asc': (await makeKey('a@acmehealth.io', { signOnly: true })).publicKey });
    expect(p).toEqual([expect.stringMatching(/partners\[0\] \(acme\) → publicKey: key file keys\/acme\.asc has no valid encryption-capable key/)]);
  });

  it('refuses a private key given as the public key', async () => {
    const p = await problemsOf(baseRegistry(), { 'keys/acme.asc': (await goodKey()).privateKey });
    expect(p).toEqual([expect.stringMatching(/publicKey: key file keys\/acme\.asc is a private key/)]);
  });

  it('refuses unknown fields, bad addresses and identifiers too short to mask', async () => {
    const reg = baseRegistry();
    reg.clients[0].domain = 'typo.org';
    reg.staff = ['not-an-address'];
    reg.clients[1].testEnvironmentIds = ['X1'];
    const p = await problemsOf(reg);
    expect(p).toContain('registry.yaml: staff[0]: must be an email address');
    expect(p).toContain('registry.yaml: clients[1] (lakeside) → testEnvironmentIds[0]: must be 4 to 200 characters, only letters, digits and - _ . : / (so it can be masked in every output)');
    expect(p.some((x) => x.startsWith('registry.yaml: clients[0] (riverside)') && x.includes('domain'))).toBe(true);
  });

  it('refuses a file that is not YAML', async () => {
    const file = await writeRegistry();
    writeFileSync(file, 'staff: [unclosed\n  clients: :\n');
    const r = await loadRegistry(file);
    expect(!r.ok && r.problems[0]!.message).toMatch(/^not valid YAML/);
  });
});

describe('registry import', () => {
  it('writes nothing when any entry is wrong', async () => {
    // The operator's path: `countersign registry import FILE`, in-process, on a database file.
    const dir = tempDir();
    const dbPath = path.join(dir, 'cs.sqlite');
    const before = rowCounts(openDb(dbPath), true);
    const reg = baseRegistry();
    reg.apps[1].partner = 'nobody'; // the last app: staff, clients, partners and the first app are all valid
    const file = await writeRegistry(reg, { dir });

    const r = await countersign(['registry', 'import', file], dbPath);

    expect(r.code).toBe(2);
    expect(r.stderr).toContain('apps[1] (acme-notes) → partner: unknown partner "nobody"');
    expect(r.stderr).toContain('nothing was written');
    const after = rowCounts(openDb(dbPath), true);
    expect(after).toEqual(before);
    expect(Object.values(after).every((n) => n === 0)).toBe(true);

    // The same file made right is imported into the same database: the counts above could see rows.
    reg.apps[1].partner = 'acme';
    writeFileSync(file, stringify(reg));
    expect(await countersign(['registry', 'import', file], dbPath)).toMatchObject({ code: 0, stderr: '' });
    expect(rowCounts(openDb(dbPath), true)).toMatchObject({ staff: 1, clients: 2, partners: 1, apps: 2, integrations: 1, events: 2 });
  });

  it('rolls back every row when the database refuses an entry half-way through the import', async () => {
    const db = testDb();
    const before = rowCounts(db);
    const loaded = await loadRegistry(await writeRegistry());
    if (!loaded.ok) throw new Error('fixture');
    // Past validation (a registry changed between load and import): the last integration names a
    // client that does not exist, so the foreign key fails after every other section was written.
    loaded.registry.data.integrations.push({ app: 'acme-notes', client: 'nowhere', stage: 'pending' });

    expect(() => importRegistry(db, loaded.registry, { actor: 'operator:test' })).toThrow(/FOREIGN KEY/);
    expect(rowCounts(db)).toEqual(before);
    expect(rowCounts(db)).toMatchObject({ staff: 0, clients: 0, client_domains: 0, partners: 0, apps: 0, integrations: 0, events: 0 });
  });

  it('imports, then upserts: renamed client updated, new integration added, existing stage kept and reported', async () => {
    const db = testDb();
    const first = await loadRegistry(await writeRegistry());
    if (!first.ok) throw new Error('fixture');
    const r1 = importRegistry(db, first.registry, { actor: 'operator:test' });
    expect(r1).toMatchObject({ clients: { added: 2, updated: 0 }, integrations: { added: 1, unchanged: 0 }, stageDifferences: [] });

    const reg = baseRegistry();
    reg.clients[0].name = 'Riverside Family Medicine LLC';
    reg.integrations[0].stage = 'production_approved';
    reg.integrations.push({ app: 'acme-notes', client: 'lakeside' });
    const second = await loadRegistry(await writeRegistry(reg));
    if (!second.ok) throw new Error('fixture');
    const r2 = importRegistry(db, second.registry, { actor: 'operator:test' });
    expect(r2).toMatchObject({ clients: { added: 0, updated: 2 }, integrations: { added: 1, unchanged: 1 } });
    expect(r2.stageDifferences).toEqual([{ app: 'acme-scheduler', client: 'riverside', inFile: 'production_approved', recorded: 'beta_consented' }]);
    expect(db.$client.prepare("SELECT stage FROM integrations WHERE app_id = 'acme-scheduler' AND client_id = 'riverside'").get()).toEqual({ stage: 'beta_consented' });
    expect(db.$client.prepare("SELECT name FROM clients WHERE id = 'riverside'").get()).toEqual({ name: 'Riverside Family Medicine LLC' });
  });

  it('treats the staff list as authoritative: an address removed from the file loses its right to confirm', async () => {
    const db = testDb();
    const reg = baseRegistry();
    reg.staff = ['ops@partners.example', 'old@partners.example'];
    const a = await loadRegistry(await writeRegistry(reg));
    if (!a.ok) throw new Error('fixture');
    importRegistry(db, a.registry, { actor: 't' });
    const b = await loadRegistry(await writeRegistry(baseRegistry()));
    if (!b.ok) throw new Error('fixture');
    importRegistry(db, b.registry, { actor: 't' });
    expect(db.$client.prepare('SELECT address FROM staff').all()).toEqual([{ address: 'ops@partners.example' }]);
  });

  it('refuses a domain that already belongs to another client in the database', async () => {
    const db = testDb();
    const a = await loadRegistry(await writeRegistry());
    if (!a.ok) throw new Error('fixture');
    importRegistry(db, a.registry, { actor: 't' });
    const reg = { staff: [], clients: [{ id: 'newco', name: 'NewCo', domains: ['riversidefm.org'], testEnvironmentIds: ['NEW-TEST-1'], productionEnvironmentIds: ['NEW-PROD-1'] }] };
    const existing = new Map((db.$client.prepare('SELECT domain, client_id FROM client_domains').all() as { domain: string; client_id: string }[]).map((d) => [d.domain, d.client_id]));
    const r = await loadRegistry(await writeRegistry(reg), { existingDomains: existing });
    expect(!r.ok && r.problems.map(formatProblem)[0]).toMatch(/clients\[0\] \(newco\) → domains\[0\]: "riversidefm.org" already belongs to client "riverside"/);
  });

  it('exports the registry back without identifiers unless asked, with them when asked', async () => {
    const db = testDb();
    const file = await writeRegistry();
    const a = await loadRegistry(file);
    if (!a.ok) throw new Error('fixture');
    importRegistry(db, a.registry, { actor: 't' });
    const plain = exportRegistry(db, { withSecrets: false });
    expect(plain).not.toMatch(/RFM-TEST|RFM-PROD|LKP-/);
    const full = parse(exportRegistry(db, { withSecrets: true }));
    const original = parse(readFileSync(file, 'utf8'));
    expect(full.clients.find((c: any) => c.id === 'riverside')).toEqual({ ...original.clients[0] });
    expect(full.partners).toEqual(original.partners);
    expect(full.integrations).toEqual(original.integrations);
    expect(path.isAbsolute(full.partners[0].publicKey)).toBe(false);
  });
});
