import path from 'node:path';
import Database from 'better-sqlite3';
import { baseRegistry, writeRegistry } from './registry-fixture.js';
import { AUTHSERV_ID } from './mail.js';
import { runCountersign } from './run-cli.js';
import { tempDir } from './temp-dir.js';

export interface Project {
  dir: string;
  dbPath: string;
  env: Record<string, string>;
  /** Reads the database as an operator would with sqlite3. */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
}

/** A deployment in a temp folder: a database holding the base registry, and the environment to run in. */
export function makeProject(extraEnv: Record<string, string> = {}, registry: Record<string, any> = baseRegistry()): Promise<Project> {
  return makeProjectIn(tempDir('cs-project-'), extraEnv, registry);
}

/** The same in a folder of the caller's, which it removes itself (a world that outlives one test). */
export async function makeProjectIn(dir: string, extraEnv: Record<string, string> = {}, registry: Record<string, any> = baseRegistry()): Promise<Project> {
  const dbPath = path.join(dir, 'countersign.sqlite');
  const file = await writeRegistry(registry, { dir });
  const env = {
    COUNTERSIGN_DB: dbPath,
    COUNTERSIGN_MAILDIR: path.join(dir, 'maildir'),
    COUNTERSIGN_OUTBOX_DIR: path.join(dir, 'outbox'),
    COUNTERSIGN_AUTHSERV_ID: AUTHSERV_ID,
    COUNTERSIGN_FROM: 'apipartners@partners.example',
    COUNTERSIGN_LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const r = await runCountersign(['registry', 'import', file], env);
  if (r.code !== 0) throw new Error(`registry import failed: ${r.stderr}`);
  return {
    dir,
    dbPath,
    env,
    query: <T>(sql: string, ...params: unknown[]) => {
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    },
  };
}
