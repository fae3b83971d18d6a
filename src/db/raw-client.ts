import type Database from 'better-sqlite3';
import type { Tx } from './event-log.js';

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * A prepared statement on the connection behind a drizzle database or transaction (both run on the
 * one better-sqlite3 connection, so a statement run here is part of the caller's transaction). Used
 * on the per-message hot path, where building each query through the query builder cost more than
 * running it; drizzle exposes the connection as `session.client`.
 */
export function prepared(tx: Tx, sql: string): Database.Statement {
  const client = (tx as unknown as { session: { client: Database.Database } }).session.client;
  let cache = statements.get(client);
  if (!cache) statements.set(client, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = client.prepare(sql)));
  return stmt;
}
