import type { Db } from './open-db.js';

/** One way an integration row disagrees with what its stage_change events say. */
export type StageDrift =
  | { kind: 'stage_differs'; integrationId: number; app: string; client: string; recorded: string; replayed: string; lastSeq: number | null }
  | { kind: 'event_pointer_differs'; integrationId: number; app: string; client: string; recorded: number | null; replayed: number | null }
  | { kind: 'row_missing'; integrationId: number; app: string | null; client: string | null; lastSeq: number }
  | { kind: 'identity_differs'; integrationId: number; seq: number; app: string; client: string; eventApp: string | null; eventClient: string | null }
  | { kind: 'sequence_broken'; integrationId: number; seq: number; expectedFrom: string; from: string | null };

interface EventRow {
  seq: number;
  integrationId: number;
  appId: string | null;
  clientId: string | null;
  fromStage: string | null;
  toStage: string | null;
}

interface Replayed {
  stage: string;
  lastSeq: number;
  app: string | null;
  client: string | null;
}

/**
 * Replays every stage_change event in log order and compares each integration row with the result.
 * The trigger of migration 0007 prevents drift through Countersign's own path; this finds drift made
 * with the triggers dropped (or in a copy restored from elsewhere), naming every difference.
 */
export function replayStages(db: Db): StageDrift[] {
  const drifts: StageDrift[] = [];
  const replay = new Map<number, Replayed>();
  const rows = db.$client
    .prepare(
      `SELECT seq, integration_id AS integrationId, app_id AS appId, client_id AS clientId,
              from_stage AS fromStage, to_stage AS toStage
       FROM events WHERE kind = 'stage_change' AND integration_id IS NOT NULL ORDER BY seq`,
    )
    .iterate() as IterableIterator<EventRow>;
  for (const e of rows) {
    const before = replay.get(e.integrationId);
    const current = before?.stage ?? 'pending';
    // A registry import registers a stage outright (from null), but only as an integration's first event.
    const chains = e.fromStage === current || (e.fromStage === null && before === undefined);
    if (!chains) drifts.push({ kind: 'sequence_broken', integrationId: e.integrationId, seq: e.seq, expectedFrom: current, from: e.fromStage });
    replay.set(e.integrationId, { stage: e.toStage ?? current, lastSeq: e.seq, app: e.appId, client: e.clientId });
  }
  const integrations = db.$client
    .prepare('SELECT id, app_id AS app, client_id AS client, stage, stage_event_seq AS eventSeq FROM integrations ORDER BY id')
    .all() as { id: number; app: string; client: string; stage: string; eventSeq: number | null }[];
  const seen = new Set<number>();
  for (const i of integrations) {
    seen.add(i.id);
    const r = replay.get(i.id);
    const replayed = r?.stage ?? 'pending';
    if (r && (r.app !== i.app || r.client !== i.client)) {
      drifts.push({ kind: 'identity_differs', integrationId: i.id, seq: r.lastSeq, app: i.app, client: i.client, eventApp: r.app, eventClient: r.client });
    }
    if (replayed !== i.stage) {
      drifts.push({ kind: 'stage_differs', integrationId: i.id, app: i.app, client: i.client, recorded: i.stage, replayed, lastSeq: r?.lastSeq ?? null });
    } else if ((r?.lastSeq ?? null) !== i.eventSeq) {
      drifts.push({ kind: 'event_pointer_differs', integrationId: i.id, app: i.app, client: i.client, recorded: i.eventSeq, replayed: r?.lastSeq ?? null });
    }
  }
  for (const [id, r] of replay) {
    if (!seen.has(id)) drifts.push({ kind: 'row_missing', integrationId: id, app: r.app, client: r.client, lastSeq: r.lastSeq });
  }
  return drifts;
}

export function explainStageDrift(d: StageDrift): string {
  switch (d.kind) {
    case 'stage_differs':
      return `integration ${d.app}/${d.client} is recorded at ${d.recorded} but its events replay to ${d.replayed}${d.lastSeq === null ? ' (no stage event)' : ` (last stage event ${d.lastSeq})`}`;
    case 'event_pointer_differs':
      return `integration ${d.app}/${d.client} points at stage event ${d.recorded ?? 'none'} but its latest stage event is ${d.replayed ?? 'none'}`;
    case 'row_missing':
      return `integration ${d.integrationId} (${d.app ?? '?'}/${d.client ?? '?'}) has stage events up to ${d.lastSeq} but no row: it was deleted`;
    case 'identity_differs':
      return `integration ${d.integrationId} is recorded as ${d.app}/${d.client} but its event ${d.seq} names ${d.eventApp ?? '?'}/${d.eventClient ?? '?'}`;
    case 'sequence_broken':
      return `event ${d.seq} moves integration ${d.integrationId} from ${d.from ?? '(registered)'} but the replay had it at ${d.expectedFrom}`;
    default: {
      const never: never = d;
      return never;
    }
  }
}
