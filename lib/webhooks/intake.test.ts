/**
 * Webhook intake with each provider's real deliveries: the sandboxes send signed webhooks to a
 * local receiver; the captured requests are then fed to the intake as they are (valid), replayed,
 * tampered, signed with the wrong secret, late, malformed, and for an account nobody connected.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { connectorFor } from "../connectors";
import type { ProviderId, WebhookRequest } from "../connectors/types";
import { createSandbox } from "../sandbox";
import type { RunningServer } from "../sandbox/core/http";
import { makePerson } from "../../test/factories";
import { toPrismaProvider } from "../connections/connect";
import { receiveWebhook } from "./intake";

const SECRETS = {
  STRIPE_WEBHOOK_SECRET: "whsec_intake_test_secret",
  QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN: "qbo-verifier-token",
  XERO_WEBHOOK_KEY: "xero-webhook-key-for-tests",
  HUBSPOT_CLIENT_SECRET: "concord-sandbox-secret",
} as const;
const SECRET_OF: Record<ProviderId, string> = {
  stripe: SECRETS.STRIPE_WEBHOOK_SECRET,
  quickbooks: SECRETS.QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN,
  xero: SECRETS.XERO_WEBHOOK_KEY,
  hubspot: SECRETS.HUBSPOT_CLIENT_SECRET,
};

type Captured = WebhookRequest & { at: Date };
const captured: Captured[] = [];
let receiver: http.Server;
let receiverUrl: string;
const servers: RunningServer[] = [];
const saved: Record<string, string | undefined> = {};

function setEnv(values: Record<string, string>) {
  for (const [k, v] of Object.entries(values)) {
    if (!(k in saved)) saved[k] = process.env[k];
    process.env[k] = v;
  }
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = { method: req.method ?? "POST", url: `${receiverUrl}${req.url}`, headers, rawBody: body };
      const provider = (req.url ?? "").split("/")[1] as ProviderId;
      // Answer like the app: Xero's intent to receive needs 401 for a bad signature.
      const ok = connectorFor(provider).webhooks.verify(request, SECRET_OF[provider], new Date()).ok;
      if (ok && JSON.parse(body || "{}")?.events?.length !== 0) captured.push({ ...request, at: new Date() });
      res.writeHead(ok ? 200 : 401).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  setEnv({ CONCORD_PROVIDERS: "sandbox", ...SECRETS });
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  await Promise.all(servers.map((s) => s.close()));
  await new Promise<void>((r) => receiver.close(() => r()));
});

/** Starts the provider's sandbox, connects an account in a fresh workspace, and captures one real delivery. */
async function realDelivery(provider: ProviderId): Promise<{ delivery: Captured; accountId: string; connectionId: string }> {
  const sandbox = createSandbox(provider);
  const server = await sandbox.listen(0);
  servers.push(server);
  setEnv({ [`SANDBOX_${provider.toUpperCase()}_PORT`]: String(server.port) });
  const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json());
  const account = await post("/_sandbox/accounts", { name: `${provider} intake` });
  const subscription = await post("/_sandbox/webhooks", { url: `${receiverUrl}/${provider}`, secret: SECRET_OF[provider] });
  expect(subscription.status).toBe("active");
  const owner = await makePerson(`intake-${provider}`);
  const connection = await db().connection.create({
    data: { workspaceId: owner.workspace.id, provider: toPrismaProvider(provider), externalAccountId: account.accountId, displayName: "Intake" },
  });
  const client = connectorFor(provider).client({ accountId: account.accountId, accessToken: async () => account.accessToken, connectionKey: `intake-${provider}-${account.accountId}` });
  const before = captured.length;
  // Stripe takes no due date in the past: dates relative to today keep the test true on any day.
  const daysFromToday = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  await client.createInvoice(
    { concordId: `inv_${provider}`, number: null, customer: { externalId: null, name: "Intake Customer", email: "intake@example.test" }, currency: "USD", issueDate: daysFromToday(-5), dueDate: daysFromToday(25), memo: null, lines: [{ description: "Work", quantity: "2", unitAmountMinor: 1250n }] },
    { idempotencyKey: `intake-${provider}` },
  );
  await sandbox.webhooks.idle();
  expect(captured.length).toBeGreaterThan(before);
  return { delivery: captured[before]!, accountId: account.accountId, connectionId: connection.id };
}

