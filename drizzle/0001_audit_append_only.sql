-- The audit trail is append-only: history is corrected by new events, never rewritten.
CREATE OR REPLACE FUNCTION pipebot_refuse_event_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'deal_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DROP TRIGGER IF EXISTS deal_events_append_only ON deal_events;
--> statement-breakpoint
CREATE TRIGGER deal_events_append_only BEFORE UPDATE OR DELETE ON deal_events
  FOR EACH ROW EXECUTE FUNCTION pipebot_refuse_event_change();
