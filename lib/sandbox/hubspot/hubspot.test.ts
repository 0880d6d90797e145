/**
 * The HubSpot sandbox driven as a HubSpot integration would drive HubSpot: @hubspot/api-client
 * with only basePath changed for CRM objects, search and OAuth; plain HTTP for what the SDK
 * doesn't cover (authorize page, webhooks, limits, faults, bad input, the control API).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client, Signature } from "@hubspot/api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../core/http";
import { DEFAULT_CLIENT } from "../core/oauth";
import { Sandbox } from "../core/sandbox";
import { hubspotSandbox, type HubspotData } from ".";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Portal = { accountId: string; accessToken: string };

let sandbox: Sandbox<HubspotData>;
let server: RunningServer;
let url: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The SDK's enums are string unions at runtime; these casts keep the calls readable.
const GTE = "GTE" as never;
const EQ = "EQ" as never;
const HUBSPOT_DEFINED = "HUBSPOT_DEFINED" as never;

beforeAll(async () => {
  sandbox = new Sandbox(hubspotSandbox);
  server = await sandbox.listen(0);
  url = server.url;
});
afterAll(async () => {
  await sandbox.webhooks.idle();
  await server.close();
});

async function call(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(`${url}${path}`, { method, headers, body, redirect: "manual" });
  const text = await res.text();
  let json: Json = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    /* HTML or empty */
  }
  return { status: res.status, headers: res.headers, json, text };
}

async function newPortal(name?: string): Promise<Portal> {
  return (await call("POST", "/_sandbox/accounts", { body: { name } })).json as Portal;
}

const sdk = (portal: Portal, extra: object = {}) => new Client({ accessToken: portal.accessToken, basePath: url, ...extra });

/** Integer minor units of a decimal string, for checking the sandbox's arithmetic independently. */
function minor(value: string, exponent: number): number {
  const [whole, fraction = ""] = value.split(".");
  return Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, "0") || "0");
}

