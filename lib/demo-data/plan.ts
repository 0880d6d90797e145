/**
 * Which demo invoices are made to disagree across systems, and how: a pure plan drawn from the
 * shared seed, so the same seed always picks the same invoices. Targets are open invoices that
 * Xero holds as plain sales invoices without tax (Xero's seed turns some invoices into bills and
 * adds tax to others), so each one differs in exactly the way the plan says.
 */
import type { ProviderId } from "../connectors/types";
import { currencyExponent, generateSeed } from "../sandbox/core/seed";
import type { DemoSeed } from "./control";

export type InconsistencyKind = "status" | "amount" | "number_format" | "duplicate" | "missing_elsewhere" | "customer_name";

/** One deliberate difference: which system holds the odd value, for which invoice. */
export type Inconsistency = { kind: InconsistencyKind; provider: ProviderId; invoiceNumber: string; detail: string };

export type DemoPlan = {
  /** Paid in Stripe, still open in QuickBooks, Xero and HubSpot. */
  paidInStripe: string[];
  /** One more unit on the first line in Xero. */
  amountInXero: string[];
  /** HubSpot writes the number without prefix and zeros: "INV-01042" as "1042". */
  numberInHubspot: { number: string; written: string }[];
  /** Entered twice in QuickBooks (the copy numbered "<number>-2", as QuickBooks forces). */
  duplicateInQuickbooks: string[];
  /** An invoice only Stripe has, for the customer of `customerOf`. */
  onlyInStripe: { number: string; customerOf: string; currency: string; description: string; amountMinor: number };
  /** The customer of `invoiceNumber` spelled differently in QuickBooks. */
  customerInQuickbooks: { invoiceNumber: string; name: string; misspelled: string };
};

export const PLAN_SIZES = { paidInStripe: 10, amountInXero: 3, numberInHubspot: 3, duplicateInQuickbooks: 1 } as const;

/** "INV-01042" → "1042": how people retype a number in a CRM. */
export function bareNumber(number: string): string {
  return number.replace(/^[A-Za-z]+-?0*/, "") || number;
}

/** A typo: two neighbouring letters swapped in the longest word ("Holdings" → "Hodlings"). */
export function misspell(name: string): string {
  const clean = name.trim().replace(/\s+/g, " ");
  const words = clean.split(" ");
  const longest = words.reduce((best, w, i) => (w.length > words[best]!.length ? i : best), 0);
  const word = words[longest]!;
  for (let i = Math.min(2, word.length - 2); i >= 0 && i < word.length - 1; i++) {
    const [a, b] = [word[i]!, word[i + 1]!];
    if (a.toLowerCase() !== b.toLowerCase() && /\p{L}/u.test(a) && /\p{L}/u.test(b)) {
      words[longest] = word.slice(0, i) + b + a + word.slice(i + 2);
      return words.join(" ");
    }
  }
  return `${clean}.`; // no two letters to swap: a stray full stop is a difference too
}

/**
 * The plan for `seed`. `cleanInXero(number)` says whether Xero holds that invoice as a sales
 * invoice without tax. Throws when the seed is too small to pick every target.
 */
export function planInconsistencies(seed: DemoSeed, cleanInXero: (number: string) => boolean): DemoPlan {
  const { customers, invoices } = generateSeed(seed);
  const candidates = invoices.filter((inv) => inv.state === "open" && cleanInXero(inv.number));
  const needed = Object.values(PLAN_SIZES).reduce((a, b) => a + b, 0) + 1;
  if (candidates.length < needed) throw new Error(`The demo seed has ${candidates.length} open invoices Xero holds without tax; the plan needs ${needed}`);
  let next = 0;
  const take = (n: number) => candidates.slice(next, (next += n));
  const paidInStripe = take(PLAN_SIZES.paidInStripe).map((i) => i.number);
  const amountInXero = take(PLAN_SIZES.amountInXero).map((i) => i.number);
  const numberInHubspot = take(PLAN_SIZES.numberInHubspot).map((i) => ({ number: i.number, written: bareNumber(i.number) }));
  const duplicateInQuickbooks = take(PLAN_SIZES.duplicateInQuickbooks).map((i) => i.number);
  const renamed = take(1)[0]!;
  const name = customers.find((c) => c.key === renamed.customerKey)!.name.trim().replace(/\s+/g, " ");
  const host = candidates[0]!;
  return {
    paidInStripe,
    amountInXero,
    numberInHubspot,
    duplicateInQuickbooks,
    onlyInStripe: {
      number: `INV-${String(1001 + invoices.length).padStart(5, "0")}`,
      customerOf: host.number,
      currency: host.currency,
      description: "Rush delivery",
      amountMinor: 450 * 10 ** currencyExponent(host.currency),
    },
    customerInQuickbooks: { invoiceNumber: renamed.number, name, misspelled: misspell(name) },
  };
}

/** The plan as a list, for people to read (and tests to check). */
export function describePlan(plan: DemoPlan): Inconsistency[] {
  return [
    ...plan.paidInStripe.map((n): Inconsistency => ({ kind: "status", provider: "stripe", invoiceNumber: n, detail: "paid in Stripe, open in QuickBooks, Xero and HubSpot" })),
    ...plan.amountInXero.map((n): Inconsistency => ({ kind: "amount", provider: "xero", invoiceNumber: n, detail: "one more unit on the first line in Xero" })),
    ...plan.numberInHubspot.map((h): Inconsistency => ({ kind: "number_format", provider: "hubspot", invoiceNumber: h.number, detail: `numbered "${h.written}" in HubSpot` })),
    ...plan.duplicateInQuickbooks.map((n): Inconsistency => ({ kind: "duplicate", provider: "quickbooks", invoiceNumber: n, detail: `entered twice in QuickBooks (also as ${n}-2)` })),
    { kind: "missing_elsewhere", provider: "stripe", invoiceNumber: plan.onlyInStripe.number, detail: "only in Stripe" },
    {
      kind: "customer_name",
      provider: "quickbooks",
      invoiceNumber: plan.customerInQuickbooks.invoiceNumber,
      detail: `customer "${plan.customerInQuickbooks.name}" is "${plan.customerInQuickbooks.misspelled}" in QuickBooks`,
    },
  ];
}

const LABEL: Record<InconsistencyKind, (n: number, where: string) => string> = {
  status: (n, where) => `${n} paid in ${where} only`,
  amount: (n, where) => `${n} with another amount in ${where}`,
  number_format: (n, where) => `${n} numbered differently in ${where}`,
  duplicate: (n, where) => `${n} duplicated in ${where}`,
  missing_elsewhere: (n, where) => `${n} only in ${where}`,
  customer_name: (n, where) => `${n} customer spelled differently in ${where}`,
};
const PROVIDER_LABEL: Record<ProviderId, string> = { stripe: "Stripe", quickbooks: "QuickBooks", xero: "Xero", hubspot: "HubSpot" };

/** "10 paid in Stripe only, 3 with another amount in Xero, ..." */
export function summarize(list: Inconsistency[]): string {
  const groups = new Map<string, { kind: InconsistencyKind; provider: ProviderId; count: number }>();
  for (const item of list) {
    const key = `${item.kind}:${item.provider}`;
    const group = groups.get(key) ?? { kind: item.kind, provider: item.provider, count: 0 };
    group.count += 1;
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => LABEL[g.kind](g.count, PROVIDER_LABEL[g.provider])).join(", ");
}
