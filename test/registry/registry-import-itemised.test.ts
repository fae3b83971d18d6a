import path from 'node:path';
import * as openpgp from 'openpgp';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/open-db.js';
import { clearSecrets } from '../../src/secret-scrubber.js';
import { makeKey, type TestKey } from '../helpers/pgp-keys.js';
import { baseRegistry, goodKey, TEST_IDS, writeRegistry } from '../helpers/registry-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { countersignInProcess } from '../helpers/cli-in-process.js';

const countersign = countersignInProcess;

function withDb<T>(dbPath: string, f: (db: Db) => T): T {
  const db = openDb(dbPath);
  try {
    return f(db);
  } finally {
    db.$client.close();
  }
}

/** Rows in every table the migrations made (their own bookkeeping aside). */
const rowCounts = (dbPath: string): Record<string, number> =>
  withDb(dbPath, (db) => {
    const tables = db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all() as { name: string }[];
    return Object.fromEntries(tables.map(({ name }) => [name, (db.$client.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n]));
  });

const lastImportEvidence = (dbPath: string): any =>
  withDb(dbPath, (db) => JSON.parse((db.$client.prepare("SELECT evidence FROM events WHERE kind = 'registry_import' ORDER BY seq DESC LIMIT 1").get() as { evidence: string }).evidence));

/** A real OpenPGP key that expires `days` from now (the fixture's good key never expires). */
async function keyExpiringIn(email: string, days: number): Promise<TestKey> {
  const { publicKey, privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email }], keyExpirationTime: days * 86_400, format: 'armored' });
  return { publicKey, privateKey };
}

async function keyFacts(armored: string): Promise<{ fingerprint: string; expiresAt: string | null }> {
  const key = await openpgp.readKey({ armoredKey: armored });
  const exp = await key.getExpirationTime();
  return { fingerprint: key.getFingerprint().toUpperCase(), expiresAt: exp instanceof Date ? exp.toISOString() : null };
}

/** The base registry plus partner "beta" with its own app and integration: two partners to block one of. */
function twoPartners(): Record<string, any> {
  const reg = baseRegistry();
  reg.partners.push({ id: 'beta', name: 'Beta Apps', contact: 'keys@beta.example', publicKey: 'keys/beta.asc' });
  reg.apps.push({ id: 'beta-chart', name: 'Beta Chart', partner: 'beta', readiness: { portalApproved: true } });
  reg.integrations.push({ app: 'beta-chart', client: 'lakeside', stage: 'pending' });
  return reg;
}

afterEach(() => clearSecrets());