describe("invoices through @hubspot/api-client", () => {
  it("creates invoices with associations, reads them back and pages the list with after", async () => {
    const portal = await newPortal("Acme  Holdings");
    const client = sdk(portal);
    const contact = await client.crm.contacts.basicApi.create({ properties: { email: "ap@acme.test", firstname: "Ada", lastname: "O'Neil" }, associations: [] });
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        await client.crm.commerce.invoices.basicApi.create({
          properties: { hs_currency: "EUR", hs_amount_billed: `${100 + i}.25`, hs_invoice_status: "open", hs_number: `INV-${i}` },
          associations: [{ to: { id: contact.id }, types: [{ associationCategory: HUBSPOT_DEFINED, associationTypeId: 177 }] }],
        }),
      );
    }
    expect(created[0]!.properties).toMatchObject({ hs_currency: "EUR", hs_amount_billed: "100.25", hs_balance_due: "100.25", hs_invoice_status: "open" });
    expect(created[0]!.createdAt).toBeInstanceOf(Date);

    const one = await client.crm.commerce.invoices.basicApi.getById(created[2]!.id, ["hs_number", "hs_title"], undefined, ["contacts"]);
    expect(one.properties).toMatchObject({ hs_number: "INV-2", hs_title: null, hs_object_id: created[2]!.id });
    expect(one.associations?.contacts?.results).toEqual([{ id: contact.id, type: "invoice_to_contact" }]);
    const byType = await client.crm.objects.basicApi.getById("0-53", created[2]!.id, ["hs_number"]);
    expect(byType.properties.hs_number).toBe("INV-2");

    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await client.crm.commerce.invoices.basicApi.getPage(2, after, ["hs_number"]);
      expect(page.results.length).toBeLessThanOrEqual(2);
      seen.push(...page.results.map((r) => r.id));
      after = page.paging?.next?.after;
    } while (after);
    expect(seen).toEqual(created.map((c) => c.id));
  });

  it("reads the associations of many records in one v4 batch call (207 for records without any)", async () => {
    const portal = await newPortal();
    const client = sdk(portal);
    const contact = await client.crm.contacts.basicApi.create({ properties: { email: "batch@acme.test" }, associations: [] });
    const toContact = [{ to: { id: contact.id }, types: [{ associationCategory: HUBSPOT_DEFINED, associationTypeId: 177 }] }];
    const linked = await client.crm.commerce.invoices.basicApi.create({ properties: { hs_currency: "USD", concord_invoice_id: "inv_1" }, associations: toContact });
    const alone = await client.crm.commerce.invoices.basicApi.create({ properties: { hs_currency: "USD" }, associations: [] });
    expect(linked.properties.concord_invoice_id).toBe("inv_1");

    const batch = await client.crm.associations.v4.batchApi.getPage("invoices", "contacts", { inputs: [{ id: linked.id }, { id: alone.id }] });
    expect(batch.results).toEqual([{ _from: { id: linked.id }, to: [{ toObjectId: Number(contact.id), associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: 177, label: null }] }] }]);
    expect(batch).toMatchObject({ status: "COMPLETE", numErrors: 1, errors: [expect.objectContaining({ subCategory: "crm.associations.NO_ASSOCIATIONS_FOUND", context: { fromObjectId: [alone.id] } })] });
    const raw = await call("POST", "/crm/v4/associations/invoices/contacts/batch/read", { token: portal.accessToken, body: { inputs: [{ id: linked.id }] } });
    expect(raw.status).toBe(200);
    expect((await call("POST", "/crm/v4/associations/invoices/deals/batch/read", { token: portal.accessToken, body: { inputs: [] } })).status).toBe(400);
  });

  it("searches by hs_lastmodifieddate, pages search results, and sees updates", async () => {
    const client = sdk(await newPortal());
    const invoices = client.crm.commerce.invoices;
    const old = [];
    for (let i = 0; i < 3; i++) old.push(await invoices.basicApi.create({ properties: { hs_currency: "USD", hs_amount_billed: "50.00", hs_invoice_status: "open" }, associations: [] }));
    await sleep(5);
    const since = Date.now();
    await sleep(5);
    const fresh = [];
    for (let i = 0; i < 5; i++) fresh.push(await invoices.basicApi.create({ properties: { hs_currency: "USD", hs_amount_billed: `${10 + i}.00` }, associations: [] }));

    const found: string[] = [];
    let after: string | undefined;
    let total = -1;
    do {
      const page = await invoices.searchApi.doSearch({
        filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: GTE, value: String(since) }] }],
        sorts: ["hs_lastmodifieddate"],
        properties: ["hs_amount_billed", "hs_lastmodifieddate"],
        limit: 2,
        after,
      });
      total = page.total;
      found.push(...page.results.map((r) => r.id));
      after = page.paging?.next?.after;
    } while (after);
    expect(total).toBe(5);
    expect(found).toEqual(fresh.map((f) => f.id));

    // Search allows 5 requests a second; a real client waits for the next second.
    await sleep(1000);
    const paid = await invoices.basicApi.update(old[1]!.id, { properties: { hs_invoice_status: "paid" } });
    expect(paid.properties).toMatchObject({ hs_invoice_status: "paid", hs_amount_paid: "50.00", hs_balance_due: "0.00" });
    const after2 = await invoices.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: GTE, value: new Date(since).toISOString() }] }],
      sorts: ["-hs_lastmodifieddate"],
      properties: ["hs_invoice_status", "hs_balance_due"],
      limit: 10,
    });
    expect(after2.total).toBe(6);
    expect(after2.results[0]!.id).toBe(old[1]!.id); // newest first
    expect(after2.results[0]!.properties).toMatchObject({ hs_invoice_status: "paid", hs_balance_due: "0.00" });
    const paidOnes = await invoices.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: "hs_invoice_status", operator: EQ, value: "paid" }] }], limit: 10 });
    expect(paidOnes.results.map((r) => r.id)).toEqual([old[1]!.id]);
  });

  it("answers bad writes with HubSpot's errors through the SDK", async () => {
    const client = sdk(await newPortal());
    const invoices = client.crm.commerce.invoices.basicApi;
    const failure = async (p: Promise<unknown>) => p.then(() => expect.fail("expected an ApiException"), (e: { code: number; body: Json }) => e);
    const missing = await failure(invoices.getById("99999999"));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({ status: "error", category: "OBJECT_NOT_FOUND", message: "resource not found", context: { id: ["99999999"] } });
    expect((await failure(invoices.getById("abc"))).body.message).toBe("Object not found.  objectId are usually numeric.");

    const unknown = await failure(invoices.create({ properties: { hs_currency: "USD", hs_colour: "blue" }, associations: [] }));
    expect(unknown.code).toBe(400);
    expect(unknown.body.category).toBe("VALIDATION_ERROR");
    const detail = JSON.parse(unknown.body.message.replace("Property values were not valid: ", ""));
    expect(detail).toEqual([expect.objectContaining({ name: "hs_colour", error: "PROPERTY_DOESNT_EXIST", isValid: false })]);

    const several = await failure(invoices.create({ properties: { hs_currency: "USD", hs_balance_due: "1", hs_amount_billed: "ten", hs_invoice_status: "sent" }, associations: [] }));
    const errors = JSON.parse(several.body.message.replace("Property values were not valid: ", "")).map((e: Json) => e.error).sort();
    expect(errors).toEqual(["INVALID_DOUBLE", "INVALID_OPTION", "READ_ONLY_VALUE"]);
    const noCurrency = await failure(invoices.create({ properties: { hs_title: "x" }, associations: [] }));
    expect(noCurrency.body.message).toContain("hs_currency");
    // Yen have no minor unit: 10.5 JPY is not an amount HubSpot can bill.
    const yen = await failure(invoices.create({ properties: { hs_currency: "JPY", hs_amount_billed: "10.5" }, associations: [] }));
    expect(yen.body.message).toContain("hs_amount_billed");
    const ok = await invoices.create({ properties: { hs_currency: "JPY", hs_amount_billed: "1500" }, associations: [] });
    expect(ok.properties.hs_balance_due).toBe("1500");

    const partial = await invoices.update(ok.id, { properties: { hs_amount_paid: "499" } });
    expect(partial.properties).toMatchObject({ hs_balance_due: "1001", hs_invoice_status: "draft" });
  });
});

