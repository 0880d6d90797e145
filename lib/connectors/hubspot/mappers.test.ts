/**
 * The pure mappers on recorded HubSpot JSON (fixtures/*.json, recorded from the sandbox by
 * fixtures/record.ts) and on hand-written edge cases: exact minor units, dates, statuses,
 * versions, customer ids, webhook hints.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WebhookPayloadError } from "../errors";
import {
  calendarDate,
  customerExternalId,
  invoiceStatus,
  lineAmountMinor,
  parseCustomerExternalId,
  toCompanyCustomer,
  toContactCustomer,
  toInvoice,
  versionOf,
} from "./mappers";
import { associationBatchSchema, crmObjectSchema, crmPageSchema, searchPageSchema, type CrmObject } from "./schemas";
import { parseHubspotWebhook } from "./webhooks";

const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(import.meta.dirname, "fixtures", `${name}.json`), "utf8"));
const record = (name: string) => crmObjectSchema.parse(fixture(name));

/** A hand-written invoice record; properties not given are absent, as when a read doesn't ask for them. */
function invoice(properties: Record<string, string | null>, extra: Partial<Record<keyof CrmObject, unknown>> = {}): CrmObject {
  return crmObjectSchema.parse({ id: "9001", properties, createdAt: "2026-01-05T10:00:00Z", updatedAt: "2026-01-06T10:00:00.250Z", archived: false, ...extra });
}

describe("invoices from recorded JSON", () => {
  it("maps a partly paid USD invoice exactly, with its contact and cross-reference", () => {
    const inv = toInvoice(record("invoice-partial"));
    expect(inv).toMatchObject({
      externalId: "44446244007",
      number: "INV-1001",
      currency: "USD",
      totalMinor: 25_000n,
      amountPaidMinor: 10_050n,
      amountDueMinor: 14_950n,
      status: "PARTIALLY_PAID",
      issueDate: "2026-03-01",
      dueDate: "2026-03-31",
      paidDate: null,
      crossReference: "inv_fixture_1",
      customerExternalId: "contact:51004",
      deleted: false,
      memo: null,
      lines: [],
    });
    expect(inv.version).toBe("001795260435846");
    expect(inv.updatedAt.toISOString()).toBe("2026-11-21T11:27:15.846Z");
  });

  it("maps the same invoice once paid: later version, PAID, the payment date", () => {
    const partial = toInvoice(record("invoice-partial"));
    const paid = toInvoice(record("invoice-paid"));
    expect(paid).toMatchObject({ status: "PAID", amountPaidMinor: 25_000n, amountDueMinor: 0n, paidDate: "2026-03-15" });
    expect(paid.version > partial.version).toBe(true);
  });

  it("maps a voided zero-decimal (JPY) invoice", () => {
    expect(toInvoice(record("invoice-void-jpy"))).toMatchObject({ status: "VOID", currency: "JPY", totalMinor: 15_000n, amountPaidMinor: 0n, amountDueMinor: 15_000n, issueDate: "2026-02-10", customerExternalId: null });
  });

  it("maps a three-decimal (KWD) invoice", () => {
    expect(toInvoice(record("invoice-kwd"))).toMatchObject({ currency: "KWD", totalMinor: 12_345n, amountPaidMinor: 2_005n, amountDueMinor: 10_340n, status: "PARTIALLY_PAID" });
  });

  it("maps a minimal draft, and the same record archived as deleted with a later version", () => {
    const draft = toInvoice(record("invoice-draft-minimal"));
    expect(draft).toMatchObject({ status: "DRAFT", currency: "EUR", totalMinor: 0n, number: null, issueDate: null, dueDate: null, crossReference: null, deleted: false });
    const archived = toInvoice(record("invoice-archived"));
    expect(archived.deleted).toBe(true);
    expect(archived.version > draft.version).toBe(true); // archiving moves updatedAt/archivedAt, not hs_lastmodifieddate
  });

  it("maps a seeded list page: mixed currencies, contact before company, company when no contact", () => {
    const page = crmPageSchema.parse(fixture("invoice-page"));
    const mapped = page.results.map((r) => toInvoice(r));
    expect(mapped.map((i) => [i.externalId, i.currency, i.totalMinor, i.amountPaidMinor, i.amountDueMinor, i.status, i.customerExternalId])).toEqual([
      ["44446244001", "USD", 20_564n, 0n, 20_564n, "OPEN", "contact:51001"],
      ["44446244002", "JPY", 704n, 704n, 0n, "PAID", "contact:51002"],
      ["44446244003", "USD", 544_691n, 544_691n, 0n, "PAID", "contact:51001"],
      ["44446244004", "JPY", 395n, 237n, 158n, "PARTIALLY_PAID", "contact:51002"],
      ["44446244005", "JPY", 1_923n, 0n, 1_923n, "OPEN", "company:9876543002"],
      ["44446244006", "JPY", 10_826n, 10_826n, 0n, "PAID", "company:9876543002"],
    ]);
    // hs_payment_date is a datetime (12:00 UTC here); the paid date is its calendar date.
    expect(mapped[1]!.paidDate).toBe("2026-05-15");
  });

  it("maps a search result (no associations) with the associations read separately", () => {
    const hit = searchPageSchema.parse(fixture("invoice-search")).results[0]!;
    const batch = associationBatchSchema.parse(fixture("associations-batch"));
    expect(batch.results).toEqual([{ fromId: "44446244007", toIds: ["51004"] }]);
    expect(toInvoice(hit).customerExternalId).toBeNull();
    expect(toInvoice(hit, { contacts: batch.results[0]!.toIds, companies: [] }).customerExternalId).toBe("contact:51004");
  });
});