function resigned(provider: ProviderId, request: Captured, rawBody: string, timestamp = Date.now()): WebhookRequest {
  const headers = new Headers(request.headers);
  const secret = SECRET_OF[provider];
  if (provider === "stripe") {
    const t = Math.floor(timestamp / 1000);
    headers.set("stripe-signature", `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${rawBody}`).digest("hex")}`);
  } else if (provider === "quickbooks") {
    headers.set("intuit-signature", createHmac("sha256", secret).update(rawBody).digest("base64"));
  } else if (provider === "xero") {
    headers.set("x-xero-signature", createHmac("sha256", secret).update(rawBody).digest("base64"));
  } else {
    headers.set("x-hubspot-request-timestamp", String(timestamp));
    headers.set("x-hubspot-signature-v3", createHmac("sha256", secret).update(`POST${request.url}${rawBody}${timestamp}`).digest("base64"));
  }
  return { ...request, headers, rawBody };
}

describe.each(["stripe", "quickbooks", "xero", "hubspot"] as const)("%s webhooks", (provider) => {
  let delivery: Captured;
  let accountId: string;
  let connectionId: string;

  beforeAll(async () => {
    ({ delivery, accountId, connectionId } = await realDelivery(provider));
  });

  it("stores a valid delivery once, and a replay or duplicate changes nothing", async () => {
    const first = await receiveWebhook(provider, delivery, delivery.at);
    expect(first.stored).toBeGreaterThan(0);
    expect(first.duplicates).toBe(0);
    const rows = await db().webhookDelivery.findMany({ where: { connectionId } });
    expect(rows).toHaveLength(first.stored);
    expect(rows.every((r) => r.status === "RECEIVED" && r.accountId === accountId)).toBe(true);
    expect((rows[0]!.hints as unknown[]).length).toBeGreaterThan(0);
    // The stored deliveries are named, for processing.
    expect(first.deliveries.map((d) => d.deliveryId).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(first.deliveries.every((d) => d.connectionId === connectionId)).toBe(true);
    const again = await receiveWebhook(provider, delivery, delivery.at);
    expect(again).toMatchObject({ stored: 0, duplicates: first.stored, deliveries: [] });
    expect(await db().webhookDelivery.count({ where: { connectionId } })).toBe(first.stored);
    expect((await db().connection.findUniqueOrThrow({ where: { id: connectionId } })).lastWebhookAt).not.toBeNull();
  });

  it("refuses a tampered body and a wrong secret, storing nothing", async () => {
    const count = await db().webhookDelivery.count();
    const tampered = { ...delivery, rawBody: delivery.rawBody.replace(accountId, `${accountId}x`) };
    await expect(receiveWebhook(provider, tampered, delivery.at)).rejects.toMatchObject({ code: "unauthorized" });
    const wrongSecretHeaders = resigned(provider, delivery, delivery.rawBody);
    process.env[Object.keys(SECRETS).find((k) => SECRETS[k as keyof typeof SECRETS] === SECRET_OF[provider])!] = "another-secret";
    try {
      await expect(receiveWebhook(provider, wrongSecretHeaders, new Date())).rejects.toMatchObject({ code: "unauthorized" });
    } finally {
      setEnv(SECRETS);
    }
    expect(await db().webhookDelivery.count()).toBe(count);
  });

  it("refuses a malformed body even when correctly signed", async () => {
    await expect(receiveWebhook(provider, resigned(provider, delivery, "{not json"), new Date())).rejects.toMatchObject({ code: "bad_request" });
  });

  it("acknowledges events for an account nobody connected, as ignored", async () => {
    await db().connection.delete({ where: { id: connectionId } });
    const summary = await receiveWebhook(provider, delivery, delivery.at);
    expect(summary.ignored).toBeGreaterThan(0);
    const ignored = await db().webhookDelivery.findMany({ where: { accountId, routedTo: "unknown" } });
    expect(ignored.every((r) => r.status === "IGNORED")).toBe(true);
  });

  if (provider === "stripe" || provider === "hubspot") {
    it("refuses a delivery older than five minutes", async () => {
      const late = new Date(delivery.at.getTime() + 6 * 60_000);
      await expect(receiveWebhook(provider, delivery, late)).rejects.toMatchObject({ code: "unauthorized" });
    });
  }

  if (provider === "xero") {
    it("answers the intent-to-receive check", async () => {
      const body = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: "ABCDEF" });
      expect(await receiveWebhook("xero", resigned("xero", delivery, body), new Date())).toMatchObject({ events: 0 });
      await expect(receiveWebhook("xero", { ...resigned("xero", delivery, body), rawBody: body + " " }, new Date())).rejects.toMatchObject({ code: "unauthorized" });
    });
  }
});