describe("contacts, companies and associations over HTTP", () => {
  it("creates, reads, lists, updates and searches contacts and companies", async () => {
    const { accessToken: token } = await newPortal();
    const contact = await call("POST", "/crm/v3/objects/contacts", { token, body: { properties: { email: "Jo@Example.test", firstname: "Jo" } } });
    expect(contact.status).toBe(201);
    const dup = await call("POST", "/crm/v3/objects/contacts", { token, body: { properties: { email: "jo@example.test" } } });
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({ category: "CONFLICT", message: `Contact already exists. Existing ID: ${contact.json.id}` });
    const byEmail = await call("GET", "/crm/v3/objects/contacts/jo@example.test?idProperty=email", { token });
    expect(byEmail.json.id).toBe(contact.json.id);
    expect(Object.keys(byEmail.json.properties).sort()).toEqual(["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"]);
    const patched = await call("PATCH", `/crm/v3/objects/contacts/${contact.json.id}`, { token, body: { properties: { lastname: "Müller" } } });
    expect(patched.json.properties.lastname).toBe("Müller");
    const history = await call("GET", `/crm/v3/objects/contacts/${contact.json.id}?propertiesWithHistory=lastname`, { token });
    expect(history.json.propertiesWithHistory.lastname[0]).toMatchObject({ value: "Müller", sourceType: "API" });

    const company = await call("POST", "/crm/v3/objects/companies", { token, body: { properties: { name: "Société Générale de Test S.A.", domain: "sgt.test" } } });
    expect(company.status).toBe(201);
    const list = await call("GET", "/crm/v3/objects/companies?limit=10", { token });
    expect(list.json.results.map((r: Json) => r.properties.name)).toEqual(["Société Générale de Test S.A."]);
    const search = await call("POST", "/crm/v3/objects/companies/search", { token, body: { filterGroups: [{ filters: [{ propertyName: "name", operator: "CONTAINS_TOKEN", value: "générale" }] }] } });
    expect(search.json.total).toBe(1);
    const contactSearch = await call("POST", "/crm/v3/objects/contacts/search", { token, body: { filterGroups: [{ filters: [{ propertyName: "email", operator: "CONTAINS_TOKEN", value: "*@example.test" }] }] } });
    expect(contactSearch.json.results.map((r: Json) => r.id)).toEqual([contact.json.id]);

    const invoice = await call("POST", "/crm/v3/objects/invoices", { token, body: { properties: { hs_currency: "GBP" } } });
    const put = await call("PUT", `/crm/v4/objects/invoices/${invoice.json.id}/associations/default/companies/${company.json.id}`, { token });
    expect(put.status).toBe(200);
    expect(put.json.results[0].associationSpec).toEqual({ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 179 });
    const v4 = await call("GET", `/crm/v4/objects/companies/${company.json.id}/associations/invoices`, { token });
    expect(v4.json.results).toEqual([{ toObjectId: Number(invoice.json.id), associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: 180, label: null }] }]);
    const v3 = await call("GET", `/crm/v3/objects/invoices/${invoice.json.id}/associations/companies`, { token });
    expect(v3.json.results).toEqual([{ id: company.json.id, type: "invoice_to_company" }]);
    const badLink = await call("POST", "/crm/v3/objects/invoices", { token, body: { properties: { hs_currency: "GBP" }, associations: [{ to: { id: "1" }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 177 }] }] } });
    expect(badLink.json).toMatchObject({ status: "error", category: "VALIDATION_ERROR", message: "One or more associations are invalid" });

    expect((await call("DELETE", `/crm/v3/objects/invoices/${invoice.json.id}`, { token })).status).toBe(204);
    expect((await call("GET", `/crm/v3/objects/invoices/${invoice.json.id}`, { token })).status).toBe(404);
    const archived = await call("GET", `/crm/v3/objects/invoices/${invoice.json.id}?archived=true`, { token });
    expect(archived.json).toMatchObject({ archived: true, id: invoice.json.id });
    expect((await call("GET", "/crm/v3/objects/invoices", { token })).json.results).toEqual([]);
  });
});

