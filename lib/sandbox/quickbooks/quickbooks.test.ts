/**
 * The QuickBooks Online sandbox driven over HTTP exactly as Intuit documents the API (there is
 * no official Node SDK we use): SyncToken conflicts, payments closing invoices, queries with
 * paging, CDC, batch, requestid idempotency and deterministic seeding.
 * Throttling, faults, webhooks, OAuth and bad input: quickbooks-platform.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customer, fault, invoice, type Json, type QboClient, salesLine, startSandbox, type TestSandbox } from "./testing";
import { metaTime } from "./time";

let env: TestSandbox;
const control: TestSandbox["control"] = (...args) => env.control(...args);
const realm: TestSandbox["realm"] = (...args) => env.realm(...args);

beforeAll(async () => {
  env = await startSandbox();
});

afterAll(async () => {
  await env.close();
});

describe("invoices and SyncToken", () => {
  it("answers an update with an old SyncToken with 5010 Stale Object Error; refetch and retry works", async () => {
    const qbo = await realm();
    const c = await customer(qbo, "Stale & Sons");
    const inv = await invoice(qbo, c.Id);
    expect(inv).toMatchObject({ SyncToken: "0", TotalAmt: 150, Balance: 150, CustomerRef: { value: c.Id, name: "Stale & Sons" }, CurrencyRef: { value: "USD" } });
    expect(inv.Line.at(-1)).toMatchObject({ DetailType: "SubTotalLineDetail", Amount: 150 });
    expect(inv.time).toBeUndefined();

    const first = await qbo.post("/invoice", { Id: inv.Id, SyncToken: "0", sparse: true, PrivateNote: "first" });
    expect(first.status).toBe(200);
    expect(first.body.Invoice).toMatchObject({ SyncToken: "1", PrivateNote: "first", TotalAmt: 150 });
    expect(first.body.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-0[78]:00$/);

    const stale = await qbo.post("/invoice", { Id: inv.Id, SyncToken: "0", sparse: true, PrivateNote: "second" });
    expect(stale.status).toBe(400);
    expect(stale.body.Fault.type).toBe("ValidationFault");
    expect(fault(stale)).toMatchObject({ code: "5010", Message: "Stale Object Error" });
    expect(fault(stale).Detail).toMatch(/^Stale Object Error : You and .+ were working on this at the same time/);

    const fresh = await qbo.get(`/invoice/${inv.Id}`);
    expect(fresh.body.Invoice.PrivateNote).toBe("first");
    const retry = await qbo.post("/invoice", { Id: inv.Id, SyncToken: fresh.body.Invoice.SyncToken, sparse: true, PrivateNote: "second" });
    expect(retry.body.Invoice).toMatchObject({ SyncToken: "2", PrivateNote: "second" });
  });

  it("replaces everything on a full update and checks Qty × UnitPrice in cents", async () => {
    const qbo = await realm();
    const c = await customer(qbo, "Full Update Ltd");
    const inv = await invoice(qbo, c.Id, [salesLine("0.10"), salesLine(0.2)], { PrivateNote: "keep?" });
    expect(inv.TotalAmt).toBe(0.3); // not 0.30000000000000004

    const missingLine = await qbo.post("/invoice", { Id: inv.Id, SyncToken: "0", CustomerRef: { value: c.Id } });
    expect(fault(missingLine)).toMatchObject({ code: "2020", element: "Line" });
    const full = await qbo.post("/invoice", { Id: inv.Id, SyncToken: "0", CustomerRef: { value: c.Id }, Line: [salesLine(76.5, 3, 25.5)] });
    expect(full.body.Invoice).toMatchObject({ TotalAmt: 76.5, Balance: 76.5, SyncToken: "1" });
    expect(full.body.Invoice.PrivateNote).toBeUndefined();

    const wrong = await qbo.post("/invoice", { CustomerRef: { value: c.Id }, Line: [salesLine(10, 3, 3.33)] });
    expect(fault(wrong).code).toBe("6070");
  });

  it("voids an invoice: amounts zeroed, PrivateNote marked, its payment left unapplied", async () => {
    const qbo = await realm();
    const c = await customer(qbo, "Void Corp");
    const inv = await invoice(qbo, c.Id, [salesLine(200)], { PrivateNote: "sent twice" });
    const pay = await qbo.post("/payment", { CustomerRef: { value: c.Id }, TotalAmt: 80, Line: [{ Amount: 80, LinkedTxn: [{ TxnId: inv.Id, TxnType: "Invoice" }] }] });
    const current = (await qbo.get(`/invoice/${inv.Id}`)).body.Invoice;
    const voided = await qbo.post("/invoice", { Id: inv.Id, SyncToken: current.SyncToken }, { operation: "void" });
    expect(voided.status).toBe(200);
    expect(voided.body.Invoice).toMatchObject({ TotalAmt: 0, Balance: 0, PrivateNote: "Voided - sent twice", LinkedTxn: [] });
    expect(voided.body.Invoice.Line.every((l: { Amount?: number }) => (l.Amount ?? 0) === 0)).toBe(true);
    const payment = (await qbo.get(`/payment/${pay.body.Payment.Id}`)).body.Payment;
    expect(payment).toMatchObject({ TotalAmt: 80, UnappliedAmt: 80, Line: [] });
    expect((await qbo.get(`/customer/${c.Id}`)).body.Customer.Balance).toBe(-80); // the payment is now a credit
  });
});

describe("payments", () => {
  it("applies payments through LinkedTxn until the invoice Balance is 0, and a deleted payment restores it", async () => {
    const qbo = await realm();
    const c = await customer(qbo, "Paying Customer GmbH", { CurrencyRef: { value: "EUR" } });
    const inv = await invoice(qbo, c.Id, [salesLine(76.5, 3, 25.5), salesLine(73.5)]);
    expect(inv.CurrencyRef).toEqual({ value: "EUR", name: "Euro" });

    const link = (amount: number) => ({ CustomerRef: { value: c.Id }, TotalAmt: amount, Line: [{ Amount: amount, LinkedTxn: [{ TxnId: inv.Id, TxnType: "Invoice" }] }] });
    const p1 = await qbo.post("/payment", link(100.1));
    expect(p1.status, JSON.stringify(p1.body)).toBe(200);
    expect(p1.body.Payment).toMatchObject({ TotalAmt: 100.1, UnappliedAmt: 0, CurrencyRef: { value: "EUR" } });
    expect(p1.body.Payment.Id).not.toBe(inv.Id); // transactions share one Id sequence
    let current = (await qbo.get(`/invoice/${inv.Id}`)).body.Invoice;
    expect(current).toMatchObject({ Balance: 49.9, SyncToken: "1", LinkedTxn: [{ TxnId: p1.body.Payment.Id, TxnType: "Payment" }] });

    const over = await qbo.post("/payment", link(50));
    expect(fault(over).code).toBe("6000");
    const wrongCurrency = await qbo.post("/payment", { ...link(1), CurrencyRef: { value: "USD" } });
    expect(fault(wrongCurrency).code).toBe("6000");

    const p2 = await qbo.post("/payment", link(49.9));
    current = (await qbo.get(`/invoice/${inv.Id}`)).body.Invoice;
    expect(current.Balance).toBe(0);
    expect(current.LinkedTxn.map((l: { TxnId: string }) => l.TxnId)).toEqual([p1.body.Payment.Id, p2.body.Payment.Id]);
    expect((await qbo.get(`/customer/${c.Id}`)).body.Customer.Balance).toBe(0);

    const deleted = await qbo.post("/payment", { Id: p2.body.Payment.Id, SyncToken: "0" }, { operation: "delete" });
    expect(deleted.body.Payment).toEqual({ status: "Deleted", domain: "QBO", Id: p2.body.Payment.Id });
    current = (await qbo.get(`/invoice/${inv.Id}`)).body.Invoice;
    expect(current.Balance).toBe(49.9);
    expect(current.LinkedTxn).toEqual([{ TxnId: p1.body.Payment.Id, TxnType: "Payment" }]);
    expect(fault(await qbo.get(`/payment/${p2.body.Payment.Id}`)).code).toBe("610");
  });
});

describe("query language", () => {
  it("pages with STARTPOSITION / MAXRESULTS, counts, filters, sorts and refuses bad queries", async () => {
    const qbo = await realm();
    await control("/seed", { accountId: qbo.realmId, seed: 7, customers: 6, invoices: 45 });
    const count = await qbo.query("SELECT COUNT(*) FROM Invoice");
    expect(count.body.QueryResponse).toEqual({ totalCount: 45 });

    const seen: string[] = [];
    for (let start = 1; ; start += 10) {
      const page = await qbo.query(`select * from invoice ORDERBY Id STARTPOSITION ${start} MAXRESULTS 10`);
      const rows = page.body.QueryResponse.Invoice ?? [];
      if (rows.length) expect(page.body.QueryResponse).toMatchObject({ startPosition: start, maxResults: rows.length });
      seen.push(...rows.map((r: { Id: string }) => r.Id));
      if (rows.length < 10) break;
    }
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
    expect(seen).toEqual([...seen].sort((a, b) => Number(a) - Number(b)));

    const all = await qbo.rows("SELECT * FROM Invoice MAXRESULTS 1000", "Invoice");
    const someCustomer = all[0].CustomerRef.value;
    const open = await qbo.rows(`SELECT * FROM Invoice WHERE CustomerRef = '${someCustomer}' AND Balance > '0' ORDERBY TxnDate DESC`, "Invoice");
    expect(open.length).toBe(all.filter((i) => i.CustomerRef.value === someCustomer && i.Balance > 0).length);
    expect(open.map((i) => i.TxnDate)).toEqual([...open.map((i) => i.TxnDate)].sort().reverse());

    const viaGet = await qbo.get("/query", { query: `SELECT * FROM Invoice WHERE DocNumber IN ('${all[0].DocNumber}', '${all[1].DocNumber}')` });
    expect(viaGet.body.QueryResponse.Invoice.map((i: { Id: string }) => i.Id)).toEqual([all[0].Id, all[1].Id]);
    const recent = await qbo.rows(`SELECT * FROM Invoice WHERE Metadata.LastUpdatedTime > '${new Date(Date.now() + 60_000).toISOString()}'`, "Invoice");
    expect(recent).toEqual([]);
    expect((await qbo.query("SELECT * FROM Invoice WHERE Id = '99999'")).body.QueryResponse).toEqual({});

    const parser = await qbo.query("SELECT * FROM Invoice WHERE Balance > '0' OR Id = '1'");
    expect(parser.status).toBe(400);
    expect(fault(parser)).toMatchObject({ code: "4000", Message: "Error parsing query" });
    expect(fault(await qbo.query("SELECT * FROM Invoice WHERE Colour = 'red'")).code).toBe("4001");
    expect(fault(await qbo.query("SELEC * FROM Invoice")).code).toBe("4000");
  });

  it("hides inactive customers unless the query asks for them, and matches names with LIKE", async () => {
    const qbo = await realm();
    const a = await customer(qbo, "Acme Trading Inc.");
    await customer(qbo, "Globex Labs");
    await qbo.post("/customer", { Id: a.Id, SyncToken: a.SyncToken, sparse: true, Active: false });
    expect(await qbo.rows("SELECT * FROM Customer", "Customer")).toHaveLength(1);
    expect(await qbo.rows("SELECT * FROM Customer WHERE Active IN (true, false)", "Customer")).toHaveLength(2);
    const like = await qbo.rows("SELECT Id, DisplayName FROM Customer WHERE DisplayName LIKE '%LABS%'", "Customer");
    expect(like).toEqual([{ Id: expect.any(String), DisplayName: "Globex Labs", domain: "QBO" }]);
    const inactive = await qbo.post("/invoice", { CustomerRef: { value: a.Id }, Line: [salesLine(5)] });
    expect(fault(inactive).code).toBe("610");
  });
});

describe("change data capture", () => {
  it("returns what changed and what was deleted since a time, and refuses more than 30 days back", async () => {
    const qbo = await realm();
    const old = await customer(qbo, "Old Timer Co");
    env.sandbox.data.get(qbo.realmId)!.Customer[old.Id]!.MetaData.LastUpdatedTime = metaTime(Date.now() - 3 * 86_400_000);
    const since = new Date(Date.now() - 1000).toISOString();
    const c = await customer(qbo, "Changed Co");
    const kept = await invoice(qbo, c.Id);
    const gone = await invoice(qbo, c.Id);
    await qbo.post("/invoice", { Id: kept.Id, SyncToken: "0", sparse: true, DueDate: "2026-12-31" });
    await qbo.post("/invoice", { Id: gone.Id, SyncToken: "0" }, { operation: "delete" });
    const pay = await qbo.post("/payment", { CustomerRef: { value: c.Id }, TotalAmt: 10 });

    const cdc = await qbo.get("/cdc", { entities: "Invoice,Payment,Customer", changedSince: since });
    expect(cdc.status).toBe(200);
    const [invoices, payments, customers] = cdc.body.CDCResponse[0].QueryResponse;
    expect(invoices.Invoice).toEqual([expect.objectContaining({ Id: kept.Id, SyncToken: "1", DueDate: "2026-12-31" }), { status: "Deleted", domain: "QBO", Id: gone.Id, MetaData: { LastUpdatedTime: expect.any(String) } }]);
    expect(payments.Payment.map((p: { Id: string }) => p.Id)).toEqual([pay.body.Payment.Id]);
    expect(customers.Customer.map((x: { Id: string }) => x.Id)).toEqual([c.Id]); // not the one changed 3 days ago

    const future = await qbo.get("/cdc", { entities: "Invoice", changedSince: new Date(Date.now() + 5000).toISOString() });
    expect(future.body.CDCResponse[0].QueryResponse).toEqual([{}]);
    const tooOld = await qbo.get("/cdc", { entities: "Invoice", changedSince: new Date(Date.now() - 31 * 86_400_000).toISOString() });
    expect(tooOld.status).toBe(400);
    expect(fault(tooOld).Detail).toContain("older than fixed days");
    expect(fault(await qbo.get("/cdc", { entities: "Invoice" })).code).toBe("2020");
  });
});

describe("batch", () => {
  it("runs mixed create / update / delete / query items, each answered by bId, and caps a batch at 30", async () => {
    const qbo = await realm();
    const c = await customer(qbo, "Batch Customer");
    const inv = await invoice(qbo, c.Id);
    const answer = await qbo.post("/batch", {
      BatchItemRequest: [
        { bId: "create", operation: "create", Customer: { DisplayName: "Made In Batch" } },
        { bId: "update", operation: "update", Invoice: { Id: inv.Id, SyncToken: "0", sparse: true, PrivateNote: "batched" } },
        { bId: "stale", operation: "update", Invoice: { Id: inv.Id, SyncToken: "0", sparse: true, PrivateNote: "too late" } },
        { bId: "query", Query: `SELECT * FROM Invoice WHERE Id = '${inv.Id}'` },
        { bId: "missing", operation: "delete", Invoice: { Id: "98765", SyncToken: "0" } },
        { bId: "duplicate", operation: "create", Customer: { DisplayName: "batch customer" } },
      ],
    });
    expect(answer.status).toBe(200);
    const byId = Object.fromEntries(answer.body.BatchItemResponse.map((r: { bId: string }) => [r.bId, r]));
    expect(byId.create.Customer).toMatchObject({ DisplayName: "Made In Batch", SyncToken: "0" });
    expect(byId.update.Invoice).toMatchObject({ PrivateNote: "batched", SyncToken: "1" });
    expect(byId.stale.Fault).toMatchObject({ type: "ValidationFault", Error: [{ code: "5010" }] });
    expect(byId.query.QueryResponse.Invoice[0]).toMatchObject({ Id: inv.Id, PrivateNote: "batched" });
    expect(byId.missing.Fault.Error[0].code).toBe("610");
    expect(byId.duplicate.Fault.Error[0].code).toBe("6240");

    const items = (n: number) => ({ BatchItemRequest: Array.from({ length: n }, (_, i) => ({ bId: `q${i}`, Query: "SELECT COUNT(*) FROM Customer" })) });
    const thirty = await qbo.post("/batch", items(30));
    expect(thirty.body.BatchItemResponse).toHaveLength(30);
    expect(thirty.body.BatchItemResponse[29]).toEqual({ bId: "q29", QueryResponse: { totalCount: 2 } });
    const tooMany = await qbo.post("/batch", items(31));
    expect(tooMany.status).toBe(400);
    expect(fault(tooMany).Detail).toContain("30");
  });
});

describe("requestid", () => {
  it("answers a repeated requestid with the first answer instead of writing again", async () => {
    const qbo = await realm();
    const first = await qbo.post("/customer", { DisplayName: "Once Only Ltd" }, { requestid: "req-0001" });
    const again = await qbo.post("/customer", { DisplayName: "Once Only Ltd" }, { requestid: "req-0001" });
    const otherBody = await qbo.post("/customer", { DisplayName: "Something Else" }, { requestid: "req-0001" });
    expect(again.body).toEqual(first.body);
    expect(otherBody.body.Customer.Id).toBe(first.body.Customer.Id);
    expect(await qbo.rows("SELECT * FROM Customer", "Customer")).toHaveLength(1);
    const fresh = await qbo.post("/customer", { DisplayName: "Once Only Ltd" }, { requestid: "req-0002" });
    expect(fault(fresh).code).toBe("6240");
    const otherRealm = await realm();
    const elsewhere = await otherRealm.post("/customer", { DisplayName: "Once Only Ltd" }, { requestid: "req-0001" });
    expect(elsewhere.status).toBe(200); // requestids are scoped to a realm
    expect((await qbo.post("/customer", { DisplayName: "Long" }, { requestid: "x".repeat(51) })).status).toBe(400);
  });
});

describe("seed", () => {
  const strip = (rows: Json[]) => rows.map(({ MetaData: _m, ...rest }) => rest);
  async function snapshot(qbo: QboClient) {
    return {
      customers: strip(await qbo.rows("SELECT * FROM Customer WHERE Active IN (true, false) MAXRESULTS 1000", "Customer")),
      invoices: strip(await qbo.rows("SELECT * FROM Invoice MAXRESULTS 1000", "Invoice")),
      payments: strip(await qbo.rows("SELECT * FROM Payment MAXRESULTS 1000", "Payment")),
    };
  }

  it("makes the same messy, multi-currency books for the same seed, with counts in stats", async () => {
    const input = { seed: 42, customers: 8, invoices: 60, currencies: ["USD", "EUR", "JPY", "KWD"] };
    const [a, b, c] = [await realm(), await realm(), await realm()];
    const seeded = await control("/seed", { accountId: a.realmId, ...input });
    expect(seeded.body.created).toMatchObject({ Customer: 8, Invoice: 60 });
    await control("/seed", { accountId: b.realmId, ...input });
    await control("/seed", { accountId: c.realmId, ...input, seed: 43 });
    const [first, second, other] = [await snapshot(a), await snapshot(b), await snapshot(c)];
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);

    const { invoices, payments, customers } = first;
    expect(new Set(invoices.map((i) => i.CurrencyRef.value)).size).toBeGreaterThanOrEqual(3);
    expect(invoices.some((i) => i.Balance > 0 && i.Balance < i.TotalAmt)).toBe(true); // partially paid
    expect(invoices.some((i) => i.TotalAmt > 0 && i.Balance === 0)).toBe(true); // paid
    expect(invoices.some((i) => i.PrivateNote === "Voided")).toBe(true);
    expect(customers.some((x) => x.DisplayName !== x.DisplayName.trim() || /\s{2}/.test(x.DisplayName) || x.DisplayName === x.DisplayName.toUpperCase())).toBe(true);
    for (const inv of invoices) {
      const sales = inv.Line.filter((l: { DetailType: string }) => l.DetailType === "SalesItemLineDetail");
      const toCents = (n: number) => Math.round(n * 100);
      expect(toCents(inv.TotalAmt)).toBe(sales.reduce((s: number, l: { Amount: number }) => s + toCents(l.Amount), 0) * (inv.PrivateNote === "Voided" ? 0 : 1));
      const paid = payments.flatMap((p) => p.Line).filter((l) => l.LinkedTxn[0].TxnId === inv.Id).reduce((s, l) => s + toCents(l.Amount), 0);
      expect(toCents(inv.Balance)).toBe(toCents(inv.TotalAmt) - paid);
    }
    const stats = (await control("/stats", undefined, "GET")).body;
    expect(stats.objects[a.realmId]).toEqual({ Customer: 8, Invoice: 60, Payment: payments.length, RefundReceipt: 0 });
  });
});
