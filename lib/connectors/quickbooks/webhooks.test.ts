/**
 * `intuit-signature` verification and webhook parsing on deliveries recorded from the sandbox
 * (fixtures/webhook-*.json) and hand-written bodies as Intuit documents them.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { WebhookPayloadError } from "../errors";
import cloud from "./fixtures/webhook-cloudevents.json";
import legacy from "./fixtures/webhook-legacy.json";
import { parse, signature, verify } from "./webhooks";

const NOW = new Date("2026-11-21T12:00:00Z");
const request = (rawBody: string, sig: string | null) => ({
  method: "POST",
  url: "https://concord.test/api/webhooks/quickbooks",
  headers: new Headers(sig === null ? {} : { "intuit-signature": sig }),
  rawBody,
});

describe("verify", () => {
  for (const [name, delivery] of [["CloudEvents", cloud], ["legacy", legacy]] as const) {
    it(`accepts the recorded ${name} delivery and refuses tampering, a wrong token and a missing header`, () => {
      expect(verify(request(delivery.rawBody, delivery.signature), delivery.verifierToken, NOW)).toEqual({ ok: true });
      expect(verify(request(delivery.rawBody.replace("9341", "9342"), delivery.signature), delivery.verifierToken, NOW).ok).toBe(false);
      expect(verify(request(`${delivery.rawBody} `, delivery.signature), delivery.verifierToken, NOW).ok).toBe(false);
      expect(verify(request(delivery.rawBody, delivery.signature), "another-token", NOW).ok).toBe(false);
      expect(verify(request(delivery.rawBody, null), delivery.verifierToken, NOW)).toEqual({ ok: false, reason: "the intuit-signature header is missing" });
      expect(verify(request(delivery.rawBody, "not base64!"), delivery.verifierToken, NOW).ok).toBe(false);
      expect(verify(request(delivery.rawBody, delivery.signature), "", NOW).ok).toBe(false);
    });
  }

  it("has no timestamp window: an old delivery still verifies (replays are deduped by event id)", () => {
    expect(verify(request(cloud.rawBody, cloud.signature), cloud.verifierToken, new Date("2030-01-01T00:00:00Z")).ok).toBe(true);
  });
});

describe("parse", () => {
  it("reads the recorded CloudEvents delivery", () => {
    const body = JSON.parse(cloud.rawBody) as { id: string; intuitaccountid: string; intuitentityid: string }[];
    expect(parse(cloud.rawBody)).toEqual([
      {
        accountId: body[0]!.intuitaccountid,
        eventId: body[0]!.id,
        eventType: "qbo.invoice.created.v1",
        occurredAt: new Date("2026-11-21T11:26:05.106Z"),
        hints: [{ entity: "invoice", externalId: body[0]!.intuitentityid, deleted: false }],
      },
    ]);
  });

  it("reads the recorded legacy delivery with a hashed event id and a -0800 offset", () => {
    const [event] = parse(legacy.rawBody);
    expect(event).toMatchObject({ accountId: "9341343656490814", eventType: "qbo.customer.created.v1", occurredAt: new Date("2026-11-21T11:26:05.000Z"), hints: [{ entity: "customer", externalId: "1", deleted: false }] });
    const identity = ["9341343656490814", "Customer", "1", "Create", "2026-11-21T03:26:05-0800"].join("\n");
    expect(event!.eventId).toBe(createHash("sha256").update(identity).digest("hex"));
    expect(parse(legacy.rawBody)[0]!.eventId).toBe(event!.eventId); // a redelivery dedupes
  });

  it("splits a CloudEvents batch into one event per realm and change, with deletes and entities Concord does not sync", () => {
    const body = JSON.stringify([
      { specversion: "1.0", id: "e1", source: "intuit.x", type: "qbo.invoice.deleted.v1", time: "2026-03-01T10:00:00.123456789Z", intuitentityid: "41", intuitaccountid: "111", data: {} },
      { specversion: "1.0", id: "e2", source: "intuit.x", type: "qbo.payment.voided.v1", time: "2026-03-01T10:00:01Z", intuitentityid: "42", intuitaccountid: "222", data: {} },
      { specversion: "1.0", id: "e3", source: "intuit.x", type: "qbo.item.updated.v1", time: "2026-03-01T10:00:02Z", intuitentityid: "7", intuitaccountid: "111" },
    ]);
    const events = parse(body);
    expect(events.map((e) => [e.accountId, e.eventId, e.hints])).toEqual([
      ["111", "e1", [{ entity: "invoice", externalId: "41", deleted: true }]],
      ["222", "e2", [{ entity: "payment", externalId: "42", deleted: false }]],
      ["111", "e3", []],
    ]);
    expect(events[0]!.occurredAt.toISOString()).toBe("2026-03-01T10:00:00.123Z");
    const single = JSON.stringify(JSON.parse(body)[0]);
    expect(parse(single)).toEqual([events[0]]);
  });

  it("splits a legacy body with several realms and reads merges and deletes", () => {
    const body = JSON.stringify({
      eventNotifications: [
        {
          realmId: "111",
          dataChangeEvent: {
            entities: [
              { name: "Invoice", id: "5", operation: "Delete", lastUpdated: "2015-10-05T14:42:19-0700" },
              { name: "Customer", id: "3", operation: "Merge", lastUpdated: "2015-10-05T14:42:20-0700", deletedId: "4" },
            ],
          },
        },
        { realmId: "222", dataChangeEvent: { entities: [{ name: "Payment", id: "9", operation: "Create", lastUpdated: "2015-10-05T14:42:21.000Z" }] } },
      ],
    });
    const events = parse(body);
    expect(events.map((e) => [e.accountId, e.eventType, e.hints])).toEqual([
      ["111", "qbo.invoice.deleted.v1", [{ entity: "invoice", externalId: "5", deleted: true }]],
      ["111", "qbo.customer.merged.v1", [{ entity: "customer", externalId: "3", deleted: false }, { entity: "customer", externalId: "4", deleted: true }]],
      ["222", "qbo.payment.created.v1", [{ entity: "payment", externalId: "9", deleted: false }]],
    ]);
    expect(events[0]!.occurredAt.toISOString()).toBe("2015-10-05T21:42:19.000Z");
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
  });

  it("refuses bodies that are not Intuit's", () => {
    for (const raw of ["not json", "{}", "[]", '{"eventNotifications":[]}', '[{"id":"1","type":"qbo.invoice.updated.v1"}]', '[{"id":"1","type":"x","time":"yesterday","intuitentityid":"1","intuitaccountid":"2"}]']) {
      expect(() => parse(raw), raw).toThrow(WebhookPayloadError);
    }
  });

  it("signs like Intuit: base64 HMAC-SHA256 of the raw body", () => {
    expect(signature(cloud.verifierToken, cloud.rawBody)).toBe(cloud.signature);
  });
});
