ALTER TABLE `integrations` ADD `stage_event_seq` integer;--> statement-breakpoint
-- Existing rows: point each integration at the latest stage_change event that recorded it.
UPDATE `integrations` SET `stage_event_seq` =
  (SELECT max(e.seq) FROM events e WHERE e.kind = 'stage_change' AND e.integration_id = integrations.id);
--> statement-breakpoint
-- The stage is a projection of the event log. A new integration starts pending with no event; any
-- later stage change must carry the seq of the stage_change event, written in the same transaction,
-- that records exactly this change (same integration, from the old stage, to the new one, at the
-- same time) and is the newest stage event of that integration.
CREATE TRIGGER integrations_insert_pending BEFORE INSERT ON integrations
WHEN NEW.stage IS NOT 'pending' OR NEW.stage_event_seq IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'integrations.stage changes only with its stage_change event: insert as pending, then record the event'); END;
--> statement-breakpoint
CREATE TRIGGER integrations_stage_needs_event BEFORE UPDATE OF stage, stage_since, stage_event_seq ON integrations
WHEN NOT (NEW.stage IS OLD.stage AND NEW.stage_since IS OLD.stage_since AND NEW.stage_event_seq IS OLD.stage_event_seq)
 AND NOT EXISTS (
  SELECT 1 FROM events e
  WHERE e.seq = NEW.stage_event_seq AND e.kind = 'stage_change' AND e.integration_id = NEW.id
    AND e.app_id IS NEW.app_id AND e.client_id IS NEW.client_id
    AND e.to_stage IS NEW.stage AND e.at IS NEW.stage_since
    AND (e.from_stage IS OLD.stage OR (e.from_stage IS NULL AND OLD.stage_event_seq IS NULL))
    AND e.seq > coalesce(OLD.stage_event_seq, 0)
    AND e.seq = (SELECT max(x.seq) FROM events x WHERE x.kind = 'stage_change' AND x.integration_id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'integrations.stage changes only with its stage_change event'); END;
--> statement-breakpoint
CREATE TRIGGER integrations_identity_fixed BEFORE UPDATE OF id, app_id, client_id ON integrations
WHEN NEW.id IS NOT OLD.id OR NEW.app_id IS NOT OLD.app_id OR NEW.client_id IS NOT OLD.client_id
BEGIN SELECT RAISE(ABORT, 'an integration keeps its id, app and client; its history is in the event log'); END;
--> statement-breakpoint
CREATE TRIGGER integrations_no_delete BEFORE DELETE ON integrations
BEGIN SELECT RAISE(ABORT, 'integrations are never deleted: their history is in the event log'); END;
