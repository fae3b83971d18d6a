import { loadConfig, type Config } from '../config.js';
import { openDb, type Db } from '../db/open-db.js';
import { registerDbSecrets } from '../db/register-db-secrets.js';
import { createLogger, type Logger } from '../logger.js';
import { processOut, type Out } from './output.js';

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
      this._db = openDb(this.config.dbPath);
      registerDbSecrets(this._db);
    }
    return this._db;
  }

  close(): void {
    this._db?.$client.close();
    this._db = undefined;
  }
}
