/** x-xero-signature verification and webhook parsing on recorded bodies (fixtures/, key "fixture-key"). */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { WebhookPayloadError } from "../errors";
import { parse, signature, verify } from "./webhooks";
import contactBody from "./fixtures/webhook-contact-create.json";
import invoiceBody from "./fixtures/webhook-invoice-update.json";

const KEY = "fixture-key";
const request = (rawBody: string, sig: string | null) => ({
  method: "POST",
  url: "https://concord.test/api/webhooks/xero",
  headers: new Headers(sig === null ? {} : { "x-xero-signature": sig }),
  rawBody,
});

describe("verify", () => {
  const raw = JSON.stringify(invoiceBody);

  it("accepts the base64 HMAC-SHA256 of the raw body under the webhook key", () => {
    expect(signature(KEY, raw)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(verify(request(raw, signature(KEY, raw)), KEY)).toEqual({ ok: true });
  });

  it("refuses a tampered body, another key, a missing header and a missing key", () => {
    const sig = signature(KEY, raw);
    expect(verify(request(raw.replace("UPDATE", "CREATE"), sig), KEY).ok).toBe(false);
    expect(verify(request(raw, signature("another-key", raw)), KEY).ok).toBe(false);
    expect(verify(request(raw, sig.slice(0, -2)), KEY).ok).toBe(false);
    expect(verify(request(raw, null), KEY)).toEqual({ ok: false, reason: "the x-xero-signature header is missing" });
    expect(verify(request(raw, sig), "").ok).toBe(false);
  });

  it("verifies the body byte for byte (re-serialised JSON is another body)", () => {
    const pretty = JSON.stringify(invoiceBody, null, 2);
    expect(verify(request(pretty, signature(KEY, raw)), KEY).ok).toBe(false);
  });

  it("passes intent to receive: a correctly signed body without events verifies and parses to nothing", () => {
    const intent = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: "ABCDEFGHIJKLMNOPQRST" });
    expect(verify(request(intent, signature(KEY, intent)), KEY)).toEqual({ ok: true });
    expect(verify(request(intent, signature("wrong", intent)), KEY).ok).toBe(false);
    expect(parse(intent)).toEqual([]);
  });
});

describe("parse", () => {
  it("turns an INVOICE UPDATE (also what a payment sends) into an invoice hint for the tenant", () => {
    const [event, ...rest] = parse(JSON.stringify(invoiceBody));
    expect(rest).toEqual([]);
    const e = invoiceBody.events[0]!;
    expect(event).toEqual({
      accountId: e.tenantId,
      eventId: createHash("sha256").update(`${e.tenantId}|${e.resourceId}|INVOICE|UPDATE|${e.eventDateUtc}`).digest("hex"),
      eventType: "INVOICE.UPDATE",
      occurredAt: new Date(`${e.eventDateUtc}Z`),
      hints: [{ entity: "invoice", externalId: e.resourceId, deleted: false }],
    });
    // eventDateUtc has no zone designator and is UTC.
    expect(event!.occurredAt.toISOString()).toBe(`${e.eventDateUtc}Z`);
  });

  it("turns a CONTACT event into a customer hint; the same event always gets the same id", () => {
    const [event] = parse(JSON.stringify(contactBody));
    expect(event).toMatchObject({ eventType: "CONTACT.CREATE", hints: [{ entity: "customer", externalId: contactBody.events[0]!.resourceId, deleted: false }] });
    expect(parse(JSON.stringify(contactBody))[0]!.eventId).toBe(event!.eventId);
    expect(parse(JSON.stringify(invoiceBody))[0]!.eventId).not.toBe(event!.eventId);
  });

  it("keeps events per tenant in a batch, reads credit notes as refund hints and ignores subscriptions", () => {
    const other = { ...invoiceBody.events[0]!, tenantId: "another-tenant" };
    const body = {
      ...invoiceBody,
      events: [invoiceBody.events[0], other, { ...other, eventCategory: "CREDITNOTE" }, { ...other, eventCategory: "SUBSCRIPTION", eventType: "UPDATE" }],
      firstEventSequence: "3",
      lastEventSequence: "6",
    };
    const events = parse(JSON.stringify(body));
    expect(events.map((e) => e.accountId)).toEqual([invoiceBody.events[0]!.tenantId, "another-tenant", "another-tenant"]);
    expect(events[2]).toMatchObject({ eventType: "CREDITNOTE.UPDATE", hints: [{ entity: "payment", externalId: other.resourceId, deleted: false }] });
  });

  it("refuses bodies that are not Xero's shape", () => {
    expect(() => parse("not json")).toThrow(WebhookPayloadError);
    expect(() => parse(JSON.stringify({ foo: 1 }))).toThrow(WebhookPayloadError);
    expect(() => parse(JSON.stringify({ events: [{ ...invoiceBody.events[0], tenantId: undefined }] }))).toThrow(/tenantId/);
    expect(() => parse(JSON.stringify({ events: [{ ...invoiceBody.events[0], eventDateUtc: "yesterday" }] }))).toThrow(WebhookPayloadError);
  });
});
