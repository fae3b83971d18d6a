import { loadConfig, type Config } from '../config.js';
import { openDb, type Db } from '../db/open-db.js';
import { registerDbSecrets } from '../db/register-db-secrets.js';
import { createLogger, type Logger } from '../logger.js';
import { CliError, processOut, type Out } from './output.js';

/** What every command needs, created on first use so `--help` never touches the database. */
export class CliContext {
  private _config?: Config;
  private _db?: Db;
  private _logger?: Logger;

  constructor(
    readonly env: NodeJS.ProcessEnv = process.env,
    readonly out: Out = processOut,
  ) {}

  get config(): Config {
    this._config ??= loadConfig(this.env);
    return this._config;
  }

  get logger(): Logger {
    this._logger ??= createLogger({ level: this.config.logLevel, pretty: this.config.logPretty });
    return this._logger;
  }

  get db(): Db {
    if (!this._db) {
      const dbPath = this.config.dbPath;
      try {
        this._db = openDb(dbPath);
      } catch (e) {
        // A path that cannot be opened (missing folder rights, not a database, a newer schema) is
        // the operator's to fix: name the variable and the file, no stack trace.
        const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        throw new CliError(`COUNTERSIGN_DB: cannot open the database ${dbPath}: ${reason} (${(e as Error).message.split('\n')[0]})`, 2, 'database');
      }
      registerDbSecrets(this._db);
    }
    return this._db;
  }

  close(): void {
    this._db?.$client.close();
    this._db = undefined;
  }
}
