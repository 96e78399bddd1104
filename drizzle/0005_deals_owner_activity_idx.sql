DROP INDEX "deals_workspace_owner_idx";--> statement-breakpoint
CREATE INDEX "deals_workspace_owner_idx" ON "deals" USING btree ("workspace_id","owner_id","status","last_activity_at");