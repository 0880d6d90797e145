/**
 * Updating an invoice in the QuickBooks sandbox as Intuit documents it: a sparse update of
 * DueDate and/or Line with the current SyncToken (Line replaces every line; TotalAmt, Balance
 * and the customer's balance follow), refused without change for a stale SyncToken (5010), a
 * voided invoice and a total below the payments applied (6000); once per requestid; in CDC and
 * announced by webhook.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customer, fault, invoice, type QboClient, receiver, salesLine, startSandbox, type TestSandbox } from "./testing";

let env: TestSandbox;

beforeAll(async () => {
  env = await startSandbox();
});
afterAll(async () => {
  await env.close();
});

const line = (Description: string, Qty: number, UnitPrice: number) => ({ ...salesLine(Math.round(Qty * UnitPrice * 100) / 100, Qty, UnitPrice), Description });

async function paid(qbo: QboClient, customerId: string, invoiceId: string, amount: number): Promise<void> {
  const answer = await qbo.post("/payment", { CustomerRef: { value: customerId }, TotalAmt: amount, Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoiceId, TxnType: "Invoice" }] }] });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}

describe("invoice updates", () => {
  it("changes DueDate alone, or replaces every line and recomputes the totals and the customer's balance", async () => {
    const qbo = await env.realm("Updating Books");
    const c = await customer(qbo, "Updated Customer");
    const inv = await invoice(qbo, c.Id, [line("Design", 2, 75), line("Hosting", 1, 20)], { DueDate: "2026-04-01" });
    expect(inv).toMatchObject({ TotalAmt: 170, Balance: 170 });

    const dated = await qbo.post("/invoice", { Id: inv.Id, SyncToken: inv.SyncToken, sparse: true, DueDate: "2026-05-15" });
    expect(dated.status).toBe(200);
    expect(dated.body.Invoice).toMatchObject({ SyncToken: "1", DueDate: "2026-05-15", TotalAmt: 170, Balance: 170, TxnDate: inv.TxnDate });
    expect(dated.body.Invoice.Line).toEqual(inv.Line);

    const relined = await qbo.post("/invoice", { Id: inv.Id, SyncToken: "1", sparse: true, Line: [line("Design, revised", 3, 60)] });
    expect(relined.status).toBe(200);
    const updated = relined.body.Invoice;
    expect(updated).toMatchObject({ SyncToken: "2", DueDate: "2026-05-15", TotalAmt: 180, Balance: 180 });
    expect(updated.Line.filter((l: { DetailType: string }) => l.DetailType === "SalesItemLineDetail")).toEqual([
      expect.objectContaining({ Description: "Design, revised", Amount: 180, SalesItemLineDetail: expect.objectContaining({ Qty: 3, UnitPrice: 60 }) }),
    ]);
    expect(updated.Line.at(-1)).toMatchObject({ DetailType: "SubTotalLineDetail", Amount: 180 });
    expect((await qbo.get(`/customer/${c.Id}`)).body.Customer.Balance).toBe(180);
    expect((await qbo.get(`/invoice/${inv.Id}`)).body.Invoice).toEqual(updated);
  });

  it("keeps a total at least what was paid, edits no voided invoice, and changes nothing when it refuses", async () => {
    const qbo = await env.realm("Strict Updates");
    const c = await customer(qbo, "Partly Paid Co");
    const inv = await invoice(qbo, c.Id, [line("Licence", 1, 100)]);
    await paid(qbo, c.Id, inv.Id, 60);
    const before = (await qbo.get(`/invoice/${inv.Id}`)).body.Invoice;
    expect(before).toMatchObject({ TotalAmt: 100, Balance: 40 });

    const below = await qbo.post("/invoice", { Id: inv.Id, SyncToken: before.SyncToken, sparse: true, Line: [line("Licence", 1, 59.99)] });
    expect(below.status).toBe(400);
    expect(fault(below)).toMatchObject({ code: "6000" });
    expect(fault(below).Detail).toContain("can't be less than the payments applied");
    expect((await qbo.get(`/invoice/${inv.Id}`)).body.Invoice).toEqual(before);

    const exact = await qbo.post("/invoice", { Id: inv.Id, SyncToken: before.SyncToken, sparse: true, Line: [line("Licence", 1, 60)] });
    expect(exact.body.Invoice).toMatchObject({ TotalAmt: 60, Balance: 0 });

    const stale = await qbo.post("/invoice", { Id: inv.Id, SyncToken: before.SyncToken, sparse: true, DueDate: "2026-09-01" });
    expect(fault(stale)).toMatchObject({ code: "5010" });

    const other = await invoice(qbo, c.Id, [line("Setup", 1, 10)]);
    const voided = (await qbo.post("/invoice", { Id: other.Id, SyncToken: other.SyncToken }, { operation: "void" })).body.Invoice;
    const refused = await qbo.post("/invoice", { Id: other.Id, SyncToken: voided.SyncToken, sparse: true, DueDate: "2026-09-01" });
    expect(fault(refused)).toMatchObject({ code: "6000" });
    expect((await qbo.get(`/invoice/${other.Id}`)).body.Invoice).toEqual(voided);
  });

  it("answers a repeated requestid with the first answer, shows the update in CDC and announces it", async () => {
    const qbo = await env.realm("Announced Updates");
    const hook = await receiver();
    try {
      await env.control("/webhooks", { accountId: qbo.realmId, url: hook.url, secret: "verifier", events: ["qbo.invoice.updated.v1"] });
      const since = new Date(Date.now() - 1000).toISOString();
      const c = await customer(qbo, "Announced Co");
      const inv = await invoice(qbo, c.Id, [line("Audit", 4, 25)]);
      const body = { Id: inv.Id, SyncToken: inv.SyncToken, sparse: true, DueDate: "2026-06-30", Line: [line("Audit", 5, 25)] };
      const first = await qbo.post("/invoice", body, { requestid: "update-1" });
      expect(first.body.Invoice).toMatchObject({ SyncToken: "1", TotalAmt: 125, DueDate: "2026-06-30" });
      const again = await qbo.post("/invoice", { ...body, SyncToken: "1" }, { requestid: "update-1" });
      expect(again.body.Invoice).toEqual(first.body.Invoice);
      expect((await qbo.get(`/invoice/${inv.Id}`)).body.Invoice.SyncToken).toBe("1");

      const cdc = await qbo.get("/cdc", { entities: "Invoice", changedSince: since });
      expect(cdc.body.CDCResponse[0].QueryResponse[0].Invoice).toEqual([expect.objectContaining({ Id: inv.Id, SyncToken: "1", TotalAmt: 125, DueDate: "2026-06-30" })]);

      await env.sandbox.webhooks.idle();
      const events = hook.deliveries.flatMap((d) => JSON.parse(d.raw) as { type: string; intuitentityid: string }[]);
      expect(events.map((e) => [e.type, e.intuitentityid])).toEqual([["qbo.invoice.updated.v1", inv.Id]]);
    } finally {
      await hook.close();
    }
  });
});