describe("bad input and bad auth", () => {
  it("answers HubSpot's 400s and never crashes", async () => {
    const { accessToken: token } = await newPortal();
    const malformed = await call("POST", "/crm/v3/objects/invoices", { token, body: '{"properties": {"hs_currency": "USD",}}' });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ status: "error", category: "VALIDATION_ERROR" });
    expect(malformed.json.message).toMatch(/^Invalid input JSON on line 1, column \d+/);
    expect(malformed.json.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const cases: [string, string, unknown][] = [
      ["POST", "/crm/v3/objects/invoices", { properties: { hs_currency: { code: "USD" } } }],
      ["POST", "/crm/v3/objects/invoices", { props: {} }],
      ["POST", "/crm/v3/objects/invoices", "\u0000\u00ff binary"],
      ["POST", "/crm/v3/objects/invoices", ""],
      ["POST", "/crm/v3/objects/invoices/search", { limit: 201 }],
      ["POST", "/crm/v3/objects/invoices/search", { after: "10000", limit: 1 }],
      ["POST", "/crm/v3/objects/invoices/search", { filterGroups: [{ filters: [{ propertyName: "hs_nope", operator: "EQ", value: "1" }] }] }],
      ["POST", "/crm/v3/objects/invoices/search", { filterGroups: [{ filters: [{ propertyName: "hs_number", operator: "LIKE", value: "1" }] }] }],
      ["POST", "/crm/v3/objects/invoices/search", { filterGroups: Array.from({ length: 6 }, () => ({ filters: [] })) }],
      ["GET", "/crm/v3/objects/invoices?limit=500", undefined],
      ["GET", "/crm/v3/objects/invoices?after=xyz", undefined],
      ["PATCH", "/crm/v3/objects/invoices/1", { properties: [] }],
    ];
    for (const [method, path, body] of cases) {
      const res = await call(method, path, { token, body });
      expect({ path, body, status: res.status }).toEqual({ path, body, status: path.endsWith("/1") ? 404 : 400 });
      expect(res.json.status).toBe("error");
    }
    const widgets = await call("GET", "/crm/v3/objects/widgets", { token });
    expect(widgets.json).toMatchObject({ status: "error", message: "Unable to infer object type from: widgets", category: "VALIDATION_ERROR" });
    const nowhere = await call("GET", "/crm/v9/nowhere", { token });
    expect(nowhere.status).toBe(404);
    expect(nowhere.json.status).toBe("error");
  });

  it("answers 401 for missing, unknown and expired tokens", async () => {
    const none = await call("GET", "/crm/v3/objects/invoices");
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ status: "error", category: "INVALID_AUTHENTICATION", message: expect.stringMatching(/^Authentication credentials not found\./) });
    expect((await call("GET", "/crm/v3/objects/invoices", { token: "CKnot-a-token" })).json.category).toBe("INVALID_AUTHENTICATION");

    await call("POST", "/_sandbox/oauth", { body: { accessTokenTtlSeconds: 1 } });
    sandbox.clock.scale = 50; // a 1 s token lives 20 ms
    try {
      const portal = await newPortal();
      await sleep(40);
      const stale = await call("GET", "/crm/v3/objects/invoices", { token: portal.accessToken });
      expect(stale.status).toBe(401);
      expect(stale.json).toMatchObject({ category: "EXPIRED_AUTHENTICATION", message: expect.stringMatching(/^The OAuth token used to make this call expired \d+ second\(s\) ago\.$/) });
    } finally {
      sandbox.clock.scale = 1;
      await call("POST", "/_sandbox/oauth", { body: { accessTokenTtlSeconds: 1800 } });
    }
  });
});