describe("invoice edge cases", () => {
  it("computes the balance when hs_balance_due is missing, and treats missing amounts as zero", () => {
    expect(toInvoice(invoice({ hs_currency: "usd", hs_invoice_status: "open", hs_amount_billed: "10.5", hs_amount_paid: "0.25" }))).toMatchObject({
      currency: "USD",
      totalMinor: 1_050n,
      amountPaidMinor: 25n,
      amountDueMinor: 1_025n,
      status: "PARTIALLY_PAID",
    });
    expect(toInvoice(invoice({ hs_currency: "GBP", hs_invoice_status: null }))).toMatchObject({ totalMinor: 0n, amountPaidMinor: 0n, amountDueMinor: 0n, status: "DRAFT" });
  });

  it("reads dates given as epoch ms (midnight UTC) and ISO values without shifting the day", () => {
    const inv = toInvoice(invoice({ hs_currency: "USD", hs_invoice_date: "1772323200000", hs_due_date: "2026-03-31T23:30:00-05:00" }));
    expect(inv.issueDate).toBe("2026-03-01");
    expect(inv.dueDate).toBe("2026-03-31");
    expect(calendarDate("2026-02-28")).toBe("2026-02-28");
    expect(calendarDate("")).toBeNull();
    expect(() => calendarDate("2026-02-30T00:00:00Z")).toThrow(/impossible/);
    expect(() => calendarDate("March 1st")).toThrow(/unrecognised/);
  });

  it("refuses what it cannot map without guessing", () => {
    expect(() => toInvoice(invoice({ hs_amount_billed: "10.00" }))).toThrow(/hs_currency/);
    expect(() => toInvoice(invoice({ hs_currency: "USD", hs_amount_billed: "10.005" }))).toThrow(/more decimals/);
    expect(() => toInvoice(invoice({ hs_currency: "JPY", hs_amount_billed: "100.5" }))).toThrow(/more decimals/);
    expect(() => toInvoice(invoice({ hs_currency: "USD", hs_invoice_status: "processing" }))).toThrow(/processing/);
  });

  it("maps statuses: open with a balance and payments is PARTIALLY_PAID, fully paid but open stays OPEN", () => {
    expect(invoiceStatus("open", 0n, 100n)).toBe("OPEN");
    expect(invoiceStatus("open", 1n, 99n)).toBe("PARTIALLY_PAID");
    expect(invoiceStatus("open", 100n, 0n)).toBe("OPEN");
    expect(invoiceStatus("paid", 100n, 0n)).toBe("PAID");
    expect(invoiceStatus("voided", 0n, 100n)).toBe("VOID");
    expect(invoiceStatus("draft", 0n, 100n)).toBe("DRAFT");
  });

  it("versions sort in time order across digit counts and use the latest of the timestamps", () => {
    const early = invoice({ hs_currency: "USD", hs_lastmodifieddate: "999999999999" }, { updatedAt: "1970-01-01T00:00:00Z", createdAt: "1970-01-01T00:00:00Z" });
    const late = invoice({ hs_currency: "USD", hs_lastmodifieddate: "1000000000000" }, { updatedAt: "1970-01-01T00:00:00Z", createdAt: "1970-01-01T00:00:00Z" });
    expect(versionOf(early, "hs_lastmodifieddate").version).toBe("000999999999999");
    expect(versionOf(late, "hs_lastmodifieddate").version > versionOf(early, "hs_lastmodifieddate").version).toBe(true);
    const archived = invoice({ hs_currency: "USD", hs_lastmodifieddate: "2026-01-01T00:00:00Z" }, { archived: true, archivedAt: "2026-02-01T00:00:00Z" });
    expect(versionOf(archived, "hs_lastmodifieddate").updatedAt.toISOString()).toBe("2026-02-01T00:00:00.000Z");
  });

  it("accepts records as the SDK hands them over (Date objects) as well as raw JSON", () => {
    const fromSdk = crmObjectSchema.parse({ id: "7", properties: { hs_currency: "EUR", hs_amount_billed: "1.00" }, createdAt: new Date("2026-01-01T00:00:00Z"), updatedAt: new Date("2026-01-02T00:00:00Z") });
    expect(toInvoice(fromSdk)).toMatchObject({ totalMinor: 100n, version: "001767312000000" });
    expect(() => crmObjectSchema.parse({ id: "7", properties: { hs_currency: 5 }, createdAt: "x", updatedAt: "y" })).toThrow();
  });
});

