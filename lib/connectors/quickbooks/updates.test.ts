/**
 * updateInvoice against the QuickBooks sandbox: a sparse update of DueDate and Line made once per
 * idempotency key and read back in the answer, single reads, lists and CDC; the stale-SyncToken
 * refetch; QuickBooks' refusals (void, a total below what was paid) and malformed patches, with
 * nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox } from "../../sandbox";
import { requireSettings, type ProviderSettings } from "../config";
import { canUpdateIssued } from "../index";
import type { ClientContext, Connector, InvoiceDraft, InvoicePatch, ProviderClient } from "../types";
import { createQuickbooksConnector } from "./index";

type Json = Record<string, unknown>;

let sandbox: ReturnType<typeof createSandbox>;
let server: { url: string; port: number; close: () => Promise<void> };
let settings: ProviderSettings<"quickbooks">;
let connector: Connector;

async function control(path: string, body?: unknown, method = "POST"): Promise<Json> {
  const res = await fetch(`${server.url}/_sandbox${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await res.json()) as Json;
}

beforeAll(async () => {
  sandbox = createSandbox("quickbooks");
  server = await sandbox.listen(0);
  settings = requireSettings("quickbooks", { CONCORD_PROVIDERS: "sandbox", SANDBOX_QUICKBOOKS_PORT: String(server.port) });
  connector = createQuickbooksConnector(() => settings, { pageSize: 10 });
  await control("/oauth", { accessTokenTtlSeconds: 31_536_000 });
  await control("/clock", { scale: 1000 });
});

afterAll(async () => {
  await server.close();
});

let keys = 0;

type Books = {
  /** A client on its own connection key; `calls` counts the requests it made. */
  client(hook?: (call: number) => Promise<void>): ProviderClient & { calls: () => number };
  raw(method: string, path: string, body?: unknown, query?: Record<string, string>): Promise<{ status: number; body: Json }>;
  invoice(id: string): Promise<Json>;
};

