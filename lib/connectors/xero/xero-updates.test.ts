/**
 * updateInvoice against the Xero sandbox: due date and lines changed once per idempotency key and
 * read back in the answer, single reads, lists and changes; Xero's rules (lines only without
 * payments, nothing of a paid or void invoice) and malformed patches refused with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canUpdateIssued } from "../index";
import type { InvoiceDraft, InvoicePatch, ProviderClient } from "../types";
import { type Harness, newOrg, type Org, raw, sleep, startHarness, vault } from "./testing";

let h: Harness;
let org: Org;
let client: ProviderClient;
beforeAll(async () => {
  h = await startHarness();
  org = await newOrg(h, "Updating Org");
  client = vault(h, org).client;
});
afterAll(() => h.close());

const draft = (concordId: string, overrides: Partial<InvoiceDraft> = {}): InvoiceDraft => ({
  concordId,
  number: null,
  customer: { externalId: null, name: "Updated Customer Ltd", email: null },
  currency: "USD",
  issueDate: "2026-03-01",
  dueDate: "2026-03-31",
  memo: null,
  lines: [
    { description: "Design", quantity: "2", unitAmountMinor: 7500n },
    { description: "Hosting", quantity: "1", unitAmountMinor: 1500n },
  ],
  ...overrides,
});

const patch: InvoicePatch = {
  dueDate: "2026-05-15",
  lines: [
    { description: "Design, revised", quantity: "3", unitAmountMinor: 6000n },
    { description: "Support", quantity: "1.5", unitAmountMinor: 334n },
  ],
};

/** How many POST /Invoices/{id} the sandbox answered, by status. */
const posts = async () => ((await h.stats()).requests["POST /api.xro/2.0/Invoices/:id"] ?? {}) as Record<string, number>;
const pay = (id: string, amountMinor: bigint) => client.recordPayment({ invoiceExternalId: id, amountMinor, currency: "USD", paidOn: "2026-03-05", reference: null }, { idempotencyKey: `pay:${id}:${amountMinor}` });
const stored = async (id: string) => (await raw(h, org, "GET", `/Invoices/${id}`)).body.Invoices[0];

