import { openDb, type Db } from '../../src/db/open-db.js';
import { importRegistry } from '../../src/registry/import-registry.js';
import { loadRegistry } from '../../src/registry/load-registry.js';
import { writeRegistry, baseRegistry } from './registry-fixture.js';

/** An in-memory database with the real migrations applied. */
export const testDb = (): Db => openDb(':memory:');

/** An in-memory database holding the base registry (or the one given). */
export async function seededDb(reg: Record<string, any> = baseRegistry()): Promise<Db> {
  const db = testDb();
  const loaded = await loadRegistry(await writeRegistry(reg));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  importRegistry(db, loaded.registry, { actor: 'operator:test' });
  return db;
}