describe('registry import itemises what changed', () => {
  it('a replaced partner key is recorded old → new, fingerprint and expiry, in the event; the chain still verifies', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'cs.sqlite');
    const oldKey = (await goodKey()).publicKey;
    expect((await countersign(['registry', 'import', await writeRegistry(baseRegistry(), { dir })], dbPath)).code).toBe(0);

    const newKey = (await keyExpiringIn('integrations@acmehealth.io', 400)).publicKey;
    const file = await writeRegistry(baseRegistry(), { dir, keys: { 'keys/acme.asc': newKey } });
    const r = await countersign(['registry', 'import', file], dbPath);

    expect(r.code).toBe(0);
    const before = await keyFacts(oldKey);
    const after = await keyFacts(newKey);
    expect(before.expiresAt).toBeNull();
    expect(after.expiresAt).toMatch(/^20\d\d-/);
    const evidence = lastImportEvidence(dbPath);
    expect(evidence.changes.partners).toEqual({ changes: [{ id: 'acme', change: 'updated', fields: { key: { from: before, to: after } } }], unchanged: 0, notInFile: [] });
    // Nothing else differs, and the other sections say so rather than listing everything again.
    expect(evidence.changes.clients).toEqual({ changes: [], unchanged: 2, notInFile: [] });
    expect(evidence.changes.apps).toEqual({ changes: [], unchanged: 2, notInFile: [] });
    expect(evidence.skipped).toEqual([]);
    // The same in words for the operator who ran it.
    expect(r.stdout).toContain(`partner acme updated: key ${before.fingerprint} (never expires) → ${after.fingerprint} (expires ${after.expiresAt!.slice(0, 10)})`);

    const verify = await countersign(['log', 'verify', '--json'], dbPath);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, rows: 3, stageDrifts: [] });
    // `log --json` shows the itemised change as recorded, hashed with the rest of the event.
    const log = JSON.parse((await countersign(['log', '--json'], dbPath)).stdout);
    expect(log.at(-1)).toMatchObject({ kind: 'registry_import', evidence: { changes: { partners: { changes: [{ id: 'acme', fields: { key: { from: before, to: after } } }] } } } });
  });

  it('domains, approvers, readiness flags, staff and entities added and removed are itemised, identifiers only as "changed"', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'cs.sqlite');
    const first = baseRegistry();
    first.clients[0].approvers = ['dr.old@riversidefm.org'];
    expect((await countersign(['registry', 'import', await writeRegistry(first, { dir })], dbPath)).code).toBe(0);

    const reg = baseRegistry();
    reg.staff = ['ops@partners.example', 'new.ops@partners.example'];
    reg.clients[0].domains = ['riversidefm.org', 'riverside.health'];
    reg.clients[0].approvers = ['dr.lee@riversidefm.org'];
    reg.clients[0].productionEnvironmentIds = ['RFM-PROD-9000'];
    reg.clients[1] = { id: 'hillside', name: 'Hillside Clinic', domains: ['hillside.example'], testEnvironmentIds: ['HSC-TEST-0001'], productionEnvironmentIds: ['HSC-PROD-0001'] };
    reg.apps[1].readiness.sandboxDone = true;
    reg.apps[1].aliases = ['AcmeNotes'];
    const r = await countersign(['registry', 'import', await writeRegistry(reg, { dir }), '--json'], dbPath);

    expect(r.code).toBe(0);
    const evidence = lastImportEvidence(dbPath);
    expect(evidence.changes.staff).toEqual({ added: ['new.ops@partners.example'], removed: [] });
    expect(evidence.changes.clients).toEqual({
      changes: [
        {
          id: 'riverside',
          change: 'updated',
          fields: {
            domains: { added: ['riverside.health'], removed: [] },
            approvers: { added: ['dr.lee@riversidefm.org'], removed: ['dr.old@riversidefm.org'] },
            productionEnvironmentIds: 'changed',
          },
        },
        {
          id: 'hillside',
          change: 'added',
          fields: {
            name: { from: null, to: 'Hillside Clinic' },
            domains: { added: ['hillside.example'], removed: [] },
            testEnvironmentIds: 'changed',
            productionEnvironmentIds: 'changed',
          },
        },
      ],
      unchanged: 0,
      notInFile: ['lakeside'],
    });
    expect(evidence.changes.apps.changes).toEqual([
      { id: 'acme-notes', change: 'updated', fields: { aliases: { added: ['AcmeNotes'], removed: [] }, 'readiness.sandboxDone': { from: false, to: true } } },
    ]);
    // The --json report carries the same itemised changes the event recorded, and the counts as before.
    const report = JSON.parse(r.stdout);
    expect(report.changes).toEqual(evidence.changes);
    expect(report).toMatchObject({ clients: { added: 1, updated: 1 }, apps: { added: 0, updated: 2 }, skipped: [] });

    // A domain removed in a third import is itemised as removed.
    reg.clients[0].domains = ['riverside.health'];
    expect((await countersign(['registry', 'import', await writeRegistry(reg, { dir })], dbPath)).code).toBe(0);
    expect(lastImportEvidence(dbPath).changes.clients.changes).toEqual([{ id: 'riverside', change: 'updated', fields: { domains: { added: [], removed: ['riversidefm.org'] } } }]);

    // No identifier, old or new, in the event as stored (read raw, not through the scrubber) or in the output.
    const rawEvidence = withDb(dbPath, (db) => (db.$client.prepare("SELECT group_concat(evidence) AS e FROM events").get() as { e: string }).e);
    for (const id of [...TEST_IDS, 'RFM-PROD-9000', 'HSC-TEST-0001', 'HSC-PROD-0001']) {
      expect(rawEvidence).not.toContain(id);
      expect(r.stdout + r.stderr).not.toContain(id);
    }
  });
});

