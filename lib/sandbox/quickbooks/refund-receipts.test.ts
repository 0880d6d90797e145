/**
 * Refund receipts in the QuickBooks sandbox over HTTP, as Intuit documents them: created once per
 * requestid, required fields refused with QuickBooks' faults, no effect on invoices or customer
 * balances, read, queried, in CDC (deletions as stubs), updated, voided, deleted, and announced
 * by webhook. Also: payments answer where their money went (DepositToAccountRef).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customer, fault, invoice, type Json, type QboClient, receiver, salesLine, startSandbox, type TestSandbox } from "./testing";

let env: TestSandbox;

beforeAll(async () => {
  env = await startSandbox();
});
afterAll(async () => {
  await env.close();
});

async function paidInvoice(qbo: QboClient, name: string, currency?: string): Promise<{ c: Json; inv: Json; payment: Json }> {
  const c = await customer(qbo, name, currency ? { CurrencyRef: { value: currency } } : {});
  const inv = await invoice(qbo, c.Id);
  const paid = await qbo.post("/payment", { CustomerRef: { value: c.Id }, TotalAmt: 150, Line: [{ Amount: 150, LinkedTxn: [{ TxnId: inv.Id, TxnType: "Invoice" }] }] });
  expect(paid.status).toBe(200);
  return { c, inv: (await qbo.get(`/invoice/${inv.Id}`)).body.Invoice, payment: paid.body.Payment };
}

const receiptBody = (customerId: string, extra: Record<string, unknown> = {}) => ({
  CustomerRef: { value: customerId },
  DepositToAccountRef: { value: "4" },
  TxnDate: "2026-03-09",
  Line: [salesLine(40, 1, 40)],
  PrivateNote: "refund-of:12 customer asked",
  PaymentRefNum: "RF-1",
  ...extra,
});

describe("refund receipts", () => {
  it("are created once per requestid and change no invoice and no customer balance", async () => {
    const qbo = await env.realm("Refund Books");
    const { c, inv, payment } = await paidInvoice(qbo, "Refunded Customer");
    // A payment sent without an account lands in Undeposited Funds, and says so.
    expect(payment.DepositToAccountRef).toEqual({ value: "4", name: "Undeposited Funds" });
    const balance = (await qbo.get(`/customer/${c.Id}`)).body.Customer.Balance;

    const first = await qbo.post("/refundreceipt", receiptBody(c.Id), { requestid: "refund-1" });
    expect(first.status).toBe(200);
    const receipt = first.body.RefundReceipt;
    expect(receipt).toMatchObject({
      SyncToken: "0",
      domain: "QBO",
      TxnDate: "2026-03-09",
      TotalAmt: 40,
      Balance: 0,
      CurrencyRef: { value: "USD" },
      CustomerRef: { value: c.Id, name: "Refunded Customer" },
      DepositToAccountRef: { value: "4" },
      PrivateNote: "refund-of:12 customer asked",
      PaymentRefNum: "RF-1",
      DocNumber: expect.stringMatching(/^\d+$/),
    });
    expect(receipt.Line.at(-1)).toMatchObject({ DetailType: "SubTotalLineDetail", Amount: 40 });
    expect(Number(receipt.Id)).toBeGreaterThan(Number(payment.Id)); // transactions share one sequence

    const again = await qbo.post("/refundreceipt", receiptBody(c.Id, { TxnDate: "2026-04-01" }), { requestid: "refund-1" });
    expect(again.body.RefundReceipt).toEqual(receipt);
    expect(await qbo.rows(`SELECT * FROM RefundReceipt WHERE CustomerRef = '${c.Id}'`, "RefundReceipt")).toHaveLength(1);
    expect((await qbo.query("SELECT COUNT(*) FROM RefundReceipt")).body.QueryResponse.totalCount).toBe(1);

    const after = (await qbo.get(`/invoice/${inv.Id}`)).body.Invoice;
    expect(after).toMatchObject({ Balance: 0, SyncToken: inv.SyncToken, LinkedTxn: inv.LinkedTxn });
    expect((await qbo.get(`/customer/${c.Id}`)).body.Customer.Balance).toBe(balance);
    expect((await qbo.get(`/refundreceipt/${receipt.Id}`)).body.RefundReceipt).toEqual(receipt);
  });

  it("refuses what QuickBooks refuses, and stores nothing then", async () => {
    const qbo = await env.realm("Strict Refunds");
    const { c } = await paidInvoice(qbo, "Euro Client", "EUR");
    const { DepositToAccountRef: _account, ...noAccount } = receiptBody(c.Id);
    expect(fault(await qbo.post("/refundreceipt", noAccount))).toMatchObject({ code: "2020", element: "DepositToAccountRef" });
    const { CustomerRef: _customer, ...noCustomer } = receiptBody(c.Id);
    expect(fault(await qbo.post("/refundreceipt", noCustomer))).toMatchObject({ code: "2020", element: "CustomerRef" });
    expect(fault(await qbo.post("/refundreceipt", receiptBody(c.Id, { Line: [] })))).toMatchObject({ code: "2020", element: "Line" });
    expect(fault(await qbo.post("/refundreceipt", receiptBody(c.Id, { CurrencyRef: { value: "USD" } })))).toMatchObject({ code: "6000" });
    expect(fault(await qbo.post("/refundreceipt", receiptBody("99999")))).toMatchObject({ code: "2500" });
    expect(fault(await qbo.post("/refundreceipt", receiptBody(c.Id, { LinkedTxn: [{ TxnId: "1", TxnType: "Invoice" }] })))).toMatchObject({ code: "2010" });
    expect(fault(await qbo.post("/refundreceipt", receiptBody(c.Id, { Line: [salesLine(40, 2, 30)] })))).toMatchObject({ code: "6070" });
    expect(await qbo.rows("SELECT * FROM RefundReceipt", "RefundReceipt")).toEqual([]);
    expect(fault(await qbo.get("/refundreceipt/999"))).toMatchObject({ code: "610" });
  });

  it("show in CDC, are updated with their SyncToken, voided and deleted, and announced by webhook", async () => {
    const qbo = await env.realm("CDC Refunds");
    const hook = await receiver();
    try {
      await env.control("/webhooks", { accountId: qbo.realmId, url: hook.url, secret: "verifier", events: ["qbo.refundreceipt.created.v1", "qbo.refundreceipt.voided.v1", "qbo.refundreceipt.deleted.v1"] });
      const since = new Date(Date.now() - 1000).toISOString();
      const { c } = await paidInvoice(qbo, "Changing Refunds");
      const kept = (await qbo.post("/refundreceipt", receiptBody(c.Id))).body.RefundReceipt;
      const doomed = (await qbo.post("/refundreceipt", receiptBody(c.Id, { PrivateNote: "refund-of:13" }))).body.RefundReceipt;

      const stale = await qbo.post("/refundreceipt", { Id: kept.Id, SyncToken: "7", sparse: true, PrivateNote: "x" });
      expect(fault(stale).code).toBe("5010");
      const edited = await qbo.post("/refundreceipt", { Id: kept.Id, SyncToken: kept.SyncToken, sparse: true, PaymentRefNum: "RF-2" });
      expect(edited.body.RefundReceipt).toMatchObject({ SyncToken: "1", PaymentRefNum: "RF-2", PrivateNote: "refund-of:12 customer asked", TotalAmt: 40 });
      const voided = await qbo.post("/refundreceipt", { Id: kept.Id, SyncToken: "1" }, { operation: "void" });
      expect(voided.body.RefundReceipt).toMatchObject({ SyncToken: "2", TotalAmt: 0, Balance: 0, PrivateNote: "Voided - refund-of:12 customer asked" });
      expect(fault(await qbo.post("/refundreceipt", { Id: kept.Id, SyncToken: "2", sparse: true, PrivateNote: "again" })).code).toBe("6000");
      expect((await qbo.post("/refundreceipt", { Id: doomed.Id, SyncToken: doomed.SyncToken }, { operation: "delete" })).body.RefundReceipt).toEqual({ status: "Deleted", domain: "QBO", Id: doomed.Id });
      expect(fault(await qbo.get(`/refundreceipt/${doomed.Id}`))).toMatchObject({ code: "610" });

      const cdc = await qbo.get("/cdc", { entities: "Payment,RefundReceipt", changedSince: since });
      const [payments, receipts] = cdc.body.CDCResponse[0].QueryResponse;
      expect(payments.Payment).toHaveLength(1);
      expect(receipts.RefundReceipt).toEqual([expect.objectContaining({ Id: kept.Id, SyncToken: "2", TotalAmt: 0 }), { status: "Deleted", domain: "QBO", Id: doomed.Id, MetaData: { LastUpdatedTime: expect.any(String) } }]);

      await env.sandbox.webhooks.idle();
      const types = hook.deliveries.map((d) => (JSON.parse(d.raw) as { type: string; intuitentityid: string }[])[0]!).map((e) => [e.type, e.intuitentityid]);
      expect(types.sort()).toEqual(
        [
          ["qbo.refundreceipt.created.v1", kept.Id],
          ["qbo.refundreceipt.created.v1", doomed.Id],
          ["qbo.refundreceipt.voided.v1", kept.Id],
          ["qbo.refundreceipt.deleted.v1", doomed.Id],
        ].sort(),
      );
    } finally {
      await hook.close();
    }
  });
});
