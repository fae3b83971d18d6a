import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open-db.js';
import { clearSecrets } from '../../src/secret-scrubber.js';
import { makeKey } from '../helpers/pgp-keys.js';
import { baseRegistry, goodKey, TEST_IDS, writeRegistry } from '../helpers/registry-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { countersignInProcess } from '../helpers/cli-in-process.js';

const countersign = countersignInProcess;

/** Rows in every table the migrations made, and the log head: what "writes nothing" is checked against. */
function state(dbPath: string): { rows: Record<string, number>; head: unknown } {
  const db = openDb(dbPath);
  try {
    const tables = db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all() as { name: string }[];
    const rows = Object.fromEntries(tables.map(({ name }) => [name, (db.$client.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n]));
    return { rows, head: db.$client.prepare('SELECT seq, hash FROM log_head').get() };
  } finally {
    db.$client.close();
  }
}

/** A database holding the base registry, and a changed registry file beside it. */
async function importedThenChanged(change: (reg: Record<string, any>) => void, keys?: Record<string, string>) {
  const dir = tempDir();
  const dbPath = path.join(dir, 'cs.sqlite');
  expect((await countersign(['registry', 'import', await writeRegistry(baseRegistry(), { dir })], dbPath)).code).toBe(0);
  const reg = baseRegistry();
  change(reg);
  const file = await writeRegistry(reg, { dir, ...(keys ? { keys } : {}) });
  return { dbPath, file };
}

afterEach(() => clearSecrets());

describe('registry diff', () => {
  it('shows the changes the import then records, in words and JSON, and writes nothing', async () => {
    const { dbPath, file } = await importedThenChanged((reg) => {
      reg.staff = ['ops@partners.example', 'second@partners.example'];
      reg.clients[0].domains = ['riverside.health'];
      reg.clients[1].approvers = ['dr.kim@lakesidepeds.org'];
      reg.apps[1].readiness.preBetaDone = true;
      reg.integrations.push({ app: 'acme-notes', client: 'lakeside' });
      reg.integrations[0].stage = 'production_approved';
    });
    const before = state(dbPath);

    const words = await countersign(['registry', 'diff', file], dbPath);
    const json = await countersign(['registry', 'diff', file, '--json'], dbPath);

    expect(words.code).toBe(0);
    expect(json.code).toBe(0);
    expect(state(dbPath)).toEqual(before);
    expect(words.stdout.split('\n')).toEqual([
      'staff added: second@partners.example',
      'client riverside updated: domains added riverside.health; domains removed riversidefm.org',
      'client lakeside updated: approvers added dr.kim@lakesidepeds.org',
      'app acme-notes updated: readiness.preBetaDone false → true',
      'integration acme-notes at lakeside added at pending',
      'integration acme-scheduler at riverside: the file says production_approved, the log says beta_consented; the recorded stage stands (stages change only through approvals)',
      '',
    ]);
    const diff = JSON.parse(json.stdout);
    expect(diff.stageDifferences).toEqual([{ app: 'acme-scheduler', client: 'riverside', inFile: 'production_approved', recorded: 'beta_consented' }]);
    expect(diff.skipped).toEqual([]);

    // The import records exactly what the diff showed.
    expect((await countersign(['registry', 'import', file], dbPath)).code).toBe(0);
    const log = JSON.parse((await countersign(['log', '--json'], dbPath)).stdout);
    expect(log.at(-1).kind).toBe('registry_import');
    expect(log.at(-1).evidence.changes).toEqual(diff.changes);
    expect(log.at(-1).evidence.stageDifferences).toEqual(diff.stageDifferences);
    // And once imported, nothing is left to change.
    expect((await countersign(['registry', 'diff', file], dbPath)).stdout).toContain('integration acme-scheduler at riverside: the file says production_approved');
    const after = JSON.parse((await countersign(['registry', 'diff', file, '--json'], dbPath)).stdout);
    expect([after.changes.clients.changes, after.changes.apps.changes, after.changes.partners.changes, after.changes.integrations.added]).toEqual([[], [], [], []]);
  });

  it('never shows an environment identifier, in the diff, the import, the log or the export: only "changed"', async () => {
    const { dbPath, file } = await importedThenChanged((reg) => {
      reg.clients[0].testEnvironmentIds = ['RFM-TEST-NEW-1'];
      reg.clients[1].productionEnvironmentIds = ['LKP-PROD-0042', 'LKP-PROD-NEW-2'];
    });
    const runs = [
      await countersign(['registry', 'diff', file], dbPath),
      await countersign(['registry', 'diff', file, '--json'], dbPath),
      await countersign(['registry', 'import', file], dbPath),
      await countersign(['log', '--json'], dbPath),
      await countersign(['export', '--format', 'json'], dbPath),
    ];

    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    expect(runs[0]!.stdout).toContain('client riverside updated: Test environment identifiers changed');
    expect(runs[0]!.stdout).toContain('client lakeside updated: Production environment identifiers changed');
    expect(JSON.parse(runs[1]!.stdout).changes.clients.changes).toEqual([
      { id: 'riverside', change: 'updated', fields: { testEnvironmentIds: 'changed' } },
      { id: 'lakeside', change: 'updated', fields: { productionEnvironmentIds: 'changed' } },
    ]);
    // Captured as written, before any scrubbing: the identifiers were never put there to be masked.
    const everything = runs.map((r) => r.stdout + r.stderr).join('\n');
    for (const id of [...TEST_IDS, 'RFM-TEST-NEW-1', 'LKP-PROD-NEW-2']) expect(everything).not.toContain(id);
    expect(everything).not.toContain('[REDACTED]');
  });

  it('exits as the import would: 3 listing what would be skipped, 2 with --strict or any other problem; writes nothing', async () => {
    const expired = (await makeKey('integrations@acmehealth.io', { expiredHoursAgo: 2 })).publicKey;
    const { dbPath, file } = await importedThenChanged((reg) => (reg.clients[1].name = 'Lakeside Pediatrics LLC'), { 'keys/acme.asc': expired });
    const before = state(dbPath);

    const partial = await countersign(['registry', 'diff', file, '--json'], dbPath);
    const strict = await countersign(['registry', 'diff', file, '--json', '--strict'], dbPath);

    expect(partial.code).toBe(3);
    const diff = JSON.parse(partial.stdout);
    expect(diff.skipped.map((s: any) => s.entry)).toEqual(['partners[0] (acme)', 'apps[0] (acme-scheduler)', 'apps[1] (acme-notes)', 'integrations[0] (acme-scheduler at riverside)']);
    expect(diff.changes.clients.changes).toEqual([{ id: 'lakeside', change: 'updated', fields: { name: { from: 'Lakeside Pediatrics', to: 'Lakeside Pediatrics LLC' } } }]);
    // A skipped partner is not "missing from the file".
    expect(diff.changes.partners).toEqual({ changes: [], unchanged: 0, notInFile: [] });
    expect(strict.code).toBe(2);
    expect(JSON.parse(strict.stdout).error.problems).toEqual([
      { entry: 'partners[0] (acme)', field: 'publicKey', kind: 'key', message: expect.stringMatching(/^key file keys\/acme\.asc expired on 20\d\d-\d\d-\d\d$/) },
    ]);

    const wrong = await importedThenChanged((reg) => (reg.apps[0].partner = 'nobody'), { 'keys/acme.asc': (await goodKey()).publicKey });
    const refused = await countersign(['registry', 'diff', wrong.file], wrong.dbPath);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('apps[0] (acme-scheduler) → partner: unknown partner "nobody"');
    expect(refused.stderr).toContain('an import would write nothing');
    expect(state(dbPath)).toEqual(before);
  });
});
