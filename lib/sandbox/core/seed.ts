/**
 * Deterministic business data for seeding sandboxes: the same seed gives the same customers and
 * invoices. Deliberately messy, like real books: names with legal suffixes, odd spacing and
 * accents, several currencies (including zero- and three-decimal ones), partial payments, voids.
 * Providers turn these neutral records into their own shapes.
 */
import { z } from "zod";
import { Rng } from "./rng";

export const seedSchema = z.strictObject({
  accountId: z.string().min(1),
  seed: z.union([z.number(), z.string()]).default(1),
  customers: z.number().int().min(0).max(10_000).default(10),
  invoices: z.number().int().min(0).max(100_000).default(25),
  currencies: z.array(z.string().regex(/^[A-Z]{3}$/)).min(1).default(["USD", "EUR", "GBP"]),
});
export type SeedInput = z.output<typeof seedSchema>;

export type SeedCustomer = { key: string; name: string; email: string | null; currency: string };
export type SeedLine = { description: string; quantity: number; unitAmountMinor: number };
export type SeedPayment = { amountMinor: number; date: string };
export type SeedInvoice = {
  key: string;
  number: string;
  customerKey: string;
  currency: string;
  issueDate: string;
  dueDate: string;
  lines: SeedLine[];
  totalMinor: number;
  state: "draft" | "open" | "partially_paid" | "paid" | "void";
  payments: SeedPayment[];
};

const FIRST = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Müller", "Société", "Nakatomi", "Pied Piper", "Soylent", "Tyrell", "Wonka", "Åkesson", "O'Brien"];
const SECOND = ["Industries", "Trading", "Holdings", "Consulting", "Logistics", "Foods", "Labs", "Design", "Bakery", "Studio"];
const SUFFIX = ["Inc", "Inc.", "LLC", "Ltd", "Ltd.", "GmbH", "S.A.", "B.V.", "Pty Ltd", "", "", ""];
const ITEMS = ["Consulting hours", "Annual subscription", "Setup fee", "Support plan", "Hardware", "Training day", "License seat", "Shipping"];
/** Minor-unit exponents of the currencies the seed uses. */
const EXPONENT: Record<string, number> = { JPY: 0, KRW: 0, KWD: 3, BHD: 3 };

export function currencyExponent(currency: string): number {
  return EXPONENT[currency] ?? 2;
}

function isoDate(base: number, plusDays: number): string {
  return new Date(base + plusDays * 86_400_000).toISOString().slice(0, 10);
}

export function generateSeed(input: Pick<SeedInput, "seed" | "customers" | "invoices" | "currencies">): { customers: SeedCustomer[]; invoices: SeedInvoice[] } {
  const rng = new Rng(`seed:${input.seed}`);
  const customers: SeedCustomer[] = [];
  for (let i = 0; i < Math.max(input.customers, input.invoices > 0 ? 1 : 0); i++) {
    const raw = `${rng.pick(FIRST)} ${rng.pick(SECOND)} ${rng.pick(SUFFIX)}`.trim();
    // Messy like real books: stray spaces and odd casing now and then.
    const name = rng.chance(0.15) ? `  ${raw.toUpperCase()} ` : rng.chance(0.15) ? raw.replace(" ", "  ") : raw;
    const slug = raw.toLowerCase().replace(/[^a-z0-9]+/g, ".").replace(/^\.|\.$/g, "");
    customers.push({ key: `c${i + 1}`, name, email: rng.chance(0.85) ? `billing${i + 1}@${slug || "example"}.test` : null, currency: rng.pick(input.currencies) });
  }
  const invoices: SeedInvoice[] = [];
  const start = Date.UTC(2026, 0, 5);
  for (let i = 0; i < input.invoices; i++) {
    const customer = rng.pick(customers);
    const scale = 10 ** currencyExponent(customer.currency);
    const lines: SeedLine[] = Array.from({ length: rng.int(1, 3) }, () => ({
      description: rng.pick(ITEMS),
      quantity: rng.int(1, 10),
      unitAmountMinor: rng.int(5, 900) * scale + (scale > 1 ? rng.int(0, scale - 1) : 0),
    }));
    const totalMinor = lines.reduce((sum, l) => sum + l.quantity * l.unitAmountMinor, 0);
    const issueOffset = rng.int(0, 300);
    const roll = rng.next();
    const state: SeedInvoice["state"] = roll < 0.1 ? "draft" : roll < 0.45 ? "open" : roll < 0.6 ? "partially_paid" : roll < 0.95 ? "paid" : "void";
    const payments: SeedPayment[] = [];
    if (state === "paid") payments.push({ amountMinor: totalMinor, date: isoDate(start, issueOffset + rng.int(1, 30)) });
    if (state === "partially_paid") payments.push({ amountMinor: Math.max(1, Math.floor((totalMinor * rng.int(10, 80)) / 100)), date: isoDate(start, issueOffset + rng.int(1, 20)) });
    invoices.push({
      key: `i${i + 1}`,
      number: `INV-${String(1001 + i).padStart(5, "0")}`,
      customerKey: customer.key,
      currency: customer.currency,
      issueDate: isoDate(start, issueOffset),
      dueDate: isoDate(start, issueOffset + rng.pick([14, 30, 45])),
      lines,
      totalMinor,
      state,
      payments,
    });
  }
  return { customers, invoices };
}
