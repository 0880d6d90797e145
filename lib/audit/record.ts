/**
 * Appends to the audit trail. Entries are chained per workspace: each hash covers the entry's
 * content and the previous entry's hash, so a changed or deleted row breaks the chain. Appends in
 * one workspace are serialized with a transaction-scoped advisory lock so the chain never forks.
 */
import { createHash } from "node:crypto";
import type { ActorType, DbOrTx } from "../db";
import type { Prisma } from "../db/generated/client";

export type Actor =
  | { type: "USER"; id: string; label: string }
  | { type: "API_KEY"; id: string; label: string }
  | { type: "SYSTEM"; id?: string; label: string };

export type AuditInput = {
  workspaceId: string;
  actor: Actor;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  connectionId?: string | null;
  changes?: Prisma.InputJsonValue;
  correlationId?: string | null;
};

/** Canonical JSON: keys sorted at every depth, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function entryHash(prevHash: string | null, content: Record<string, unknown>): string {
  return createHash("sha256").update(`${prevHash ?? ""}\n${canonicalJson(content)}`).digest("hex");
}

/** The stored fields an entry's hash covers (everything but id, prevHash and hash). */
export type EntryFields = {
  workspaceId: string;
  at: Date;
  actorType: ActorType;
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  connectionId: string | null;
  changes: unknown;
  correlationId: string | null;
};

/** An entry as stored: the hashed fields, its id and its links in the chain. */
export type StoredEntry = EntryFields & { id: bigint; prevHash: string | null; hash: string };

/**
 * What an entry's hash covers, built the same way when writing (recordAudit) and when checking
 * (verify.ts). `changes` goes through JSON as the database stores it (a Date becomes its ISO
 * string, an undefined key disappears), so a row read back hashes to what was written.
 */
export function entryContent(fields: EntryFields): Record<string, unknown> {
  return {
    workspaceId: fields.workspaceId,
    at: fields.at.toISOString(),
    actorType: fields.actorType,
    actorId: fields.actorId,
    actorLabel: fields.actorLabel,
    action: fields.action,
    subjectType: fields.subjectType,
    subjectId: fields.subjectId,
    connectionId: fields.connectionId,
    changes: fields.changes === undefined || fields.changes === null ? null : JSON.parse(JSON.stringify(fields.changes)),
    correlationId: fields.correlationId,
  };
}

/** Must run inside a transaction (`tx`), together with the change it records. Returns the new entry's id (a decimal string) and hash. */
export async function recordAudit(tx: DbOrTx, input: AuditInput): Promise<{ id: string; hash: string }> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`audit:${input.workspaceId}`}))`;
  const last = await tx.auditEntry.findFirst({
    where: { workspaceId: input.workspaceId },
    orderBy: { id: "desc" },
    select: { hash: true },
  });
  const fields: EntryFields = {
    workspaceId: input.workspaceId,
    at: new Date(),
    actorType: input.actor.type as ActorType,
    actorId: input.actor.id ?? null,
    actorLabel: input.actor.label,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId ?? null,
    connectionId: input.connectionId ?? null,
    changes: input.changes ?? null,
    correlationId: input.correlationId ?? null,
  };
  const prevHash = last?.hash ?? null;
  const hash = entryHash(prevHash, entryContent(fields));
  const created = await tx.auditEntry.create({
    data: { ...fields, changes: input.changes ?? undefined, prevHash, hash },
    select: { id: true },
  });
  return { id: created.id.toString(), hash };
}
