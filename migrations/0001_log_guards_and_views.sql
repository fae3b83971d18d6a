-- The event log is append-only: refuse edits and deletions at the database itself.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;
--> statement-breakpoint
-- For operators who open the file with sqlite3: one row per integration, no identifiers.
CREATE VIEW integration_status AS
SELECT i.app_id AS app, a.name AS app_name, i.client_id AS client, c.name AS client_name,
       i.stage AS stage, i.stage_since AS since, a.partner_id AS partner
FROM integrations i
JOIN apps a ON a.id = i.app_id
JOIN clients c ON c.id = i.client_id;
--> statement-breakpoint
CREATE VIEW event_log AS
SELECT e.seq, e.at, e.kind, e.app_id AS app, e.client_id AS client, e.from_stage, e.to_stage,
       e.cause_type, e.cause_ref, e.actor, e.evidence, e.hash
FROM events e;