describe('registry import reports every problem in one pass', () => {
  it('a format problem, an unknown reference and an expired key are all reported in one run, nothing written', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'cs.sqlite');
    const reg = baseRegistry();
    reg.clients[1].domains = ['not a domain'];
    reg.apps[1].partner = 'nobody';
    const file = await writeRegistry(reg, { dir, keys: { 'keys/acme.asc': (await makeKey('a@acmehealth.io', { expiredHoursAgo: 2 })).publicKey } });
    const before = rowCounts(dbPath);

    const r = await countersign(['registry', 'import', file, '--json'], dbPath);

    expect(r.code).toBe(2);
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(lines).toEqual([
      `error: ${file}: clients[1] (lakeside) → domains[0]: must be a domain name`,
      `error: ${file}: apps[1] (acme-notes) → partner: unknown partner "nobody"`,
      expect.stringMatching(new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: partners\\[0\\] \\(acme\\) → publicKey: key file keys/acme\\.asc expired on (${today}|${yesterday})$`)),
    ]);
    const json = JSON.parse(r.stdout);
    expect(json.error.code).toBe('invalid_input');
    expect(json.error.problems.map((p: any) => [p.kind, p.entry, p.field])).toEqual([
      ['format', 'clients[1] (lakeside)', 'domains[0]'],
      ['reference', 'apps[1] (acme-notes)', 'partner'],
      ['key', 'partners[0] (acme)', 'publicKey'],
    ]);
    expect(r.stderr).toContain('nothing was written');
    expect(rowCounts(dbPath)).toEqual(before);
  });

  it('an entry with a wrong field still has its references checked: both are reported', async () => {
    const dir = tempDir();
    const reg = baseRegistry();
    reg.apps[1].name = '';
    reg.integrations.push({ app: 'acme-notes', client: 'nowhere', stage: 'approved' });
    const r = await countersign(['registry', 'import', await writeRegistry(reg, { dir })], path.join(dir, 'cs.sqlite'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('apps[1] (acme-notes) → name:');
    expect(r.stderr).toContain('integrations[1] (acme-notes at nowhere) → stage: must be one of');
    expect(r.stderr).toContain('integrations[1] (acme-notes at nowhere) → client: unknown client "nowhere"');
  });
});

describe('an unusable partner key blocks only that partner', () => {
  it("partner A's expired key skips A, its apps and integrations (reported, exit 3); B's changes and the clients are imported; --strict writes nothing", async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'cs.sqlite');
    const acmeKey = (await goodKey()).publicKey;
    const betaKey = (await makeKey('keys@beta.example')).publicKey;
    expect((await countersign(['registry', 'import', await writeRegistry(twoPartners(), { dir, keys: { 'keys/acme.asc': acmeKey, 'keys/beta.asc': betaKey } })], dbPath)).code).toBe(0);

    const reg = twoPartners();
    reg.partners[0].name = 'Acme Renamed'; // acme's entry: must not be applied
    reg.apps[1].readiness.sandboxDone = true; // acme-notes, an app of acme: must not be applied
    reg.integrations.push({ app: 'acme-notes', client: 'lakeside' }); // an integration of acme's app: must not be added
    reg.partners[1].name = 'Beta Apps Inc.'; // beta: imported
    reg.apps[2].readiness.termsSigned = true; // beta-chart: imported
    reg.clients[1].name = 'Lakeside Pediatrics LLC'; // a client: imported
    const expired = (await makeKey('integrations@acmehealth.io', { expiredHoursAgo: 2 })).publicKey;
    const file = await writeRegistry(reg, { dir, keys: { 'keys/acme.asc': expired, 'keys/beta.asc': betaKey } });
    const before = rowCounts(dbPath);
    const acmeFingerprint = (await keyFacts(acmeKey)).fingerprint;

    const strict = await countersign(['registry', 'import', file, '--strict'], dbPath);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/partners\[0\] \(acme\) → publicKey: key file keys\/acme\.asc expired on 20\d\d-\d\d-\d\d/);
    expect(strict.stderr).toContain('nothing was written');
    expect(rowCounts(dbPath)).toEqual(before);

    const r = await countersign(['registry', 'import', file], dbPath);

    expect(r.code).toBe(3);
    const skipped = r.stderr.split('\n').filter((l) => l.startsWith('warning: skipped '));
    expect(skipped).toEqual([
      expect.stringMatching(/^warning: skipped partners\[0\] \(acme\): key file keys\/acme\.asc expired on 20\d\d-\d\d-\d\d$/),
      expect.stringMatching(/^warning: skipped apps\[0\] \(acme-scheduler\): its partner "acme" is skipped \(key file keys\/acme\.asc expired on /),
      expect.stringMatching(/^warning: skipped apps\[1\] \(acme-notes\): its partner "acme" is skipped/),
      expect.stringMatching(/^warning: skipped integrations\[0\] \(acme-scheduler at riverside\): its app "acme-scheduler" is skipped \(partner "acme": key file/),
      expect.stringMatching(/^warning: skipped integrations\[2\] \(acme-notes at lakeside\): its app "acme-notes" is skipped/),
    ]);
    expect(r.stderr).toContain('registry imported in part: 5 entries skipped');
    withDb(dbPath, (db) => {
      const q = (sql: string) => db.$client.prepare(sql).get();
      expect(q("SELECT name, key_fingerprint AS fp FROM partners WHERE id = 'acme'")).toEqual({ name: 'Acme Health Apps', fp: acmeFingerprint });
      expect(q("SELECT sandbox_done AS s FROM apps WHERE id = 'acme-notes'")).toEqual({ s: 0 });
      expect(q("SELECT COUNT(*) AS n FROM integrations WHERE app_id = 'acme-notes'")).toEqual({ n: 0 });
      expect(q("SELECT name FROM partners WHERE id = 'beta'")).toEqual({ name: 'Beta Apps Inc.' });
      expect(q("SELECT terms_signed AS t FROM apps WHERE id = 'beta-chart'")).toEqual({ t: 1 });
      expect(q("SELECT name FROM clients WHERE id = 'lakeside'")).toEqual({ name: 'Lakeside Pediatrics LLC' });
    });
    // The event says what was skipped and why, and itemises only what was written.
    const evidence = lastImportEvidence(dbPath);
    expect(evidence.skipped.map((s: any) => [s.section, s.id])).toEqual([
      ['partners', 'acme'],
      ['apps', 'acme-scheduler'],
      ['apps', 'acme-notes'],
      ['integrations', 'acme-scheduler at riverside'],
      ['integrations', 'acme-notes at lakeside'],
    ]);
    expect(evidence.changes.partners).toEqual({ changes: [{ id: 'beta', change: 'updated', fields: { name: { from: 'Beta Apps', to: 'Beta Apps Inc.' } } }], unchanged: 0, notInFile: [] });
    expect(evidence.changes.apps.changes).toEqual([{ id: 'beta-chart', change: 'updated', fields: { 'readiness.termsSigned': { from: false, to: true } } }]);
    expect(evidence.changes.integrations).toEqual({ added: [], unchanged: 1 });
    expect((await countersign(['log', 'verify'], dbPath)).code).toBe(0);

    // --json: the report on stdout, with what was skipped; still exit 3.
    const again = await countersign(['registry', 'import', file, '--json'], dbPath);
    expect(again.code).toBe(3);
    expect(JSON.parse(again.stdout).skipped).toHaveLength(5);
  });
});
