CREATE TABLE "deal_nudges" (
	"deal_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"last_nudged_at" timestamp with time zone,
	"snoozed_until" date,
	"snoozed_by" uuid,
	"snoozed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "deal_nudges" ADD CONSTRAINT "deal_nudges_deal_id_deals_id_fk" FOREIGN KEY ("deal_id") REFERENCES "public"."deals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_nudges" ADD CONSTRAINT "deal_nudges_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_nudges" ADD CONSTRAINT "deal_nudges_snoozed_by_members_id_fk" FOREIGN KEY ("snoozed_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deal_nudges_workspace_idx" ON "deal_nudges" USING btree ("workspace_id");