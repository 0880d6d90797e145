/**
 * The Xero sandbox over plain HTTP, for what xero-node does not exercise: batch writes with
 * summarizeErrors, Idempotency-Key, Xero's error answers for bad input and bad auth, status
 * rules, tax and unitdp, and seeding.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Harness, invoice, newTenant, startXero, type Tenant } from "./testing";

let h: Harness;
beforeAll(async () => {
  h = await startXero();
});
afterAll(() => h.close());

const INVOICES = "/api.xro/2.0/Invoices";

describe("batch writes", () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await newTenant(h.url);
  });

  it("summarizeErrors=false saves the valid invoices and flags the others per item", async () => {
    const res = await call(h.url, "PUT", `${INVOICES}?summarizeErrors=false`, {
      tenant: t,
      body: { Invoices: [invoice({ InvoiceNumber: "A-1" }), invoice({ Contact: undefined, InvoiceNumber: "A-2" }), invoice({ InvoiceNumber: "A-1" })] },
    });
    expect(res.status).toBe(200);
    const [ok, noContact, duplicate] = res.body.Invoices;
    expect(ok.StatusAttributeString).toBe("OK");
    expect(ok.InvoiceID).toMatch(/^[0-9a-f-]{36}$/);
    expect(noContact).toMatchObject({ HasErrors: true, StatusAttributeString: "ERROR", ValidationErrors: [{ Message: "A Contact must be specified for this type of transaction" }] });
    expect(duplicate.ValidationErrors).toEqual([{ Message: "Invoice # must be unique." }]);
    const listed = await call(h.url, "GET", `${INVOICES}?InvoiceNumbers=A-1,A-2`, { tenant: t });
    expect(listed.body.Invoices.map((i: { InvoiceNumber: string }) => i.InvoiceNumber)).toEqual(["A-1"]);
  });

  it("by default one invalid invoice fails the whole batch with a ValidationException and saves nothing", async () => {
    const res = await call(h.url, "PUT", INVOICES, { tenant: t, body: { Invoices: [invoice({ InvoiceNumber: "B-1" }), invoice({ InvoiceNumber: "B-2", Status: "PAID" })] } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ ErrorNumber: 10, Type: "ValidationException", Message: "A validation exception occurred" });
    expect(res.body.Elements).toHaveLength(1);
    expect(res.body.Elements[0]).toMatchObject({ InvoiceNumber: "B-2", ValidationErrors: [{ Message: "Invoice not of valid status for creation" }] });
    const listed = await call(h.url, "GET", `${INVOICES}?InvoiceNumbers=B-1,B-2`, { tenant: t });
    expect(listed.body.Invoices).toEqual([]);
  });

  it("replays a write with the same Idempotency-Key and refuses the key with another body", async () => {
    const key = `pay-run-${Date.now()}`;
    const body = { Invoices: [invoice({ InvoiceNumber: "C-1" })] };
    const first = await call(h.url, "PUT", INVOICES, { tenant: t, body, headers: { "Idempotency-Key": key } });
    const again = await call(h.url, "PUT", INVOICES, { tenant: t, body, headers: { "Idempotency-Key": key } });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.Invoices[0].InvoiceID).toBe(first.body.Invoices[0].InvoiceID);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const listed = await call(h.url, "GET", `${INVOICES}?InvoiceNumbers=C-1`, { tenant: t });
    expect(listed.body.Invoices).toHaveLength(1);

    const other = await call(h.url, "PUT", INVOICES, { tenant: t, body: { Invoices: [invoice({ InvoiceNumber: "C-2" })] }, headers: { "Idempotency-Key": key } });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ Title: "Unprocessable Entity", Status: 422 });
    const tooLong = await call(h.url, "PUT", INVOICES, { tenant: t, body, headers: { "Idempotency-Key": "k".repeat(129) } });
    expect(tooLong.status).toBe(400);

    // Keys are per organisation: the same key elsewhere is a new request.
    const u = await newTenant(h.url);
    const elsewhere = await call(h.url, "PUT", INVOICES, { tenant: u, body, headers: { "Idempotency-Key": key } });
    expect(elsewhere.body.Invoices[0].InvoiceID).not.toBe(first.body.Invoices[0].InvoiceID);
  });

  it("computes tax-inclusive totals and keeps 4-decimal unit amounts with unitdp=4", async () => {
    const res = await call(h.url, "PUT", `${INVOICES}?unitdp=4`, {
      tenant: t,
      body: { Invoices: [invoice({ LineAmountTypes: "Inclusive", CurrencyCode: "EUR", LineItems: [{ Description: "Bolts", Quantity: "3", UnitAmount: "1.2345", AccountCode: "200" }] })] },
    });
    const inv = res.body.Invoices[0];
    // 3 × 1.2345 = 3.7035 → 3.70, of which 15/115 is tax: 0.48.
    expect(inv.LineItems[0]).toMatchObject({ UnitAmount: 1.2345, LineAmount: 3.7, TaxAmount: 0.48 });
    expect(inv).toMatchObject({ Total: 3.7, TotalTax: 0.48, SubTotal: 3.22, CurrencyCode: "EUR", CurrencyRate: 0.92 });
    const plain = await call(h.url, "GET", `${INVOICES}/${inv.InvoiceID}`, { tenant: t });
    expect(plain.body.Invoices[0].LineItems[0].UnitAmount).toBe(1.23);
  });

  it("follows Xero's status rules", async () => {
    const created = await call(h.url, "PUT", INVOICES, { tenant: t, body: { Invoices: [invoice({ Status: "DRAFT" }), invoice()] } });
    const [draft, authorised] = created.body.Invoices;
    const del = await call(h.url, "POST", `${INVOICES}/${draft.InvoiceID}`, { tenant: t, body: { Invoices: [{ Status: "DELETED" }] } });
    expect(del.body.Invoices[0]).toMatchObject({ Status: "DELETED", AmountDue: 0 });
    const refused = await call(h.url, "POST", `${INVOICES}/${authorised.InvoiceID}`, { tenant: t, body: { Status: "DELETED" } });
    expect(refused.status).toBe(400);
    expect(refused.body.Elements[0].ValidationErrors[0].Message).toBe("Invoice not of valid status for modification");
    await call(h.url, "PUT", "/api.xro/2.0/Payments", { tenant: t, body: { Payments: [{ Invoice: { InvoiceID: authorised.InvoiceID }, Account: { Code: "090" }, Date: "2026-03-05", Amount: 10 }] } });
    const voidPaid = await call(h.url, "POST", `${INVOICES}/${authorised.InvoiceID}`, { tenant: t, body: { Status: "VOIDED" } });
    expect(voidPaid.body.Elements[0].ValidationErrors[0].Message).toMatch(/cannot be voided/);
    const edit = await call(h.url, "POST", `${INVOICES}/${authorised.InvoiceID}`, { tenant: t, body: { LineItems: [{ Description: "x", Quantity: 1, UnitAmount: 1, AccountCode: "200" }] } });
    expect(edit.body.Elements[0].ValidationErrors[0].Message).toBe("This document cannot be edited as it has a payment or credit note allocated to it.");
    const unpaid = await call(h.url, "PUT", INVOICES, { tenant: t, body: invoice() });
    const voided = await call(h.url, "POST", `${INVOICES}/${unpaid.body.Invoices[0].InvoiceID}`, { tenant: t, body: { Status: "VOIDED" } });
    expect(voided.body.Invoices[0]).toMatchObject({ Status: "VOIDED", AmountDue: 0, Total: 115 });
  });
});

describe("bad input and bad auth get Xero's own answers", () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await newTenant(h.url);
  });

  it("answers malformed, mistyped, empty and oversized bodies", async () => {
    const malformed = await call(h.url, "PUT", INVOICES, { tenant: t, body: '{"Invoices": [' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ ErrorNumber: 14, Type: "PostDataInvalidException" });

    const mistyped = await call(h.url, "PUT", INVOICES, { tenant: t, body: { Invoices: [invoice({ LineItems: [{ Description: "x", Quantity: "lots" }] })] } });
    expect(mistyped.status).toBe(400);
    expect(mistyped.body.Type).toBe("PostDataInvalidException");
    expect(mistyped.body.Message).toBe(`Error converting value "lots" to type 'System.Decimal'. Path 'Invoices[0].LineItems[0].Quantity'.`);

    const empty = await call(h.url, "PUT", INVOICES, { tenant: t });
    expect(empty.body).toMatchObject({ ErrorNumber: 17, Type: "NoDataProcessedException" });
    const emptyList = await call(h.url, "PUT", INVOICES, { tenant: t, body: { Invoices: [] } });
    expect(emptyList.body.Type).toBe("NoDataProcessedException");

    const missing = await call(h.url, "PUT", INVOICES, { tenant: t, body: { Invoices: [{ Contact: { Name: "X" } }] } });
    expect(missing.body.Elements[0].ValidationErrors[0].Message).toBe("Invoice not of valid type for creation");
    const badDate = await call(h.url, "PUT", INVOICES, { tenant: t, body: invoice({ Date: "20100510" }) });
    expect(badDate.body.Elements[0].ValidationErrors[0].Message).toBe("The string '20100510' is not a valid AllXsd value.");
    const badAccount = await call(h.url, "PUT", INVOICES, { tenant: t, body: invoice({ LineItems: [{ Description: "x", Quantity: 1, UnitAmount: 1, AccountCode: "999" }] }) });
    expect(badAccount.body.Elements[0].ValidationErrors[0].Message).toBe("Account code '999' is not a valid code for this document.");

    const huge = await call(h.url, "PUT", INVOICES, { tenant: t, body: JSON.stringify({ Invoices: [invoice({ Reference: "x".repeat(3.6 * 1024 * 1024) })] }) });
    expect(huge.status).toBe(413);

    const where = await call(h.url, "GET", `${INVOICES}?where=${encodeURIComponent('Colour=="red"')}`, { tenant: t });
    expect(where.status).toBe(400);
    expect(where.body).toMatchObject({ ErrorNumber: 16, Type: "QueryParseException", Message: "No property or field 'Colour' exists in type 'Invoice'" });
  });

  it("answers unknown ids with a text 404", async () => {
    const res = await call(h.url, "GET", `${INVOICES}/00000000-0000-4000-8000-000000000000`, { tenant: t });
    expect(res.status).toBe(404);
    expect(res.text).toBe("The resource you're looking for cannot be found");
    const route = await call(h.url, "GET", "/api.xro/2.0/Quotes", { tenant: t });
    expect(route.status).toBe(404);
    const payment = await call(h.url, "PUT", "/api.xro/2.0/Payments", { tenant: t, body: { Invoice: { InvoiceID: "00000000-0000-4000-8000-000000000000" }, Account: { Code: "090" }, Amount: 5 } });
    expect(payment.body.Elements[0].ValidationErrors[0].Message).toBe("Invoice could not be found");
  });

  it("answers missing and unknown tokens with 401, other organisations with 403, expired tokens with TokenExpired", async () => {
    const none = await call(h.url, "GET", INVOICES, { tenantId: t.tenantId });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ Type: null, Title: "Unauthorized", Status: 401, Detail: "AuthenticationUnsuccessful", Extensions: {} });
    const unknown = await call(h.url, "GET", INVOICES, { token: "nope", tenantId: t.tenantId });
    expect(unknown.status).toBe(401);

    const other = await newTenant(h.url);
    const wrongTenant = await call(h.url, "GET", INVOICES, { token: t.token, tenantId: other.tenantId });
    expect(wrongTenant.status).toBe(403);
    expect(wrongTenant.body).toMatchObject({ Title: "Forbidden", Status: 403, Detail: "AuthenticationUnsuccessful" });
    const noTenant = await call(h.url, "GET", INVOICES, { token: t.token });
    expect(noTenant.status).toBe(403);

    // A 1-second token at 100× speed lives 10 ms.
    await fetch(`${h.url}/_sandbox/oauth`, { method: "POST", body: JSON.stringify({ accessTokenTtlSeconds: 1 }) });
    h.sandbox.clock.scale = 100;
    const shortLived = await newTenant(h.url);
    h.sandbox.clock.scale = 1;
    await fetch(`${h.url}/_sandbox/oauth`, { method: "POST", body: JSON.stringify({ accessTokenTtlSeconds: 1800 }) });
    await new Promise((r) => setTimeout(r, 30));
    const expired = await call(h.url, "GET", INVOICES, { tenant: shortLived });
    expect(expired.status).toBe(401);
    expect(expired.body.Detail).toMatch(/^TokenExpired: token expired at \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
  });
});

describe("seeding", () => {
  const seed = async (accountId: string, s: number) => {
    const res = await fetch(`${h.url}/_sandbox/seed`, { method: "POST", body: JSON.stringify({ accountId, seed: s, customers: 8, invoices: 40, currencies: ["USD", "EUR", "JPY"] }) });
    return (await res.json()).created as Record<string, number>;
  };
  const snapshot = async (t: Tenant) => {
    const res = await call(h.url, "GET", `${INVOICES}?page=1&order=InvoiceNumber`, { tenant: t });
    return res.body.Invoices.map(({ UpdatedDateUTC: _u, Contact, ...rest }: { UpdatedDateUTC: string; Contact: Record<string, unknown> }) => ({ ...rest, Contact: Contact.Name }));
  };

  it("gives the same objects for the same seed, other objects for another, and nothing new when repeated", async () => {
    const [a, b, c] = [await newTenant(h.url), await newTenant(h.url), await newTenant(h.url)];
    const created = await seed(a.tenantId, 42);
    expect(created).toEqual({ contacts: 8, invoices: 40, payments: expect.any(Number), bills: expect.any(Number) });
    await seed(b.tenantId, 42);
    await seed(c.tenantId, 43);
    const [sa, sb, sc] = [await snapshot(a), await snapshot(b), await snapshot(c)];
    expect(sa).toHaveLength(40 + created.bills!);
    expect(sb).toEqual(sa);
    expect(sc).not.toEqual(sa);
    expect(await seed(a.tenantId, 42)).toEqual({ contacts: 0, invoices: 0, payments: 0, bills: 0 });

    // Realistic: several currencies, part-paid and voided invoices, totals that add up.
    expect(new Set(sa.map((i: { CurrencyCode: string }) => i.CurrencyCode)).size).toBeGreaterThan(1);
    expect(sa.some((i: { Status: string; AmountPaid: number; AmountDue: number }) => i.Status === "AUTHORISED" && i.AmountPaid > 0 && i.AmountDue > 0)).toBe(true);
    for (const i of sa as { Total: number; AmountDue: number; AmountPaid: number; Status: string }[]) {
      if (i.Status !== "VOIDED") expect(Math.round((i.AmountDue + i.AmountPaid) * 100)).toBe(Math.round(i.Total * 100));
    }
    const stats = await (await fetch(`${h.url}/_sandbox/stats`)).json();
    expect(stats.objects[a.tenantId]).toMatchObject({ contacts: 8, invoices: 40 + created.bills! });
  });
});