describe("rate limits", () => {
  it("allows 100 requests per 10 s per portal, then answers HubSpot's 429", async () => {
    const { accessToken: token } = await newPortal();
    const before = (await call("GET", "/_sandbox/stats")).json.rateLimited as number;
    sandbox.clock.scale = 10; // the 10 s window lasts 1 s
    try {
      const answers = await Promise.all(Array.from({ length: 101 }, () => call("GET", "/crm/v3/objects/invoices?limit=1", { token })));
      const ok = answers.filter((a) => a.status === 200);
      const limited = answers.filter((a) => a.status === 429);
      expect([ok.length, limited.length]).toEqual([100, 1]);
      expect(limited[0]!.json).toMatchObject({ status: "error", message: "You have reached your ten_secondly_rolling limit.", errorType: "RATE_LIMIT", policyName: "TEN_SECONDLY_ROLLING" });
      expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(ok[0]!.headers.get("x-hubspot-ratelimit-max")).toBe("100");
      expect(ok[0]!.headers.get("x-hubspot-ratelimit-interval-milliseconds")).toBe("10000");
      expect(ok.map((a) => Number(a.headers.get("x-hubspot-ratelimit-remaining"))).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect((await call("GET", "/_sandbox/stats")).json.rateLimited).toBe(before + 1);
      await sleep(1050);
      expect((await call("GET", "/crm/v3/objects/invoices", { token })).status).toBe(200);
    } finally {
      sandbox.clock.scale = 1;
    }
  });

  it("allows 5 searches a second per portal", async () => {
    const { accessToken: token } = await newPortal();
    const answers = await Promise.all(Array.from({ length: 6 }, () => call("POST", "/crm/v3/objects/invoices/search", { token, body: {} })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = answers.find((a) => a.status === 429)!;
    expect(limited.json).toMatchObject({ message: "You have reached your secondly limit.", errorType: "RATE_LIMIT", policyName: "SECONDLY" });
    // Plain reads still go through: the search limit is its own.
    expect((await call("GET", "/crm/v3/objects/invoices", { token })).status).toBe(200);
  });
});

describe("faults", () => {
  it("injects 500/503 in HubSpot's shape and timeouts, visible in stats", async () => {
    const { accessToken: token } = await newPortal();
    const before = (await call("GET", "/_sandbox/stats")).json.faultsInjected as number;
    await call("POST", "/_sandbox/faults", { body: { errorRate: 1, paths: ["/crm/v3/objects/contacts"] } });
    try {
      const failed = await call("GET", "/crm/v3/objects/contacts", { token });
      expect([500, 503]).toContain(failed.status);
      expect(failed.json).toMatchObject({ status: "error", category: failed.status === 500 ? "INTERNAL_ERROR" : "SERVICE_UNAVAILABLE" });
      expect((await call("GET", "/crm/v3/objects/companies", { token })).status).toBe(200); // other paths untouched
      await call("POST", "/_sandbox/faults", { body: { timeoutRate: 1, paths: ["/crm/v3/objects/contacts"] } });
      await expect(fetch(`${url}/crm/v3/objects/contacts`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(200) })).rejects.toThrow();
    } finally {
      await call("POST", "/_sandbox/faults", { body: {} });
    }
    expect((await call("GET", "/_sandbox/stats")).json.faultsInjected).toBe(before + 2);
  });
});

/** A webhook receiver that fails the first `failFirst` deliveries. */
async function receiver(failFirst: number) {
  const received: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const srv = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      received.push({ url: req.url ?? "", headers: req.headers, body });
      res.writeHead(received.length <= failFirst ? 500 : 200).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  return { received, base, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

/** HubSpot's v3 check, written from the docs, not from the sandbox's code. */
function verifyV3(secret: string, uri: string, headers: http.IncomingHttpHeaders, body: string): boolean {
  const timestamp = Number(headers["x-hubspot-request-timestamp"]);
  if (!(Date.now() - timestamp < 5 * 60_000)) return false;
  const expected = createHmac("sha256", secret).update(`POST${uri}${body}${timestamp}`).digest();
  const given = Buffer.from(String(headers["x-hubspot-signature-v3"]), "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe("webhooks", () => {
  it("delivers signed object.* events for invoices and retries failed deliveries", async () => {
    const hook = await receiver(1);
    const portal = await newPortal();
    const secret = DEFAULT_CLIENT.secret; // HubSpot signs with the app's client secret
    const target = `${hook.base}/hubspot/webhooks?tenant=acme`;
    const sub = await call("POST", "/_sandbox/webhooks", { body: { accountId: portal.accountId, url: target, secret } });
    expect(sub.status).toBe(201);
    const before = (await call("GET", "/_sandbox/stats")).json.webhooks;
    sandbox.clock.scale = 1000; // the first retry, a minute later, comes after 60 ms
    try {
      const invoices = sdk(portal).crm.commerce.invoices.basicApi;
      const invoice = await invoices.create({ properties: { hs_currency: "USD", hs_amount_billed: "80.00", hs_invoice_status: "open" }, associations: [] });
      await sandbox.webhooks.idle();
      expect(hook.received).toHaveLength(2); // a 500, then the retry
      const [first, retry] = hook.received.map((r) => ({ ...r, events: JSON.parse(r.body) as Json[] }));
      for (const r of [first!, retry!]) {
        expect(r.url).toBe("/hubspot/webhooks?tenant=acme");
        expect(verifyV3(secret, target, r.headers, r.body)).toBe(true);
        expect(verifyV3(secret, target, r.headers, r.body.replace("0-53", "0-1"))).toBe(false);
        expect(r.headers["x-hubspot-signature"]).toBe(createHash("sha256").update(secret + r.body).digest("hex"));
        const sdkCheck = Signature.isValid({ signatureVersion: "v3", signature: String(r.headers["x-hubspot-signature-v3"]), clientSecret: secret, requestBody: r.body, url: target, timestamp: Number(r.headers["x-hubspot-request-timestamp"]) });
        expect(sdkCheck).toBe(true);
      }
      expect(first!.events).toEqual([
        expect.objectContaining({ subscriptionType: "object.creation", objectTypeId: "0-53", objectId: Number(invoice.id), portalId: Number(portal.accountId), attemptNumber: 0, changeSource: "API" }),
      ]);
      expect(retry!.events[0]).toMatchObject({ attemptNumber: 1, eventId: first!.events[0]!.eventId });

      await invoices.update(invoice.id, { properties: { hs_amount_paid: "80.00" } });
      await sandbox.webhooks.idle();
      const changes = JSON.parse(hook.received[2]!.body) as Json[];
      const byName = Object.fromEntries(changes.map((e) => [e.propertyName, e.propertyValue]));
      expect(changes.every((e) => e.subscriptionType === "object.propertyChange" && e.objectTypeId === "0-53")).toBe(true);
      expect(byName).toMatchObject({ hs_amount_paid: "80.00", hs_balance_due: "0.00", hs_invoice_status: "paid" });

      await call("POST", "/crm/v3/objects/contacts", { token: portal.accessToken, body: { properties: { email: "hook@example.test" } } });
      await sandbox.webhooks.idle();
      expect(JSON.parse(hook.received[3]!.body)[0]).toMatchObject({ subscriptionType: "contact.creation", changeFlag: "NEW" });
      expect(JSON.parse(hook.received[3]!.body)[0].objectTypeId).toBeUndefined();
    } finally {
      sandbox.clock.scale = 1;
      await hook.close();
    }
    const after = (await call("GET", "/_sandbox/stats")).json.webhooks;
    expect(after.retried - before.retried).toBe(1);
    expect(after.delivered - before.delivered).toBe(3);
  });
});

describe("OAuth", () => {
  const redirect = "http://127.0.0.1:9/oauth/hubspot/callback";

  async function approve(decision: "approve" | "deny", name = "Müller GmbH portal") {
    const form = new URLSearchParams({ client_id: DEFAULT_CLIENT.id, redirect_uri: redirect, scope: "crm.objects.invoices.read oauth", state: "xyz", decision, account: "__new__", new_account_name: name });
    const res = await call("POST", "/oauth/authorize", { body: form.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.status).toBe(302);
    return new URL(res.headers.get("location")!);
  }

  it("runs HubSpot's flow: authorize page, code, token, non-rotating refresh, token info, revoke", async () => {
    // HubSpot's authorize URL, as the SDK builds it, has no response_type.
    const authorizeUrl = new Client().oauth.getAuthorizationUrl(DEFAULT_CLIENT.id, redirect, "crm.objects.invoices.read oauth", undefined, "xyz");
    const page = await call("GET", new URL(authorizeUrl).pathname + new URL(authorizeUrl).search);
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="approve"');
    expect((await approve("deny")).searchParams.get("error")).toBe("access_denied");

    const callback = await approve("approve");
    expect(callback.searchParams.get("state")).toBe("xyz");
    const code = callback.searchParams.get("code")!;
    const oauth = new Client({ basePath: url }).oauth;
    const tokens = await oauth.tokensApi.create("authorization_code", code, redirect, DEFAULT_CLIENT.id, DEFAULT_CLIENT.secret);
    expect(tokens).toMatchObject({ tokenType: "bearer", expiresIn: 1800 });
    const reused = await oauth.tokensApi.create("authorization_code", code, redirect, DEFAULT_CLIENT.id, DEFAULT_CLIENT.secret).catch((e) => e);
    expect(reused.code).toBe(400);
    expect(reused.body).toMatchObject({ status: "BAD_AUTH_CODE" });

    const info = await oauth.accessTokensApi.get(tokens.accessToken);
    expect(info).toMatchObject({ tokenType: "access", scopes: ["crm.objects.invoices.read", "oauth"] });
    expect(info.expiresIn).toBeGreaterThan(1790);
    const accounts = (await call("GET", "/_sandbox/accounts")).json.data as Json[];
    expect(accounts.find((a) => a.id === String(info.hubId))?.name).toBe("Müller GmbH portal");
    const page1 = await sdk({ accountId: String(info.hubId), accessToken: tokens.accessToken }).crm.commerce.invoices.basicApi.getPage(10);
    expect(page1.results).toEqual([]);

    const refreshed = await oauth.tokensApi.create("refresh_token", undefined, undefined, DEFAULT_CLIENT.id, DEFAULT_CLIENT.secret, tokens.refreshToken);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken); // HubSpot doesn't rotate refresh tokens
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    const again = await oauth.tokensApi.create("refresh_token", undefined, undefined, DEFAULT_CLIENT.id, DEFAULT_CLIENT.secret, tokens.refreshToken);
    expect(again.refreshToken).toBe(tokens.refreshToken);
    expect((await oauth.refreshTokensApi.get(tokens.refreshToken)).hubId).toBe(info.hubId);
    const badSecret = await oauth.tokensApi.create("refresh_token", undefined, undefined, DEFAULT_CLIENT.id, "wrong", tokens.refreshToken).catch((e) => e);
    expect(badSecret.body).toMatchObject({ status: "BAD_CLIENT_SECRET" });

    await oauth.refreshTokensApi.archive(tokens.refreshToken);
    const revoked = await oauth.tokensApi.create("refresh_token", undefined, undefined, DEFAULT_CLIENT.id, DEFAULT_CLIENT.secret, tokens.refreshToken).catch((e) => e);
    expect(revoked.code).toBe(400);
    expect(revoked.body).toMatchObject({ status: "BAD_REFRESH_TOKEN", message: "missing or unknown refresh token" });
  });
});

describe("seeding", () => {
  const seedBody = (accountId: string, seed: number) => ({ accountId, seed, customers: 12, invoices: 80, currencies: ["USD", "EUR", "JPY"] });
  const PROPS = "hs_number,hs_currency,hs_invoice_status,hs_amount_billed,hs_amount_paid,hs_balance_due,hs_due_date,hs_payment_date";

  async function allInvoices(token: string): Promise<Json[]> {
    const out: Json[] = [];
    let after = "";
    do {
      const page = await call("GET", `/crm/v3/objects/invoices?limit=100&properties=${PROPS}&associations=companies${after ? `&after=${after}` : ""}`, { token });
      out.push(...page.json.results);
      after = page.json.paging?.next?.after ?? "";
    } while (after);
    return out;
  }

  it("is deterministic per seed and realistic", async () => {
    const [a, b, c] = [await newPortal(), await newPortal(), await newPortal()];
    const seeded = await call("POST", "/_sandbox/seed", { body: seedBody(a.accountId, 7) });
    expect(seeded.json.created).toMatchObject({ companies: 12, invoices: 80 });
    await call("POST", "/_sandbox/seed", { body: seedBody(b.accountId, 7) });
    await call("POST", "/_sandbox/seed", { body: seedBody(c.accountId, 8) });
    const [first, second, other] = [await allInvoices(a.accessToken), await allInvoices(b.accessToken), await allInvoices(c.accessToken)];
    expect(first).toHaveLength(80);
    expect(second).toEqual(first);
    expect(other.map((i) => i.properties)).not.toEqual(first.map((i) => i.properties));

    expect(new Set(first.map((i) => i.properties.hs_currency))).toEqual(new Set(["USD", "EUR", "JPY"]));
    const statuses = new Set(first.map((i) => i.properties.hs_invoice_status));
    expect(statuses.has("open") && statuses.has("paid")).toBe(true);
    expect(first.some((i) => i.properties.hs_invoice_status === "open" && i.properties.hs_amount_paid !== "0.00" && i.properties.hs_amount_paid !== "0")).toBe(true);
    for (const { properties: p } of first) {
      const exponent = p.hs_currency === "JPY" ? 0 : 2;
      expect(p.hs_amount_billed.split(".")[1]?.length ?? 0).toBe(exponent);
      expect(minor(p.hs_balance_due, exponent)).toBe(minor(p.hs_amount_billed, exponent) - minor(p.hs_amount_paid, exponent));
      if (p.hs_invoice_status === "paid") expect(p.hs_payment_date).not.toBeNull();
    }
    expect(first.every((i) => i.associations?.companies?.results.length === 1)).toBe(true);
    const stats = (await call("GET", "/_sandbox/stats")).json;
    expect(stats.objects[a.accountId]).toMatchObject({ invoices: 80, companies: 12 });
    expect(stats.objects[a.accountId].contacts).toBeGreaterThan(0);
  });
});