describe("customers", () => {
  it("maps recorded contacts and companies with typed external ids", () => {
    const contacts = crmPageSchema.parse(fixture("contact-page")).results.map(toContactCustomer);
    const companies = crmPageSchema.parse(fixture("company-page")).results.map(toCompanyCustomer);
    expect(contacts[0]).toMatchObject({ externalId: "contact:51001", currency: null, deleted: false });
    // The business billed: the contact's company, else the person.
    const raw = crmPageSchema.parse(fixture("contact-page")).results[0]!.properties;
    expect(contacts[0]!.name).toBe(raw.company?.trim() || `${raw.firstname} ${raw.lastname}`);
    expect(contacts[0]!.email).toMatch(/@/);
    expect(companies[0]).toMatchObject({ externalId: "company:9876543001", email: null });
    expect(companies[0]!.name.length).toBeGreaterThan(0);
  });

  it("names a contact by its company, then falls back through the name fields", () => {
    const contact = (properties: Record<string, string | null>) => toContactCustomer(crmObjectSchema.parse({ id: "5", properties, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" }));
    expect(contact({ firstname: "Ada", lastname: null, email: "ada@x.test" }).name).toBe("Ada");
    expect(contact({ firstname: "Ada", lastname: "Lovelace", company: "Analytical" }).name).toBe("Analytical");
    expect(contact({ firstname: " ", lastname: "Lovelace", company: " " }).name).toBe("Lovelace");
    expect(contact({ company: "Analytical Engines" }).name).toBe("Analytical Engines");
    expect(contact({ email: "only@x.test" })).toMatchObject({ name: "only@x.test", email: "only@x.test" });
  });

  it("round-trips customer ids", () => {
    expect(customerExternalId({ type: "companies", id: "12" })).toBe("company:12");
    expect(parseCustomerExternalId("contact:51001")).toEqual({ type: "contacts", id: "51001" });
    expect(parseCustomerExternalId("company:9")).toEqual({ type: "companies", id: "9" });
    expect(parseCustomerExternalId("51001")).toEqual({ type: "contacts", id: "51001" });
    expect(parseCustomerExternalId("deal:1")).toBeNull();
    expect(parseCustomerExternalId(null)).toBeNull();
  });
});

describe("line amounts", () => {
  it("multiplies decimal quantities in integers, rounding half away from zero", () => {
    expect(lineAmountMinor("3", 1_999n)).toBe(5_997n);
    expect(lineAmountMinor("1.5", 333n)).toBe(500n); // 499.5 → 500
    expect(lineAmountMinor("0.25", 10n)).toBe(3n); // 2.5 → 3
    expect(lineAmountMinor("2", -150n)).toBe(-300n);
    expect(lineAmountMinor("1.5", -333n)).toBe(-500n);
    expect(lineAmountMinor("0.333", 3n)).toBe(1n);
    expect(() => lineAmountMinor("1e3", 1n)).toThrow();
  });
});

describe("webhook bodies", () => {
  const deliveries = fixture("webhook-deliveries") as unknown[][];

  it("turns recorded deliveries into events with hints", () => {
    const events = deliveries.flatMap((body) => parseHubspotWebhook(JSON.stringify(body)));
    const first = events[0]!;
    expect(first).toMatchObject({ accountId: "151548534", eventId: "1", eventType: "contact.creation", hints: [{ entity: "customer", externalId: "contact:51004", deleted: false }] });
    expect(first.occurredAt.toISOString()).toBe("2026-11-21T11:27:15.808Z");
    expect(events[1]).toMatchObject({ eventType: "object.creation", hints: [{ entity: "invoice", externalId: "44446244007", deleted: false }] });
    const deletion = events.find((e) => e.eventType === "object.deletion")!;
    expect(deletion.hints).toEqual([{ entity: "invoice", externalId: "44446244010", deleted: true }]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it("gives no hints for objects Concord doesn't keep, and handles merges and association changes", () => {
    const base = { portalId: 62515, occurredAt: 1_564_113_600_000, attemptNumber: 0 };
    const [deal, company, merge, assoc, removed] = parseHubspotWebhook(
      JSON.stringify([
        { ...base, eventId: 10, subscriptionType: "deal.creation", objectId: 1 },
        { ...base, eventId: 11, subscriptionType: "company.propertyChange", objectId: 2, propertyName: "name", propertyValue: "X" },
        { ...base, eventId: 12, subscriptionType: "contact.merge", objectId: 3, primaryObjectId: 3, mergedObjectIds: [3, 4], newObjectId: 3 },
        { ...base, eventId: 13, subscriptionType: "object.associationChange", fromObjectId: 5, fromObjectTypeId: "0-1", toObjectId: 6, toObjectTypeId: "0-53" },
        { ...base, eventId: 14, subscriptionType: "object.deletion", objectId: 7, objectTypeId: "0-2" },
      ]),
    );
    expect(deal!.hints).toEqual([]);
    expect(company!.hints).toEqual([{ entity: "customer", externalId: "company:2", deleted: false }]);
    expect(merge!.hints).toEqual([
      { entity: "customer", externalId: "contact:3", deleted: false },
      { entity: "customer", externalId: "contact:4", deleted: true },
    ]);
    expect(assoc!.hints).toEqual([{ entity: "invoice", externalId: "6", deleted: false }]);
    expect(removed!.hints).toEqual([{ entity: "customer", externalId: "company:7", deleted: true }]);
  });

  it("refuses bodies that are not HubSpot's shape", () => {
    expect(() => parseHubspotWebhook("not json")).toThrow(WebhookPayloadError);
    expect(() => parseHubspotWebhook(JSON.stringify({ eventId: 1 }))).toThrow(WebhookPayloadError);
    expect(() => parseHubspotWebhook(JSON.stringify([{ eventId: 1, portalId: 2, subscriptionType: "contact.creation" }]))).toThrow(WebhookPayloadError);
    expect(parseHubspotWebhook("[]")).toEqual([]);
  });
});