async function books(name: string): Promise<Books> {
  const account = (await control("/accounts", { name })) as { accountId: string; accessToken: string };
  const raw: Books["raw"] = async (method, path, body, query = {}) => {
    const url = new URL(`${server.url}/v3/company/${account.accountId}${path}`);
    url.searchParams.set("minorversion", "75");
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const res = await fetch(url, {
      method,
      headers: { accept: "application/json", authorization: `Bearer ${account.accessToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  return {
    client(hook) {
      let calls = 0;
      const context: ClientContext = {
        accountId: account.accountId,
        connectionKey: `quickbooks-update-test:${++keys}`,
        accessToken: async () => {
          calls += 1;
          await hook?.(calls);
          return account.accessToken;
        },
      };
      return Object.assign(connector.client(context), { calls: () => calls });
    },
    raw,
    invoice: async (id) => (await raw("GET", `/invoice/${id}`)).body.Invoice as Json,
  };
}

const draft = (concordId: string, overrides: Partial<InvoiceDraft> = {}): InvoiceDraft => ({
  concordId,
  number: null,
  customer: { externalId: null, name: "Acme Widgets", email: "ap@acme.test" },
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
    { description: "Support", quantity: "1.5", unitAmountMinor: 333n },
  ],
};

describe("updateInvoice", () => {
  it("is allowed on issued QuickBooks invoices, due date and lines", () => {
    expect(canUpdateIssued("quickbooks")).toEqual({ dueDate: true, lines: true });
  });

  it("changes the due date and every line once per idempotency key, read back in the answer, reads, lists and CDC", async () => {
    const b = await books("Updating Books");
    const created = await b.client().createInvoice(draft("cinv_upd_1"), { idempotencyKey: "create-1" });
    expect(created.totalMinor).toBe(16_500n);
    const cursor = await b.client().startCursor();

    const updated = await b.client().updateInvoice(created.externalId, patch, { idempotencyKey: "concord:cinv_upd_1:conflict_1:conn:update" });
    expect(updated).toMatchObject({
      externalId: created.externalId,
      dueDate: "2026-05-15",
      totalMinor: 18_500n,
      amountDueMinor: 18_500n,
      status: "OPEN",
      crossReference: "cinv_upd_1",
      issueDate: "2026-03-01",
    });
    expect(updated.lines).toEqual([
      { description: "Design, revised", quantity: "3", unitAmountMinor: 6000n, amountMinor: 18_000n },
      { description: "Support", quantity: "1.5", unitAmountMinor: 333n, amountMinor: 500n },
    ]);
    expect(updated.version > created.version).toBe(true);
    expect(await b.invoice(created.externalId)).toMatchObject({ SyncToken: "1", TotalAmt: 185, Balance: 185, DueDate: "2026-05-15" });

    // The same write again (a retried push): nothing is written, the same state answers.
    const again = b.client();
    const repeated = await again.updateInvoice(created.externalId, patch, { idempotencyKey: "concord:cinv_upd_1:conflict_1:conn:update" });
    expect(repeated).toMatchObject({ externalId: created.externalId, version: updated.version, totalMinor: 18_500n, lines: updated.lines });
    expect(again.calls()).toBe(1); // the read; no POST
    expect((await b.invoice(created.externalId)).SyncToken).toBe("1");

    const read = await b.client().getInvoice(created.externalId);
    expect(read).toMatchObject({ version: updated.version, dueDate: "2026-05-15", totalMinor: 18_500n, lines: updated.lines });
    const listed = (await b.client().listInvoices(null)).items.find((i) => i.externalId === created.externalId);
    expect(listed).toMatchObject({ version: updated.version, dueDate: "2026-05-15", totalMinor: 18_500n, lines: updated.lines });
    const changes = await b.client().changes(cursor);
    expect(changes.invoices.filter((i) => i.externalId === created.externalId)).toEqual([expect.objectContaining({ version: updated.version, dueDate: "2026-05-15", totalMinor: 18_500n, lines: updated.lines })]);
  });

  it("changes only what the patch names: a due date keeps the lines, lines keep the due date", async () => {
    const b = await books("Partial Books");
    const created = await b.client().createInvoice(draft("cinv_upd_2"), { idempotencyKey: "create-2" });
    const dated = await b.client().updateInvoice(created.externalId, { dueDate: "2026-06-01" }, { idempotencyKey: "due-2" });
    expect(dated).toMatchObject({ dueDate: "2026-06-01", totalMinor: 16_500n, lines: created.lines });
    const relined = await b.client().updateInvoice(created.externalId, { lines: [{ description: "Flat fee", quantity: "1", unitAmountMinor: 9_900n }] }, { idempotencyKey: "lines-2" });
    expect(relined).toMatchObject({ dueDate: "2026-06-01", totalMinor: 9_900n, lines: [{ description: "Flat fee", quantity: "1", unitAmountMinor: 9_900n, amountMinor: 9_900n }] });
  });

  it("keeps lines on a partly paid invoice as long as the total stays at least what was paid", async () => {
    const b = await books("Paid Books");
    const created = await b.client().createInvoice(draft("cinv_upd_3"), { idempotencyKey: "create-3" });
    await b.client().recordPayment({ invoiceExternalId: created.externalId, amountMinor: 10_000n, currency: "USD", paidOn: "2026-03-05", reference: null }, { idempotencyKey: "pay-3" });
    const updated = await b.client().updateInvoice(created.externalId, { lines: [{ description: "Design", quantity: "1", unitAmountMinor: 12_000n }] }, { idempotencyKey: "lines-3" });
    expect(updated).toMatchObject({ status: "PARTIALLY_PAID", totalMinor: 12_000n, amountPaidMinor: 10_000n, amountDueMinor: 2_000n });
  });

  it("reads again and retries once when someone saved the invoice between the read and the write (5010)", async () => {
    const b = await books("Stale Books");
    const created = await b.client().createInvoice(draft("cinv_upd_4"), { idempotencyKey: "create-4" });
    // Call 1 reads the invoice; before call 2 (the update) another user saves it.
    const client = b.client(async (call) => {
      if (call !== 2) return;
      const current = await b.invoice(created.externalId);
      expect((await b.raw("POST", "/invoice", { Id: current.Id, SyncToken: current.SyncToken, sparse: true, CustomerMemo: { value: "Edited meanwhile" } })).status).toBe(200);
    });
    const updated = await client.updateInvoice(created.externalId, patch, { idempotencyKey: "update-4" });
    expect(updated).toMatchObject({ dueDate: "2026-05-15", totalMinor: 18_500n, memo: "Edited meanwhile" });
    expect(client.calls()).toBe(4); // read, stale write, read again, write
    expect((await b.invoice(created.externalId)).SyncToken).toBe("2");
  });

  it("refuses a void invoice, a total below what was paid and an unknown invoice, and writes nothing", async () => {
    const b = await books("Refusing Books");
    const voided = await b.client().createInvoice(draft("cinv_upd_5"), { idempotencyKey: "create-5" });
    await b.client().voidInvoice(voided.externalId, { idempotencyKey: "void-5" });
    const voidBefore = await b.invoice(voided.externalId);
    await expect(b.client().updateInvoice(voided.externalId, { dueDate: "2026-07-01" }, { idempotencyKey: "update-5" })).rejects.toMatchObject({ provider: "quickbooks", kind: "invalid", details: { code: "invoice_void" } });
    expect(await b.invoice(voided.externalId)).toEqual(voidBefore);

    const partly = await b.client().createInvoice(draft("cinv_upd_6"), { idempotencyKey: "create-6" });
    await b.client().recordPayment({ invoiceExternalId: partly.externalId, amountMinor: 10_000n, currency: "USD", paidOn: "2026-03-05", reference: null }, { idempotencyKey: "pay-6" });
    const paidBefore = await b.invoice(partly.externalId);
    const below = b.client().updateInvoice(partly.externalId, { dueDate: "2026-07-01", lines: [{ description: "Design", quantity: "1", unitAmountMinor: 9_999n }] }, { idempotencyKey: "update-6" });
    await expect(below).rejects.toMatchObject({ kind: "invalid", details: { code: "total_below_paid" } });
    expect(await b.invoice(partly.externalId)).toEqual(paidBefore);

    await expect(b.client().updateInvoice("999999", { dueDate: "2026-07-01" }, { idempotencyKey: "update-x" })).rejects.toMatchObject({ kind: "not_found" });
  });

  it("refuses malformed patches before calling QuickBooks", async () => {
    const b = await books("Careful Books");
    const created = await b.client().createInvoice(draft("cinv_upd_7"), { idempotencyKey: "create-7" });
    const line = { description: "Design", quantity: "1", unitAmountMinor: 100n };
    const bad: [string, unknown][] = [
      ["patch", {}],
      ["dueDate", { dueDate: "2026-02-30" }],
      ["dueDate", { dueDate: "15/05/2026" }],
      ["lines", { lines: [] }],
      ["lines.0.quantity", { lines: [{ ...line, quantity: "0" }] }],
      ["lines.0.quantity", { lines: [{ ...line, quantity: "-1" }] }],
      ["lines.0.quantity", { lines: [{ ...line, quantity: "1e3" }] }],
      ["lines.0.unitAmountMinor", { lines: [{ ...line, unitAmountMinor: -1n }] }],
      ["lines.0.unitAmountMinor", { lines: [{ ...line, unitAmountMinor: 12.5 }] }],
      ["lines.0.unitAmountMinor", { lines: [{ ...line, unitAmountMinor: 2n ** 53n }] }],
      ["patch", { totalMinor: 100n }],
    ];
    for (const [field, value] of bad) {
      const client = b.client();
      const error = await client.updateInvoice(created.externalId, value as InvoicePatch, { idempotencyKey: "bad" }).catch((e: unknown) => e);
      expect(error, JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))).toMatchObject({ kind: "invalid", transient: false, details: { code: "invalid_update" } });
      expect((error as Error).message).toContain(field);
      expect(client.calls()).toBe(0);
    }
    expect((await b.invoice(created.externalId)).SyncToken).toBe("0");
  });
});
