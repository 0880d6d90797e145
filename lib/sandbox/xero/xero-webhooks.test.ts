/**
 * Xero webhooks received by a small local server that checks x-xero-signature with its own
 * HMAC-SHA256 (as Xero documents it, not the sandbox's code): intent to receive, event bodies,
 * retries and the webhook being disabled after 24 hours of failures.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Harness, invoice, newTenant, startXero, type Tenant } from "./testing";

type Received = { signature: string; body: string; valid: boolean };
type Receiver = { url: string; received: Received[]; mode: "verify" | "always-200" | "fail-events"; close: () => Promise<void> };

/** A webhook endpoint: 200 for a valid signature, 401 otherwise, always with an empty body. */
async function receiver(key: string, mode: Receiver["mode"] = "verify"): Promise<Receiver> {
  const received: Received[] = [];
  const state = { mode };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const signature = String(req.headers["x-xero-signature"] ?? "");
      const expected = createHmac("sha256", key).update(body).digest("base64");
      const valid = signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
      received.push({ signature, body, valid });
      const isEvent = (JSON.parse(body) as { events: unknown[] }).events.length > 0;
      const status = state.mode === "always-200" ? 200 : !valid ? 401 : state.mode === "fail-events" && isEvent ? 500 : 200;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/xero/webhooks`,
    received,
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let h: Harness;
let t: Tenant;
const receivers: Receiver[] = [];
beforeAll(async () => {
  h = await startXero();
  t = await newTenant(h.url);
});
afterAll(async () => {
  await h.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function subscribe(url: string, secret: string) {
  const res = await fetch(`${h.url}/_sandbox/webhooks`, { method: "POST", body: JSON.stringify({ accountId: t.tenantId, url, secret }) });
  return res.json();
}

type XeroEvent = { resourceUrl: string; resourceId: string; eventDateUtc: string; eventType: string; eventCategory: string; tenantId: string; tenantType: string };
const events = (r: Receiver) => r.received.flatMap((x) => (JSON.parse(x.body) as { events: XeroEvent[] }).events.map((e) => ({ ...e, valid: x.valid })));

describe("webhooks", () => {
  it("passes intent to receive, then sends signed INVOICE and CONTACT events (payments as INVOICE UPDATE)", async () => {
    const key = "xero-webhook-key-1";
    const r = await receiver(key);
    receivers.push(r);
    const sub = await subscribe(r.url, key);
    expect(sub.status).toBe("active");
    expect(sub.intentToReceive).toMatchObject({ status: "passed" });
    // Intent to receive: correctly and incorrectly signed requests with no events.
    expect(r.received.map((x) => x.valid)).toEqual([true, false, true, false]);
    expect(r.received.every((x) => JSON.parse(x.body).events.length === 0)).toBe(true);
    r.received.length = 0;

    const created = await call(h.url, "PUT", "/api.xro/2.0/Invoices", { tenant: t, body: invoice({ Contact: { Name: "Soylent Foods  Ltd" } }) });
    const inv = created.body.Invoices[0];
    await call(h.url, "PUT", "/api.xro/2.0/Payments", { tenant: t, body: { Invoice: { InvoiceID: inv.InvoiceID }, Account: { Code: "090" }, Date: "2026-03-10", Amount: 115 } });
    await h.sandbox.webhooks.idle();

    const got = events(r);
    expect(got.every((e) => e.valid)).toBe(true);
    expect(got.map((e) => `${e.eventCategory} ${e.eventType}`)).toEqual(["CONTACT CREATE", "INVOICE CREATE", "INVOICE UPDATE"]);
    const first = got[1]!;
    expect(first).toMatchObject({ resourceId: inv.InvoiceID, resourceUrl: `https://api.xero.com/api.xro/2.0/Invoices/${inv.InvoiceID}`, tenantId: t.tenantId, tenantType: "ORGANISATION" });
    expect(first.eventDateUtc).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/);
    const bodies = r.received.map((x) => JSON.parse(x.body));
    expect(bodies.map((b) => b.firstEventSequence)).toEqual([1, 2, 3]);
    expect(bodies.every((b) => b.lastEventSequence === b.firstEventSequence && /^[A-Z]{20}$/.test(b.entropy))).toBe(true);
  });

  it("keeps a subscription disabled when its endpoint fails intent to receive, until it passes", async () => {
    const key = "xero-webhook-key-2";
    const r = await receiver(key, "always-200");
    receivers.push(r);
    const sub = await subscribe(r.url, key);
    expect(sub.status).toBe("disabled");
    expect(sub.intentToReceive).toMatchObject({ status: "failed", reason: "expected 401 for an incorrectly signed payload, got 200" });
    r.received.length = 0;

    await call(h.url, "PUT", "/api.xro/2.0/Contacts", { tenant: t, body: { Name: "Tyrell Corp" } });
    await h.sandbox.webhooks.idle();
    expect(r.received).toHaveLength(0);

    r.mode = "verify";
    const retried = await (await fetch(`${h.url}/_sandbox/webhooks/${sub.id}/intent-to-receive`, { method: "POST" })).json();
    expect(retried.status).toBe("active");
    r.received.length = 0;
    await call(h.url, "PUT", "/api.xro/2.0/Contacts", { tenant: t, body: { Name: "Wayne Holdings" } });
    await h.sandbox.webhooks.idle();
    expect(events(r).map((e) => e.eventCategory)).toEqual(["CONTACT"]);
  });

  it("retries a failing endpoint for 24 hours (scaled), then disables the webhook", async () => {
    const key = "xero-webhook-key-3";
    const r = await receiver(key, "fail-events");
    receivers.push(r);
    const sub = await subscribe(r.url, key);
    expect(sub.status).toBe("active");
    r.received.length = 0;
    const before = (await (await fetch(`${h.url}/_sandbox/stats`)).json()).webhooks;

    // At 100,000× the 24 hours of retries take under a second.
    const scaled = await fetch(`${h.url}/_sandbox/clock`, { method: "POST", body: JSON.stringify({ scale: 100_000 }) });
    expect(scaled.status).toBe(200);
    await call(h.url, "PUT", "/api.xro/2.0/Contacts", { tenant: t, body: { Name: "Nakatomi Trading" } });
    await h.sandbox.webhooks.idle();
    await fetch(`${h.url}/_sandbox/clock`, { method: "POST", body: JSON.stringify({ scale: 1 }) });

    // The first attempt and 9 retries, the same signed body each time.
    expect(r.received).toHaveLength(10);
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    const listed = await (await fetch(`${h.url}/_sandbox/webhooks`)).json();
    expect(listed.data.find((s: { id: string }) => s.id === sub.id).status).toBe("disabled");
    const after = (await (await fetch(`${h.url}/_sandbox/stats`)).json()).webhooks;
    expect(after.failed - before.failed).toBe(1);
    expect(after.retried - before.retried).toBe(9);
  });

  it("sends CREDITNOTE events for a credit note and for its cash refund", async () => {
    const key = "xero-webhook-key-4";
    const own = await newTenant(h.url, "Credit Note Hooks Ltd");
    const r = await receiver(key);
    receivers.push(r);
    const sub = await (await fetch(`${h.url}/_sandbox/webhooks`, { method: "POST", body: JSON.stringify({ accountId: own.tenantId, url: r.url, secret: key, events: ["CREDITNOTE"] }) })).json();
    expect(sub.status).toBe("active");
    r.received.length = 0;

    const contact = (await call(h.url, "PUT", "/api.xro/2.0/Contacts", { tenant: own, body: { Name: "Refunded Ltd" } })).body.Contacts[0];
    const body = { Type: "ACCRECCREDIT", Contact: { ContactID: contact.ContactID }, Status: "AUTHORISED", LineAmountTypes: "NoTax", LineItems: [{ Description: "Refund", Quantity: 1, UnitAmount: 20, AccountCode: "200" }] };
    const note = (await call(h.url, "PUT", "/api.xro/2.0/CreditNotes", { tenant: own, body })).body.CreditNotes[0];
    await call(h.url, "PUT", "/api.xro/2.0/Payments", { tenant: own, body: { CreditNote: { CreditNoteID: note.CreditNoteID }, Account: { Code: "090" }, Date: "2026-03-10", Amount: 20 } });
    await h.sandbox.webhooks.idle();

    const got = events(r);
    expect(got.every((e) => e.valid)).toBe(true);
    expect(got.map((e) => `${e.eventCategory} ${e.eventType} ${e.resourceId}`)).toEqual([`CREDITNOTE CREATE ${note.CreditNoteID}`, `CREDITNOTE UPDATE ${note.CreditNoteID}`]);
    expect(got[0]!.resourceUrl).toBe(`https://api.xero.com/api.xro/2.0/CreditNotes/${note.CreditNoteID}`);
  });
});
