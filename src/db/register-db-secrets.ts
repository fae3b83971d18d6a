import { registerSecrets } from '../secret-scrubber.js';
import type { Db } from './open-db.js';
import { clients } from './schema.js';

/** Teaches the output scrubber every identifier in the database, so none can leak by mistake. */
export function registerDbSecrets(db: Db): void {
  for (const c of db.select({ t: clients.testEnvironmentIds, p: clients.productionEnvironmentIds }).from(clients).all()) {
    registerSecrets([...c.t, ...c.p]);
  }
}
