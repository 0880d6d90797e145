/**
 * Matching at scale: 100k invoices as three systems hold them (numbers written three ways, some
 * missing, customers spelled differently, a few amounts off), linked by lib/matching exactly as
 * ingest does, system after system. Reports the time, how many records each rule linked, and how
 * many links are right (the generator knows the truth). Target: 100k invoices x 3 systems in
 * seconds; every link correct.
 *
 *   npm run bench:matching [-- --invoices 100000]
 */
import { parseArgs } from "node:util";
import { InvoiceIndex, matchInvoices, type Incoming } from "../lib/matching/invoices";
import { normalizeInvoiceNumber, normalizeName } from "../lib/normalize/customer";
import { Rng } from "../lib/sandbox/core/rng";

const { values } = parseArgs({ options: { invoices: { type: "string", default: "100000" } } });
const N = Number(values.invoices);
const TARGET_SECONDS = 10;
const rng = new Rng("matching-bench");

const SUFFIXES = ["Inc", "Inc.", "LLC", "Ltd", "GmbH", "", ""];
const customers = Array.from({ length: Math.max(10, Math.floor(N / 20)) }, (_, i) => `Customer ${i} Trading`);
const truth = Array.from({ length: N }, (_, i) => ({
  key: i,
  number: 1000 + i,
  customer: rng.pick(customers),
  currency: rng.pick(["USD", "EUR", "GBP", "JPY"]),
  totalMinor: BigInt(rng.int(100, 5_000_000)),
  issueDate: new Date(Date.UTC(2026, 0, 1) + rng.int(0, 320) * 86_400_000).toISOString().slice(0, 10),
}));

type System = { id: string; write: (n: number) => string | null; nameOf: (c: string) => string; amountOff: number; withoutNumber: number };
const systems: System[] = [
  { id: "stripe", write: (n) => `INV-${String(n).padStart(6, "0")}`, nameOf: (c) => c, amountOff: 0, withoutNumber: 0.02 },
  { id: "quickbooks", write: (n) => String(n), nameOf: (c) => `${c.toUpperCase()} ${rng.pick(SUFFIXES)}`, amountOff: 0.01, withoutNumber: 0 },
  { id: "hubspot", write: (n) => `#${n}`, nameOf: (c) => `  ${c}  ${rng.pick(SUFFIXES)}`, amountOff: 0.005, withoutNumber: 0.3 },
];

const recordTruth = new Map<string, number>();
const incomingOf = (system: System): Incoming[] =>
  truth.map((t) => {
    const recordId = `${system.id}:${t.key}`;
    recordTruth.set(recordId, t.key);
    const number = rng.chance(system.withoutNumber) ? null : system.write(t.number);
    return {
      recordId,
      connectionId: system.id,
      crossReference: null,
      normalizedNumber: normalizeInvoiceNumber(number),
      currency: t.currency,
      totalMinor: rng.chance(system.amountOff) ? t.totalMinor + 1n : t.totalMinor,
      customerId: null,
      customerKey: normalizeName(system.nameOf(t.customer)),
      issueDate: t.issueDate,
    };
  });

// Timed from normalization on: names and numbers are normalized during ingest too.
const started = performance.now();
const batches = systems.map(incomingOf);
const index = new InvoiceIndex();
const invoiceTruth = new Map<string, number>();
const rules: Record<string, number> = {};
let wrong = 0;
let unlinked = 0;
let possible = 0;
for (const batch of batches) {
  const decisions = matchInvoices(batch, index, (recordId) => `inv:${recordId}`);
  for (const d of decisions) {
    const key = recordTruth.get(d.recordId)!;
    if (d.kind === "new") {
      invoiceTruth.set(d.invoiceId, key);
      rules.NEW = (rules.NEW ?? 0) + 1;
      if (!d.recordId.startsWith("stripe:")) unlinked++;
      if (d.possibleMatch) possible++;
    } else {
      rules[d.rule] = (rules[d.rule] ?? 0) + 1;
      if (invoiceTruth.get(d.invoiceId) !== key) wrong++;
    }
  }
}
const seconds = (performance.now() - started) / 1000;
const records = N * systems.length;
console.log(`${records.toLocaleString()} records (${N.toLocaleString()} invoices x ${systems.length} systems) matched in ${seconds.toFixed(2)} s (${Math.round(records / seconds).toLocaleString()} records/s)`);
console.log(`by rule: ${JSON.stringify(rules)}; wrong links: ${wrong}; records left for a person: ${unlinked} (${possible} with a suggested match)`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
console.log(JSON.stringify({ bench: "matching", invoices: N, records, seconds: Number(seconds.toFixed(2)), wrongLinks: wrong, unlinked, possibleMatches: possible }));
process.exitCode = seconds <= TARGET_SECONDS && wrong === 0 ? 0 : 1;
