/**
 * Which canonical invoice a provider's invoice record describes. Pure and deterministic: the same
 * candidates and records in the same order give the same decisions, so matching can be re-run and
 * benchmarked without a database.
 *
 * The rules, strongest first:
 * 1. a cross-reference Concord wrote itself (Stripe metadata, QBO PrivateNote, Xero Reference,
 *    HubSpot property) names the invoice: certain;
 * 2. the normalized invoice number ("INV-0042" = "42") with the same currency: strong, unless the
 *    customers are known on both sides and differ;
 * 3. customer + amount + currency + issue date within a window: scored; only a strong score
 *    links, a weaker one becomes a POSSIBLE_MATCH for a person to confirm.
 * Two records of one connection never join one invoice: the second starts its own invoice and a
 * DUPLICATE is raised.
 */

export type MatchRule = "CROSS_REFERENCE" | "NUMBER" | "DETAILS";

/** A canonical invoice as matching sees it. */
export type Candidate = {
  id: string;
  normalizedNumber: string | null;
  currency: string;
  totalMinor: bigint;
  /** Canonical customer id, when known. */
  customerId: string | null;
  /** Normalized customer name, when known (customers not yet linked still compare by name). */
  customerKey: string | null;
  issueDate: string | null;
  /** Connections that already hold a record of this invoice. */
  connectionIds: Set<string>;
};

/** A provider invoice record waiting to be linked. */
export type Incoming = {
  recordId: string;
  connectionId: string;
  crossReference: string | null;
  normalizedNumber: string | null;
  currency: string;
  totalMinor: bigint;
  customerId: string | null;
  customerKey: string | null;
  issueDate: string | null;
};

export type Decision =
  | { kind: "link"; recordId: string; invoiceId: string; rule: MatchRule; confidence: number }
  /** A new canonical invoice starts from this record, with the id `newId` gave it. */
  | {
      kind: "new";
      recordId: string;
      invoiceId: string;
      possibleMatch: { invoiceId: string; confidence: number } | null;
      duplicateOf: string | null;
    };

/** Confidence at or above which the details rule links on its own. */
export const LINK_THRESHOLD = 90;
/** Below this a details candidate is not worth a person's time. */
export const SUGGEST_THRESHOLD = 50;
/** Issue dates further apart than this never match by details. */
export const DATE_WINDOW_DAYS = 7;

const DAY_MS = 86_400_000;

function daysBetween(a: string, b: string): number {
  return Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / DAY_MS;
}

/** Known on both sides and different: a real difference, not a missing value. */
function differs(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a !== b;
}

function sameCustomer(incoming: Incoming, candidate: Candidate): boolean | null {
  if (incoming.customerId && candidate.customerId) return incoming.customerId === candidate.customerId;
  if (incoming.customerKey && candidate.customerKey) return incoming.customerKey === candidate.customerKey;
  return null;
}

/** 0-100: how likely `candidate` is the invoice `incoming` describes, by its details alone. */
/**
 * Whether `copy` is `original`'s number, or that number with something added (QuickBooks makes a
 * copy's number unique that way: "1065" → "1065-2"). One way only: the original seen after its
 * copy is not the duplicate (lib/sync/review.ts finds such a copy once all records are in).
 */
function copyNumber(copy: string | null, original: string | null): boolean {
  if (!copy || !original) return true;
  return copy.startsWith(original);
}

export function detailsScore(incoming: Incoming, candidate: Candidate): number {
  if (incoming.currency !== candidate.currency || incoming.totalMinor !== candidate.totalMinor) return 0;
  if (!incoming.issueDate || !candidate.issueDate) return 0;
  const days = daysBetween(incoming.issueDate, candidate.issueDate);
  if (days > DATE_WINDOW_DAYS) return 0;
  const customer = sameCustomer(incoming, candidate);
  if (customer === false) return 0;
  let score = 45;
  if (customer === true) score += 35;
  score += days === 0 ? 15 : days <= 3 ? 8 : 2;
  if (differs(incoming.normalizedNumber, candidate.normalizedNumber)) score -= 30;
  return Math.max(0, Math.min(99, score));
}

export class InvoiceIndex {
  private readonly byId = new Map<string, Candidate>();
  private readonly byNumber = new Map<string, Candidate[]>();
  private readonly byAmount = new Map<string, Candidate[]>();

  constructor(candidates: Iterable<Candidate> = []) {
    for (const candidate of candidates) this.add(candidate);
  }

  add(candidate: Candidate): void {
    this.byId.set(candidate.id, candidate);
    if (candidate.normalizedNumber) push(this.byNumber, candidate.normalizedNumber, candidate);
    push(this.byAmount, amountKey(candidate.currency, candidate.totalMinor), candidate);
  }

