/**
 * Seeding: the core's neutral customers become companies (with a billing contact when they have
 * an email), and its invoices HubSpot invoices associated to both. Timestamps come from the seed
 * (issue and payment dates), not the clock, so the same seed gives the same records.
 */
import type { ApiContext } from "../core/sandbox";
import { generateSeed, type SeedInput } from "../core/seed";
import { Rng } from "../core/rng";
import { associate } from "./associations";
import { deriveInvoice } from "./invoice";
import { formatMinor, moneyExponent } from "./money";
import { instant, OBJECTS, type ObjectType } from "./properties";
import { allocateId, insert, type HubspotData } from "./state";

const FIRST_NAMES = ["Ana", "Bjørn", "Chloé", "Dmitri", "Ede", "Fatima", "Gus", "Hiroshi", "Ines", "José", "Kwame", "Léa", "Mary-Jane", "Nguyen", "Olu", "Priya"];
const LAST_NAMES = ["Smith", "O'Neil", "García", "Müller", "Nakamura", "van der Berg", "Okafor", "Dubois", "Kowalski", "Li", "MacDonald", "Rossi"];
const STATUS = { draft: "draft", open: "open", partially_paid: "open", paid: "paid", void: "voided" } as const;
const HOUR = 3_600_000;

function put(data: HubspotData, type: ObjectType, props: Record<string, string>, createdMs: number, modifiedMs: number): string {
  const meta = OBJECTS[type];
  const id = allocateId(data, type);
  const [created, modified] = [instant(createdMs), instant(Math.max(createdMs, modifiedMs))];
  const properties: Record<string, string> = { ...props, hs_object_id: id, [meta.created]: created };
  for (const name of meta.modified) properties[name] = modified;
  const history = Object.fromEntries(Object.entries(props).map(([name, value]) => [name, [{ value, timestamp: created, sourceType: "IMPORT" }]]));
  insert(data, type, { id, properties, history, createdAt: created, updatedAt: modified, archived: false });
  return id;
}

export function seed(ctx: ApiContext<HubspotData>, input: SeedInput): Record<string, number> {
  const { customers, invoices } = generateSeed(input);
  const rng = new Rng(`hubspot:${input.seed}`);
  const data = ctx.data;
  const start = Date.UTC(2025, 11, 1, 9);
  const companyOf = new Map<string, string>();
  const contactOf = new Map<string, string>();
  let contacts = 0;
  customers.forEach((c, i) => {
    const at = start + i * HOUR;
    const domain = c.email?.split("@")[1];
    const companyId = put(data, "companies", { name: c.name, ...(domain ? { domain } : {}) }, at, at);
    companyOf.set(c.key, companyId);
    // A second customer with the same billing address would break email uniqueness; real portals merge them.
    if (c.email && !data.emails[c.email.toLowerCase()]) {
      const contactId = put(data, "contacts", { email: c.email, firstname: rng.pick(FIRST_NAMES), lastname: rng.pick(LAST_NAMES), company: c.name.trim() }, at, at);
      data.emails[c.email.toLowerCase()] = contactId;
      contactOf.set(c.key, contactId);
      associate(data, "contacts", contactId, "companies", companyId);
      contacts += 1;
    }
  });
  for (const inv of invoices) {
    const exponent = moneyExponent(inv.currency);
    const paidMinor = inv.payments.reduce((sum, p) => sum + p.amountMinor, 0);
    const lastPayment = inv.payments.at(-1)?.date;
    const props: Record<string, string> = {
      hs_currency: inv.currency,
      hs_number: inv.number,
      hs_title: inv.lines.length > 1 ? `${inv.lines[0]!.description} and ${inv.lines.length - 1} more` : inv.lines[0]!.description,
      hs_invoice_date: instant(Date.parse(`${inv.issueDate}T00:00:00Z`)),
      hs_due_date: instant(Date.parse(`${inv.dueDate}T00:00:00Z`)),
      hs_invoice_status: STATUS[inv.state],
      hs_amount_billed: formatMinor(inv.totalMinor, exponent),
      hs_amount_paid: formatMinor(paidMinor, exponent),
      hs_invoice_source: "hubspot",
      ...(inv.state === "paid" && lastPayment ? { hs_payment_date: instant(Date.parse(`${lastPayment}T12:00:00Z`)) } : {}),
    };
    const created = Date.parse(`${inv.issueDate}T09:00:00Z`);
    deriveInvoice(props, new Set(), created);
    const modified = lastPayment ? Date.parse(`${lastPayment}T12:00:00Z`) : created;
    const id = put(data, "invoices", props, created, modified);
    const companyId = companyOf.get(inv.customerKey);
    const contactId = contactOf.get(inv.customerKey);
    if (companyId) associate(data, "invoices", id, "companies", companyId);
    if (contactId) associate(data, "invoices", id, "contacts", contactId);
  }
  ctx.sandbox.touch();
  return { companies: customers.length, contacts, invoices: invoices.length };
}
