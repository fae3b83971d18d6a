import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedDecisionContext, invalidateDecisionContext } from '../../src/db/decision-context-cache.js';
import { openDb } from '../../src/db/open-db.js';
import { importRegistry } from '../../src/registry/import-registry.js';
import { loadRegistry } from '../../src/registry/load-registry.js';
import { baseRegistry, writeRegistry } from '../helpers/registry-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';

const OPTS = { ownAddresses: ['apipartners@partners.example'], minConfidence: 0.6 };

async function importInto(db: ReturnType<typeof openDb>, reg: Record<string, any>): Promise<void> {
  const loaded = await loadRegistry(await writeRegistry(reg));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  importRegistry(db, loaded.registry, { actor: 'operator:test' });
}

describe('the decision context read once per change, not once per message', () => {
  it('is the same snapshot while nothing changes, and a new one once another process imports a registry', async () => {
    const file = path.join(tempDir(), 'cs.sqlite');
    const daemon = openDb(file);
    await importInto(daemon, baseRegistry());
    const first = cachedDecisionContext(daemon, OPTS);
    expect(cachedDecisionContext(daemon, OPTS)).toBe(first);

    // `countersign registry import` runs in its own process, with its own connection.
    const cli = openDb(file);
    const reg = baseRegistry();
    reg.staff = [...reg.staff, 'newcomer@partners.example'];
    await importInto(cli, reg);
    cli.$client.close();

    const after = cachedDecisionContext(daemon, OPTS);
    expect(after).not.toBe(first);
    expect(after.staff).toContain('newcomer@partners.example');
    expect(cachedDecisionContext(daemon, OPTS)).toBe(after);
    daemon.$client.close();
  });

  it('is read again after the daemon changes a stage itself (its own commits do not move data_version)', async () => {
    const db = openDb(path.join(tempDir(), 'cs.sqlite'));
    await importInto(db, baseRegistry());
    const first = cachedDecisionContext(db, OPTS);
    invalidateDecisionContext(db);
    expect(cachedDecisionContext(db, OPTS)).not.toBe(first);
    db.$client.close();
  });
});
