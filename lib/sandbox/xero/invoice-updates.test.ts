/**
 * Changing an invoice in the Xero sandbox with POST /Invoices/{InvoiceID}, under Xero's rules:
 * the lines of a draft or of an approved invoice without payments are replaced (totals follow);
 * an approved invoice's due date changes even with payments on it; its lines do not then; nothing
 * of a PAID or VOIDED invoice changes; a refused change leaves the invoice as it was; a repeated
 * Idempotency-Key replays; a change is an INVOICE UPDATE event.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Harness, invoice, newTenant, startXero, type Tenant } from "./testing";

let h: Harness;
let t: Tenant;
beforeAll(async () => {
  h = await startXero();
  t = await newTenant(h.url);
});
afterAll(() => h.close());

const INVOICES = "/api.xro/2.0/Invoices";

async function create(overrides: Record<string, unknown> = {}) {
  const answer = await call(h.url, "PUT", INVOICES, { tenant: t, body: invoice(overrides) });
  expect(answer.status, answer.text).toBe(200);
  return answer.body.Invoices[0];
}

const update = (id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => call(h.url, "POST", `${INVOICES}/${id}`, { tenant: t, body: { Invoices: [body] }, headers });
const read = async (id: string) => (await call(h.url, "GET", `${INVOICES}/${id}`, { tenant: t })).body.Invoices[0];
const pay = (id: string, Amount: number) => call(h.url, "PUT", "/api.xro/2.0/Payments", { tenant: t, body: { Payments: [{ Invoice: { InvoiceID: id }, Account: { Code: "090" }, Date: "2026-03-05", Amount }] } });
const message = (answer: { body: { Elements: { ValidationErrors: { Message: string }[] }[] } }) => answer.body.Elements[0]!.ValidationErrors.map((e) => e.Message);

describe("updating an invoice", () => {
  it("replaces the lines of an approved invoice without payments and recomputes its totals", async () => {
    const inv = await create({ LineAmountTypes: "NoTax" });
    expect(inv).toMatchObject({ Total: 100, AmountDue: 100 });
    const lines = [
      { Description: "Design, revised", Quantity: 3, UnitAmount: 60, AccountCode: "200" },
      { Description: "Support", Quantity: 1.5, UnitAmount: 3.33, AccountCode: "200" },
    ];
    const answer = await update(inv.InvoiceID, { DueDate: "2026-05-15", LineItems: lines, LineAmountTypes: "NoTax" });
    expect(answer.status, answer.text).toBe(200);
    const updated = answer.body.Invoices[0];
    expect(updated).toMatchObject({ Status: "AUTHORISED", SubTotal: 185, TotalTax: 0, Total: 185, AmountDue: 185, DueDateString: "2026-05-15T00:00:00", InvoiceNumber: inv.InvoiceNumber });
    expect(updated.LineItems.map((l: { Description: string; Quantity: number; UnitAmount: number; LineAmount: number }) => [l.Description, l.Quantity, l.UnitAmount, l.LineAmount])).toEqual([
      ["Design, revised", 3, 60, 180],
      ["Support", 1.5, 3.33, 5],
    ]);
    expect(Number(/\d+/.exec(updated.UpdatedDateUTC)![0])).toBeGreaterThanOrEqual(Number(/\d+/.exec(inv.UpdatedDateUTC)![0]));
    expect(await read(inv.InvoiceID)).toMatchObject({ Total: 185, DueDateString: "2026-05-15T00:00:00", LineItems: [expect.objectContaining({ Description: "Design, revised" }), expect.objectContaining({ Description: "Support" })] });
  });

  it("changes the due date of an approved invoice with payments, but not its lines", async () => {
    const inv = await create();
    expect((await pay(inv.InvoiceID, 40)).status).toBe(200);
    const before = await read(inv.InvoiceID);

    const lines = await update(inv.InvoiceID, { LineItems: [{ Description: "Cheaper", Quantity: 1, UnitAmount: 50, AccountCode: "200" }] });
    expect(lines.status).toBe(400);
    expect(message(lines)).toEqual(["This document cannot be edited as it has a payment or credit note allocated to it."]);
    expect(await read(inv.InvoiceID)).toEqual(before);

    const dated = await update(inv.InvoiceID, { DueDate: "2026-06-30" });
    expect(dated.status, dated.text).toBe(200);
    expect(dated.body.Invoices[0]).toMatchObject({ Status: "AUTHORISED", DueDateString: "2026-06-30T00:00:00", Total: before.Total, AmountPaid: 40 });
  });

  it("changes nothing of a paid or voided invoice", async () => {
    const paidInvoice = await create();
    expect((await pay(paidInvoice.InvoiceID, paidInvoice.Total)).status).toBe(200);
    const paid = await read(paidInvoice.InvoiceID);
    expect(paid.Status).toBe("PAID");
    const refusedPaid = await update(paidInvoice.InvoiceID, { DueDate: "2026-06-30" });
    expect(refusedPaid.status).toBe(400);
    expect(message(refusedPaid)).toEqual(["Invoice not of valid status for modification"]);
    expect(await read(paidInvoice.InvoiceID)).toEqual(paid);

    const voidable = await create();
    expect((await update(voidable.InvoiceID, { Status: "VOIDED" })).status).toBe(200);
    const voided = await read(voidable.InvoiceID);
    const refusedVoid = await update(voidable.InvoiceID, { DueDate: "2026-06-30", LineItems: [{ Description: "x", Quantity: 1, UnitAmount: 1, AccountCode: "200" }] });
    expect(message(refusedVoid)).toEqual(["Invoice not of valid status for modification"]);
    expect(await read(voidable.InvoiceID)).toEqual(voided);
  });

  it("edits a draft freely, replays a repeated Idempotency-Key, and announces the change as INVOICE UPDATE", async () => {
    const key = "xero-update-webhook-key";
    const received: { body: string }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const valid = req.headers["x-xero-signature"] === createHmac("sha256", key).update(body).digest("base64");
        if (valid) received.push({ body });
        res.writeHead(valid ? 200 : 401).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/xero`;
      const sub = await (await fetch(`${h.url}/_sandbox/webhooks`, { method: "POST", body: JSON.stringify({ accountId: t.tenantId, url, secret: key }) })).json();
      expect(sub.status).toBe("active");

      const draft = await create({ Status: "DRAFT" });
      const body = { DueDate: "2026-07-01", LineItems: [{ Description: "Drafted", Quantity: 2, UnitAmount: 10, AccountCode: "200" }] };
      const first = await update(draft.InvoiceID, body, { "Idempotency-Key": "update-draft-1" });
      expect(first.body.Invoices[0]).toMatchObject({ Status: "DRAFT", Total: 23, DueDateString: "2026-07-01T00:00:00" }); // Exclusive: 15% tax on top
      const again = await update(draft.InvoiceID, body, { "Idempotency-Key": "update-draft-1" });
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.body.Invoices[0].UpdatedDateUTC).toBe(first.body.Invoices[0].UpdatedDateUTC);

      const until = Date.now() + 3_000;
      const updates = () =>
        received.flatMap((r) => (JSON.parse(r.body) as { events: { resourceId: string; eventType: string; eventCategory: string }[] }).events).filter((e) => e.resourceId === draft.InvoiceID && e.eventType === "UPDATE");
      while (updates().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(updates()).toEqual([expect.objectContaining({ eventCategory: "INVOICE", eventType: "UPDATE" })]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
