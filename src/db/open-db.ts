import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { MIGRATIONS_DIR } from '../paths.js';
import { schema } from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Owner only: the database holds environment identifiers and raw client mail. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `file` empty with mode 0600 unless it exists. Created here, not by the library that fills
 * it, so it is never readable by others, not even for a moment, whatever the process umask.
 * Returns whether it was created.
 */
export function createPrivateFile(file: string): boolean {
  try {
    closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  // The umask can only take bits away, but a chmod makes the mode exact.
  chmodSync(file, PRIVATE_FILE_MODE);
  return true;
}

/** The files SQLite keeps beside a database in WAL mode (https://sqlite.org/wal.html#files). */
export const walFiles = (dbPath: string): string[] => [`${dbPath}-wal`, `${dbPath}-shm`];

/**
 * Opens (creating the folder and file when needed) and migrates the database.
 * WAL lets the CLI read while the daemon writes; foreign keys are off by default in SQLite.
 * A database this creates is 0600 in a folder created 0700; an existing one keeps its mode, which
 * `countersign doctor` checks (changing an operator's file behind their back would hide the problem).
 */
export function openDb(dbPath: string): Db {
  let created = false;
  if (dbPath !== ':memory:') {
    mkdirSync(path.dirname(dbPath), { recursive: true, mode: PRIVATE_DIR_MODE });
    created = createPrivateFile(dbPath);
  }
  const sqlite = new Database(dbPath);
  sqlite.pragma('journal_mode = WAL');
  // SQLite gives the -wal and -shm files the database file's mode; made exact here as well, since a
  // process with a looser umask may have created them before.
  if (created) for (const f of walFiles(dbPath)) if (existsSync(f)) chmodSync(f, PRIVATE_FILE_MODE);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // NORMAL in WAL mode survives a process crash; power-loss durability comes from makeDurable(),
  // called before the server or a recipient is told anything (src/db/durable.ts).
  sqlite.pragma('synchronous = NORMAL');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return db as Db;
}