  get(id: string): Candidate | undefined {
    return this.byId.get(id);
  }

  withNumber(number: string): Candidate[] {
    return this.byNumber.get(number) ?? [];
  }

  withAmount(currency: string, totalMinor: bigint): Candidate[] {
    return this.byAmount.get(amountKey(currency, totalMinor)) ?? [];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const amountKey = (currency: string, totalMinor: bigint) => `${currency}:${totalMinor}`;

/** Ids break ties so that the order candidates were loaded in never changes a decision. */
const byId = (a: Candidate, b: Candidate) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function decide(incoming: Incoming, index: InvoiceIndex, newId: (recordId: string) => string): Decision {
  const { recordId, connectionId } = incoming;
  const fresh = (possibleMatch: { invoiceId: string; confidence: number } | null, duplicateOf: string | null): Decision => ({
    kind: "new",
    recordId,
    invoiceId: newId(recordId),
    possibleMatch,
    duplicateOf,
  });

  if (incoming.crossReference) {
    const named = index.get(incoming.crossReference);
    if (named) {
      if (named.connectionIds.has(connectionId)) return fresh(null, named.id);
      return { kind: "link", recordId, invoiceId: named.id, rule: "CROSS_REFERENCE", confidence: 100 };
    }
  }

  let weakest: { invoiceId: string; confidence: number } | null = null;
  if (incoming.normalizedNumber) {
    const sameNumber = index.withNumber(incoming.normalizedNumber).slice().sort(byId);
    const taken = sameNumber.find((c) => c.connectionIds.has(connectionId) && c.currency === incoming.currency);
    if (taken) return fresh(null, taken.id);
    const plausible = sameNumber.filter((c) => c.currency === incoming.currency && sameCustomer(incoming, c) !== false);
    if (plausible.length === 1) {
      const candidate = plausible[0]!;
      return { kind: "link", recordId, invoiceId: candidate.id, rule: "NUMBER", confidence: candidate.totalMinor === incoming.totalMinor ? 95 : 85 };
    }
    // The same number in another currency, or for another customer: worth a look, never a link.
    const first = sameNumber.find((c) => !c.connectionIds.has(connectionId));
    if (first) weakest = { invoiceId: first.id, confidence: 40 };
  }

  const scored = index
    .withAmount(incoming.currency, incoming.totalMinor)
    .filter((c) => !c.connectionIds.has(connectionId))
    .map((candidate) => ({ candidate, score: detailsScore(incoming, candidate) }))
    .filter((s) => s.score >= SUGGEST_THRESHOLD)
    .sort((a, b) => b.score - a.score || byId(a.candidate, b.candidate));
  const best = scored[0];
  if (best) {
    const tied = scored.length > 1 && scored[1]!.score === best.score;
    if (best.score >= LINK_THRESHOLD && !tied) return { kind: "link", recordId, invoiceId: best.candidate.id, rule: "DETAILS", confidence: best.score };
  }
  // Entered twice in one system: the same customer, amount and date as an invoice this connection
  // already holds, under the same number or one that extends it (a copy renumbered "INV-7-2").
  const twin = index
    .withAmount(incoming.currency, incoming.totalMinor)
    .filter((c) => c.connectionIds.has(connectionId) && copyNumber(incoming.normalizedNumber, c.normalizedNumber) && detailsScore({ ...incoming, normalizedNumber: c.normalizedNumber }, c) >= LINK_THRESHOLD)
    .sort(byId)[0];
  if (twin) return fresh(null, twin.id);
  if (best) {
    // Ambiguous or weak: a person decides.
    return fresh({ invoiceId: best.candidate.id, confidence: Math.min(best.score, LINK_THRESHOLD - 1) }, null);
  }
  return fresh(weakest, null);
}

/**
 * Decides every record in order. Links and new invoices join the index as they are decided, so
 * a later record (of another connection) can match an invoice an earlier one started.
 */
export function matchInvoices(records: Incoming[], index: InvoiceIndex, newId: (recordId: string) => string = (id) => `new:${id}`): Decision[] {
  const decisions: Decision[] = [];
  for (const incoming of records) {
    const decision = decide(incoming, index, newId);
    decisions.push(decision);
    if (decision.kind === "link") {
      index.get(decision.invoiceId)!.connectionIds.add(incoming.connectionId);
    } else {
      index.add({
        id: decision.invoiceId,
        normalizedNumber: incoming.normalizedNumber,
        currency: incoming.currency,
        totalMinor: incoming.totalMinor,
        customerId: incoming.customerId,
        customerKey: incoming.customerKey,
        issueDate: incoming.issueDate,
        connectionIds: new Set([incoming.connectionId]),
      });
    }
  }
  return decisions;
}