describe("updateInvoice", () => {
  it("is allowed on issued Xero invoices, due date and lines", () => {
    expect(canUpdateIssued("xero")).toEqual({ dueDate: true, lines: true });
  });

  it("changes the due date and every line once per idempotency key, read back in the answer, reads, lists and changes", async () => {
    const created = await client.createInvoice(draft("inv_upd_1"), { idempotencyKey: "inv_upd_1" });
    const cursor = await client.startCursor();
    await sleep(5);

    const updated = await client.updateInvoice(created.externalId, patch, { idempotencyKey: "concord:inv_upd_1:c1:xero:update" });
    expect(updated).toMatchObject({ externalId: created.externalId, status: "OPEN", dueDate: "2026-05-15", totalMinor: 18_501n, amountDueMinor: 18_501n, crossReference: "inv_upd_1", number: created.number });
    expect(updated.lines).toEqual([
      { description: "Design, revised", quantity: "3", unitAmountMinor: 6000n, amountMinor: 18_000n },
      { description: "Support", quantity: "1.5", unitAmountMinor: 334n, amountMinor: 501n },
    ]);
    expect(updated.version > created.version).toBe(true);
    expect((await stored(created.externalId)).LineAmountTypes).toBe("NoTax");

    // A retried push: the invoice already shows the patch, so nothing is written again.
    const before = await posts();
    expect(before["200"]).toBeGreaterThan(0);
    const repeated = await client.updateInvoice(created.externalId, patch, { idempotencyKey: "concord:inv_upd_1:c1:xero:update" });
    expect(repeated).toMatchObject({ version: updated.version, totalMinor: 18_501n, lines: updated.lines });
    expect(await posts()).toEqual(before);

    expect(await client.getInvoice(created.externalId)).toMatchObject({ version: updated.version, dueDate: "2026-05-15", totalMinor: 18_501n, lines: updated.lines });
    const listed = (await client.listInvoices(null)).items.find((i) => i.externalId === created.externalId);
    expect(listed).toMatchObject({ version: updated.version, dueDate: "2026-05-15", totalMinor: 18_501n, lines: updated.lines });
    const changed = await client.changes(cursor);
    expect(changed.invoices.filter((i) => i.externalId === created.externalId)).toEqual([expect.objectContaining({ version: updated.version, dueDate: "2026-05-15", totalMinor: 18_501n, lines: updated.lines })]);
  });

  it("changes a partly paid invoice's due date but refuses its lines, writing nothing", async () => {
    const created = await client.createInvoice(draft("inv_upd_2"), { idempotencyKey: "inv_upd_2" });
    await pay(created.externalId, 5_000n);
    const before = await stored(created.externalId);
    await expect(client.updateInvoice(created.externalId, patch, { idempotencyKey: "upd_2" })).rejects.toMatchObject({ provider: "xero", kind: "invalid", transient: false, details: { code: "payments_applied" } });
    expect(await stored(created.externalId)).toEqual(before);

    const dated = await client.updateInvoice(created.externalId, { dueDate: "2026-06-30" }, { idempotencyKey: "upd_2_due" });
    expect(dated).toMatchObject({ status: "PARTIALLY_PAID", dueDate: "2026-06-30", totalMinor: 16_500n, amountPaidMinor: 5_000n, lines: created.lines });
  });

  it("refuses a paid, a voided and an unknown invoice, and writes nothing", async () => {
    const paid = await client.createInvoice(draft("inv_upd_3"), { idempotencyKey: "inv_upd_3" });
    await pay(paid.externalId, 16_500n);
    const paidBefore = await stored(paid.externalId);
    await expect(client.updateInvoice(paid.externalId, { dueDate: "2026-06-30" }, { idempotencyKey: "upd_3" })).rejects.toMatchObject({ kind: "invalid", details: { code: "invoice_paid" } });
    expect(await stored(paid.externalId)).toEqual(paidBefore);

    const voided = await client.createInvoice(draft("inv_upd_4"), { idempotencyKey: "inv_upd_4" });
    await client.voidInvoice(voided.externalId, { idempotencyKey: "void_4" });
    const voidBefore = await stored(voided.externalId);
    await expect(client.updateInvoice(voided.externalId, patch, { idempotencyKey: "upd_4" })).rejects.toMatchObject({ kind: "invalid", details: { code: "invoice_void" } });
    expect(await stored(voided.externalId)).toEqual(voidBefore);

    await expect(client.updateInvoice("00000000-0000-4000-8000-000000000000", { dueDate: "2026-06-30" }, { idempotencyKey: "upd_x" })).rejects.toMatchObject({ kind: "not_found" });
  });

  it("replaces the lines of a draft, and refuses amounts Xero would round and malformed patches before writing", async () => {
    const made = await raw(h, org, "PUT", "/Invoices", { Type: "ACCREC", Contact: { Name: "Draft Customer" }, Status: "DRAFT", LineItems: [{ Description: "x", Quantity: 1, UnitAmount: 10, AccountCode: "200" }] });
    const id = made.body.Invoices[0].InvoiceID as string;
    const relined = await client.updateInvoice(id, { lines: [{ description: "Drafted", quantity: "2", unitAmountMinor: 1250n }] }, { idempotencyKey: "upd_draft" });
    expect(relined).toMatchObject({ status: "DRAFT", totalMinor: 2500n, lines: [{ description: "Drafted", quantity: "2", unitAmountMinor: 1250n, amountMinor: 2500n }] });

    const before = await posts();
    const kwd = await client.createInvoice(draft("inv_upd_kwd", { currency: "KWD", lines: [{ description: "Seat", quantity: "2", unitAmountMinor: 1235n }] }), { idempotencyKey: "inv_upd_kwd" });
    await expect(client.updateInvoice(kwd.externalId, { lines: [{ description: "Seat", quantity: "1", unitAmountMinor: 1234n }] }, { idempotencyKey: "upd_kwd" })).rejects.toMatchObject({ kind: "invalid", details: { code: "precision" } });
    await expect(client.updateInvoice(kwd.externalId, { lines: [{ description: "Seat", quantity: "0.00001", unitAmountMinor: 1000n }] }, { idempotencyKey: "upd_kwd2" })).rejects.toMatchObject({ kind: "invalid", details: { code: "quantity" } });
    for (const bad of [{}, { dueDate: "2026-13-01" }, { lines: [{ description: "x", quantity: "1", unitAmountMinor: -5n }] }] as InvoicePatch[]) {
      await expect(client.updateInvoice(kwd.externalId, bad, { idempotencyKey: "upd_bad" })).rejects.toMatchObject({ kind: "invalid", details: { code: "invalid_update" } });
    }
    expect(await posts()).toEqual(before);
  });
});
