/**
 * What a stored conflict holds, read into one shape: the two ways its `values` are written (a
 * row per system for field conflicts, lib/sync/propagate/reconcile.ts; a record and the other
 * invoice for DUPLICATE and POSSIBLE_MATCH, lib/sync/link/invoices.ts), which actions fit it, and
 * the identity (`openKey`) it holds while open. Pure: the list and the resolver share it, so what
 * the inbox offers is exactly what the resolver accepts.
 */
import type { ConflictKind, ResolveActionName, ValueRow } from "./schemas";
import { ENTERABLE_FIELDS } from "./schemas";

export type StoredConflict = {
  kind: ConflictKind;
  status: "OPEN" | "RESOLVED" | "IGNORED";
  invoiceId: string | null;
  field: string | null;
  values: unknown;
};

type StoredRow = { connectionId?: unknown; provider?: unknown; externalId?: unknown; value?: unknown };
export type StoredMatch = { record: { connectionId: string | null; provider: string | null; externalId: string | null; invoiceId: string | null }; otherInvoiceId: string; confidence: number | null };

const MATCH_KINDS: ReadonlySet<ConflictKind> = new Set(["DUPLICATE", "POSSIBLE_MATCH"]);
/** The sentinel `take` uses for Concord's own (canonical) value. */
export const CONCORD = "CONCORD";

const str = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" || typeof v === "bigint" ? String(v) : null);
const systemOf = (provider: unknown): ValueRow["system"] => (provider === CONCORD ? "concord" : (String(provider).toLowerCase() as ValueRow["system"]));

/** Each system's value, Concord's first, each marked where it differs from Concord's. Empty for match kinds. */
export function valueRows(values: unknown): ValueRow[] {
  if (!Array.isArray(values)) return [];
  const rows = (values as StoredRow[]).filter((r) => r && typeof r === "object" && typeof r.provider === "string");
  const canonical = rows.find((r) => r.provider === CONCORD);
  const ordered = canonical ? [canonical, ...rows.filter((r) => r !== canonical)] : rows;
  const canonicalValue = canonical ? str(canonical.value) : null;
  // A connection with two records here (two customer records in one system) names each by record.
  const seen = new Map<string, number>();
  for (const r of ordered) if (str(r.connectionId)) seen.set(str(r.connectionId)!, (seen.get(str(r.connectionId)!) ?? 0) + 1);
  return ordered.map((r) => {
    const connectionId = str(r.connectionId);
    const value = str(r.value);
    return {
      system: systemOf(r.provider),
      source: connectionId ? ((seen.get(connectionId) ?? 0) > 1 ? `${connectionId}/${str(r.externalId)}` : connectionId) : CONCORD,
      connectionId,
      externalId: str(r.externalId),
      value,
      differs: canonical !== undefined && r !== canonical && value !== canonicalValue,
    };
  });
}

/** The record and the other invoice of a DUPLICATE or POSSIBLE_MATCH; null for other kinds. */
export function matchOf(kind: ConflictKind, values: unknown): StoredMatch | null {
  if (!MATCH_KINDS.has(kind) || !values || typeof values !== "object" || Array.isArray(values)) return null;
  const v = values as { record?: Record<string, unknown>; otherInvoiceId?: unknown; confidence?: unknown };
  const other = str(v.otherInvoiceId);
  if (!other) return null;
  const record = v.record ?? {};
  return {
    record: { connectionId: str(record.connectionId), provider: str(record.provider), externalId: str(record.externalId), invoiceId: str(record.invoiceId) },
    otherInvoiceId: other,
    confidence: typeof v.confidence === "number" ? v.confidence : null,
  };
}

/** What can be done with the conflict in its current state, in the order the inbox offers it. */
export function availableActions(c: StoredConflict): ResolveActionName[] {
  if (c.status !== "OPEN") return ["reopen"];
  const actions: ResolveActionName[] = [];
  const rows = valueRows(c.values);
  if (rows.some((r) => r.value !== null)) actions.push("take");
  if (rows.length > 0 && c.field && ENTERABLE_FIELDS.includes(c.field)) actions.push("enter");
  const match = matchOf(c.kind, c.values);
  if (match && c.kind === "DUPLICATE") actions.push("merge");
  if (match && c.kind === "POSSIBLE_MATCH") actions.push("confirm", "reject");
  actions.push("ignore");
  return actions;
}

/**
 * The identity an open conflict holds, as its raiser writes it: `${kind}:${invoiceId}:${field}`
 * for a field (reconcile.ts), `${kind}:${both invoice ids sorted}` for a match (link/invoices.ts).
 * Null when the conflict has neither (it then reopens without one).
 */
export function openKeyOf(c: Pick<StoredConflict, "kind" | "invoiceId" | "field" | "values">): string | null {
  const match = matchOf(c.kind, c.values);
  if (match && c.invoiceId) return `${c.kind}:${[c.invoiceId, match.otherInvoiceId].sort().join(":")}`;
  if (c.invoiceId && c.field) return `${c.kind}:${c.invoiceId}:${c.field}`;
  return null;
}
