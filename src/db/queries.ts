import type { Db } from './open-db.js';

/** One integration as operators see it: never an identifier. */
export interface StatusRow {
  app: string;
  appName: string;
  client: string;
  clientName: string;
  partner: string;
  stage: string;
  since: string;
}

export interface LogRow {
  seq: number;
  at: string;
  kind: string;
  app: string | null;
  client: string | null;
  from: string | null;
  to: string | null;
  causeType: string;
  causeRef: string | null;
  actor: string;
  evidence: unknown;
  hash: string;
}

export interface ListFilter {
  app?: string | undefined;
  client?: string | undefined;
  since?: string | undefined;
}

/** Reads the `integration_status` view, the same one documented for sqlite3 users. */
export function listStatus(db: Db, f: ListFilter = {}): StatusRow[] {
  return db.$client
    .prepare(
      `SELECT app, app_name AS appName, client, client_name AS clientName, partner, stage, since
       FROM integration_status
       WHERE (@app IS NULL OR app = @app) AND (@client IS NULL OR client = @client)
       ORDER BY app, client`,
    )
    .all({ app: f.app ?? null, client: f.client ?? null }) as StatusRow[];
}

/** Reads the `event_log` view. `since` is an ISO 8601 date or date-time (compared as text, UTC). */
export function listEvents(db: Db, f: ListFilter = {}): LogRow[] {
  const rows = db.$client
    .prepare(
      `SELECT seq, at, kind, app, client, from_stage AS "from", to_stage AS "to", cause_type AS causeType,
              cause_ref AS causeRef, actor, evidence, hash
       FROM event_log
       WHERE (@app IS NULL OR app = @app) AND (@client IS NULL OR client = @client) AND (@since IS NULL OR at >= @since)
       ORDER BY seq`,
    )
    .all({ app: f.app ?? null, client: f.client ?? null, since: f.since ?? null }) as (Omit<LogRow, 'evidence'> & { evidence: string })[];
  return rows.map((r) => ({ ...r, evidence: JSON.parse(r.evidence) as unknown }));
}
