-- Each deal keeps the set of stages its effective history entered, so the
-- funnel is one pass over deals instead of a pass over every event. The set is
-- derived from deal_events alone (stage moves, minus undo events and the
-- moves they took back) and kept by a trigger, so every write path (updates,
-- undo, edits, imports, seeds) maintains it without knowing about it.
ALTER TABLE "deals" ADD COLUMN "reached_stages" text[] DEFAULT '{}'::text[] NOT NULL;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION pipebot_track_reached_stages() RETURNS trigger AS $$
BEGIN
  UPDATE deals d SET reached_stages = r.stages
  FROM (
    SELECT a.deal_id, coalesce((
      SELECT array_agg(DISTINCT e.to_stage ORDER BY e.to_stage)
      FROM deal_events e
      WHERE e.deal_id = a.deal_id AND e.to_stage IS NOT NULL AND e.kind <> 'undo'
        AND NOT EXISTS (SELECT 1 FROM deal_events u WHERE u.reverts_event_id = e.id)
    ), '{}'::text[]) AS stages
    FROM (SELECT DISTINCT deal_id FROM new_events
          WHERE to_stage IS NOT NULL OR reverts_event_id IS NOT NULL) a
  ) r
  WHERE d.id = r.deal_id AND d.reached_stages IS DISTINCT FROM r.stages;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DROP TRIGGER IF EXISTS deal_events_reached_stages ON deal_events;
--> statement-breakpoint
CREATE TRIGGER deal_events_reached_stages AFTER INSERT ON deal_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION pipebot_track_reached_stages();
--> statement-breakpoint
UPDATE deals d SET reached_stages = r.stages
FROM (
  SELECT e.deal_id, array_agg(DISTINCT e.to_stage ORDER BY e.to_stage) AS stages
  FROM deal_events e
  WHERE e.to_stage IS NOT NULL AND e.kind <> 'undo'
    AND NOT EXISTS (SELECT 1 FROM deal_events u WHERE u.reverts_event_id = e.id)
  GROUP BY e.deal_id
) r
WHERE d.id = r.deal_id;
