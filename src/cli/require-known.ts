import type { Db } from '../db/open-db.js';
import { CliError } from './output.js';

/**
 * A filter naming an app or client the records have never heard of is a typo, not "nothing yet":
 * say so (exit 1) instead of printing an empty list that reads as a healthy answer.
 */
export function requireKnown(db: Db, filter: { app?: string | undefined; client?: string | undefined }): void {
  const known = (table: 'apps' | 'clients', column: 'app_id' | 'client_id', id: string): boolean =>
    db.$client.prepare(`SELECT 1 FROM ${table} WHERE id = ? UNION ALL SELECT 1 FROM events WHERE ${column} = ? LIMIT 1`).get(id, id) !== undefined;
  if (filter.app !== undefined && !known('apps', 'app_id', filter.app)) {
    throw new CliError(`no app "${filter.app}" in the registry or the log; list them with \`countersign status\``, 1, 'not_found');
  }
  if (filter.client !== undefined && !known('clients', 'client_id', filter.client)) {
    throw new CliError(`no client "${filter.client}" in the registry or the log; list them with \`countersign status\``, 1, 'not_found');
  }
}
