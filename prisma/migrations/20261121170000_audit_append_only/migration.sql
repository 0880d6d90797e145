-- The audit trail is append-only in the database itself, not only by convention in the code.

-- DropForeignKey
-- Audit entries keep the connection's id as it was: ON DELETE SET NULL would rewrite history
-- (an UPDATE, which the trigger below refuses, and a change to hashed content).
ALTER TABLE "AuditEntry" DROP CONSTRAINT "AuditEntry_connectionId_fkey";

-- Refuses UPDATE, DELETE and TRUNCATE. The one way out is deleting the workspace itself: its
-- ON DELETE CASCADE removes the workspace's whole trail, and by then the workspace row is gone,
-- which is what the DELETE branch checks (a single entry of a living workspace cannot go).
CREATE FUNCTION "audit_entry_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'AuditEntry is append-only: TRUNCATE is refused'
      USING HINT = 'Audit entries are only removed with their workspace.';
  END IF;
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM "Workspace" w WHERE w."id" = OLD."workspaceId") THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'AuditEntry is append-only: % of entry % is refused', TG_OP, OLD."id"
    USING HINT = 'Audit entries are only removed with their workspace.';
END
$$;

CREATE TRIGGER "AuditEntry_append_only"
  BEFORE UPDATE OR DELETE ON "AuditEntry"
  FOR EACH ROW EXECUTE FUNCTION "audit_entry_append_only"();

CREATE TRIGGER "AuditEntry_no_truncate"
  BEFORE TRUNCATE ON "AuditEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_entry_append_only"();
