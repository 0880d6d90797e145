/**
 * The QuickBooks Online sandbox's platform behaviour over HTTP: 429 throttling, injected faults,
 * signed webhooks (verified with an independent HMAC), Intuit's OAuth flow and bad input.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customer, fault, invoice, type Json, QboClient, receiver, salesLine, startSandbox, type TestSandbox } from "./testing";

let env: TestSandbox;
const control: TestSandbox["control"] = (...args) => env.control(...args);
const realm: TestSandbox["realm"] = (...args) => env.realm(...args);

beforeAll(async () => {
  env = await startSandbox();
});

afterAll(async () => {
  await env.close();
});

describe("throttling and faults", () => {
  it("answers the 11th request in a second with 429 ThrottleExceeded and reopens when the window passes", async () => {
    const qbo = await realm();
    const before = (await control("/stats", undefined, "GET")).body.rateLimited;
    await control("/clock", { scale: 1 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await qbo.get("/preferences")).status);
      expect(statuses).toEqual(Array(10).fill(200));
      const throttled = await qbo.get("/preferences");
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(throttled.body.Fault).toMatchObject({ type: "SERVICE", Error: [{ code: "3001", Message: "message=ThrottleExceeded; errorCode=003001; statusCode=429" }] });
    } finally {
      await control("/clock", { scale: 1000 });
    }
    expect((await qbo.get("/preferences")).status).toBe(200); // a second is a millisecond now
    const stats = (await control("/stats", undefined, "GET")).body;
    expect(stats.rateLimited).toBe(before + 1);
    expect(stats.requests["GET /v3/company/:realmId/preferences"]["429"]).toBeGreaterThanOrEqual(1);
  });

  it("injects 500/503 SystemFaults, hangs, and stale SyncTokens, and counts them in stats", async () => {
    const qbo = await realm();
    const c = await customer(qbo, "Fault Line Inc");
    const before = (await control("/stats", undefined, "GET")).body.faultsInjected;
    await control("/faults", { errorRate: 1, paths: [`/v3/company/${qbo.realmId}/customer`] });
    try {
      const failed = await qbo.get(`/customer/${c.Id}`);
      expect([500, 503]).toContain(failed.status);
      expect(failed.body.Fault).toMatchObject({ type: "SystemFault", Error: [{ code: "10000" }] });
      expect((await qbo.get("/preferences")).status).toBe(200); // other paths are untouched

      await control("/faults", { timeoutRate: 1 });
      await expect(qbo.call("GET", `/customer/${c.Id}`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();

      await control("/faults", { staleSyncTokenRate: 1 });
      const stale = await qbo.post("/customer", { Id: c.Id, SyncToken: c.SyncToken, sparse: true, Notes: "x" });
      expect(fault(stale).code).toBe("5010");
    } finally {
      await control("/faults", {});
    }
    expect((await control("/stats", undefined, "GET")).body.faultsInjected).toBe(before + 3);
    expect((await qbo.post("/customer", { Id: c.Id, SyncToken: c.SyncToken, sparse: true, Notes: "x" })).status).toBe(200);
  });
});

describe("webhooks", () => {
  const verify = (secret: string, raw: string, signature: string | string[] | undefined) => {
    const expected = Buffer.from(createHmac("sha256", secret).update(raw, "utf8").digest("base64"));
    const given = Buffer.from(String(signature ?? ""));
    return expected.length === given.length && timingSafeEqual(expected, given);
  };

  it("sends signed CloudEvents (and legacy bodies on request), retrying a failed delivery", async () => {
    const qbo = await realm();
    const cloud = await receiver((i) => (i === 0 ? 503 : 200));
    const legacy = await receiver();
    try {
      await control("/webhooks", { accountId: qbo.realmId, url: cloud.url, secret: "verifier-cloud", events: ["qbo.invoice.created.v1"] });
      const sub = await control("/webhooks", { accountId: qbo.realmId, url: legacy.url, secret: "verifier-legacy", events: ["legacy"] });
      expect(sub.body.events).toEqual(["legacy", "*"]);
      const c = await customer(qbo, "Hooked Ltd");
      const inv = await invoice(qbo, c.Id);
      await env.sandbox.webhooks.idle();

      expect(cloud.deliveries).toHaveLength(2); // a 503, then the retry
      const [failed, retried] = cloud.deliveries;
      expect(retried!.raw).toBe(failed!.raw);
      expect(retried!.headers["content-type"]).toBe("application/cloudevents+json");
      expect(verify("verifier-cloud", retried!.raw, retried!.headers["intuit-signature"])).toBe(true);
      expect(verify("verifier-cloud", retried!.raw.replace(inv.Id, "0"), retried!.headers["intuit-signature"])).toBe(false);
      const events = JSON.parse(retried!.raw);
      expect(events).toEqual([
        expect.objectContaining({ specversion: "1.0", type: "qbo.invoice.created.v1", intuitentityid: inv.Id, intuitaccountid: qbo.realmId, datacontenttype: "application/json", source: expect.stringMatching(/^intuit\./) }),
      ]);
      expect(events[0].time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);

      const bodies = legacy.deliveries.map((d) => {
        expect(verify("verifier-legacy", d.raw, d.headers["intuit-signature"])).toBe(true);
        return JSON.parse(d.raw).eventNotifications[0];
      });
      expect(bodies.map((n) => n.realmId)).toEqual([qbo.realmId, qbo.realmId]);
      expect(bodies.map((n) => n.dataChangeEvent.entities[0])).toEqual([
        { name: "Customer", id: c.Id, operation: "Create", lastUpdated: expect.stringMatching(/T\d{2}:\d{2}:\d{2}-0[78]00$/) },
        { name: "Invoice", id: inv.Id, operation: "Create", lastUpdated: expect.any(String) },
      ]);
      const stats = (await control("/stats", undefined, "GET")).body.webhooks;
      expect(stats.retried).toBeGreaterThanOrEqual(1);
      expect(stats.delivered).toBeGreaterThanOrEqual(3);
    } finally {
      await cloud.close();
      await legacy.close();
    }
  });
});

describe("OAuth", () => {
  const client = { id: "concord-sandbox-client", secret: "concord-sandbox-secret" };
  const basic = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString("base64")}`;
  const redirectUri = "http://127.0.0.1:9/callback";
  const tokenCall = (form: Record<string, string>, auth = basic) =>
    fetch(`${env.base}/oauth2/v1/tokens/bearer`, { method: "POST", headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: new URLSearchParams(form) });

  async function authorize(decision: "approve" | "deny"): Promise<URL> {
    const page = await fetch(`${env.base}/connect/oauth2?${new URLSearchParams({ client_id: client.id, response_type: "code", scope: "com.intuit.quickbooks.accounting", redirect_uri: redirectUri, state: "st4te" })}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('value="approve"');
    const form = new URLSearchParams({ client_id: client.id, redirect_uri: redirectUri, state: "st4te", scope: "com.intuit.quickbooks.accounting", account: "__new__", new_account_name: "Callback Bakery", decision });
    const res = await fetch(`${env.base}/connect/oauth2`, { method: "POST", body: form, redirect: "manual" });
    expect(res.status).toBe(302);
    return new URL(res.headers.get("location")!);
  }

  it("approves, sends realmId on the callback, rotates refresh tokens and revokes", async () => {
    await control("/oauth", { accessTokenTtlSeconds: 3600 });
    try {
      const callback = await authorize("approve");
      expect(callback.searchParams.get("state")).toBe("st4te");
      const realmId = callback.searchParams.get("realmId")!;
      expect(realmId).toMatch(/^\d{16}$/);

      const exchanged = await tokenCall({ grant_type: "authorization_code", code: callback.searchParams.get("code")!, redirect_uri: redirectUri });
      const tokens = (await exchanged.json()) as Json;
      expect(tokens).toMatchObject({ token_type: "bearer", expires_in: 3600, x_refresh_token_expires_in: 8_640_000 });
      const qbo = new QboClient(env.base, realmId, tokens.access_token);
      expect((await qbo.get(`/companyinfo/${realmId}`)).body.CompanyInfo.CompanyName).toBe("Callback Bakery");
      const other = await realm();
      const forbidden = await qbo.get("/preferences", undefined).then(() => qbo.call("GET", "/preferences", { realm: other.realmId }));
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.fault.error[0].code).toBe("3100");

      const refreshed = (await (await tokenCall({ grant_type: "refresh_token", refresh_token: tokens.refresh_token })).json()) as Json;
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      expect((await new QboClient(env.base, realmId, refreshed.access_token).get("/preferences")).status).toBe(200);
      const reused = await tokenCall({ grant_type: "refresh_token", refresh_token: tokens.refresh_token });
      expect(reused.status).toBe(400);
      expect(((await reused.json()) as Json).error).toBe("invalid_grant");

      const revoked = await fetch(`${env.base}/v2/oauth2/tokens/revoke`, { method: "POST", headers: { authorization: basic, "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ token: refreshed.refresh_token }) });
      expect(revoked.status).toBe(200);
      expect((await tokenCall({ grant_type: "refresh_token", refresh_token: refreshed.refresh_token })).status).toBe(400);
      expect((await new QboClient(env.base, realmId, refreshed.access_token).get("/preferences")).status).toBe(401);

      const badSecret = await tokenCall({ grant_type: "refresh_token", refresh_token: "AB11x" }, `Basic ${Buffer.from(`${client.id}:nope`).toString("base64")}`);
      expect(badSecret.status).toBe(401);
      const denied = await authorize("deny");
      expect(denied.searchParams.get("error")).toBe("access_denied");
    } finally {
      await control("/oauth", { accessTokenTtlSeconds: 31_536_000 });
    }
  });
});

describe("bad input", () => {
  it("answers with QuickBooks faults, never a crash", async () => {
    const qbo = await realm();
    const c = await customer(qbo, "Careful Co");

    const noAuth = await qbo.call("GET", `/customer/${c.Id}`, { token: "not-a-token" });
    expect(noAuth.status).toBe(401);
    expect(noAuth.body.fault).toMatchObject({ type: "AUTHENTICATION", error: [{ code: "3200", message: "message=AuthenticationFailed; errorCode=003200; statusCode=401" }] });

    expect(fault(await qbo.post("/invoice", { Line: [salesLine(10)] }))).toMatchObject({ code: "2020", element: "CustomerRef" });
    expect(fault(await qbo.post("/invoice", { CustomerRef: { value: c.Id } })).code).toBe("2020");
    expect(fault(await qbo.post("/invoice", { CustomerRef: { value: c.Id }, Line: [salesLine("ten dollars")] })).code).toBe("2010");
    expect(fault(await qbo.post("/invoice", { CustomerRef: { value: c.Id }, Line: [salesLine(10)], Colour: "red" })).Detail).toContain('Unrecognized field "Colour"');
    expect(fault(await qbo.post("/invoice", { CustomerRef: { value: "4040" }, Line: [salesLine(10)] })).code).toBe("2500");
    expect(fault(await qbo.post("/customer", { DisplayName: "  careful   CO " })).code).toBe("6240");
    expect(fault(await qbo.post("/payment", { CustomerRef: { value: c.Id } })).code).toBe("2020");
    const unknown = await qbo.get("/invoice/424242");
    expect(unknown.status).toBe(400);
    expect(fault(unknown)).toMatchObject({ code: "610", Message: "Object Not Found" });
    const route = await qbo.get("/widget/1");
    expect(route.status).toBe(400);
    expect(fault(route).Message).toBe("Unsupported Operation");

    const bodies = ["{not json", "null", "[]", '"text"', "42", '{"Line": {}}', '{"CustomerRef": 5, "Line": []}', '{"Line": [null]}', '{"CustomerRef": {"value": []}, "Line": [{"Amount": 1e400}]}', '{"Id": {"$gt": 1}, "SyncToken": "0"}', '{"__proto__": {"x": 1}}'];
    for (const path of ["/invoice", "/customer", "/payment", "/batch"]) {
      for (const body of bodies) {
        const answer = await qbo.call("POST", path, { json: body });
        expect(answer.status, `${path} ${body}`).toBe(400);
        expect(answer.body.Fault.type, `${path} ${body}`).toBe("ValidationFault");
      }
    }
    const huge = await qbo.call("POST", "/invoice", { json: JSON.stringify({ PrivateNote: "x".repeat(6 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
  });
});
