/**
 * The demo's providers: the four sandboxes run inside the launcher (state in <data dir>/sandbox),
 * and once the app answers, each sandbox is subscribed to the app's webhook endpoint with the
 * secret the app verifies (idempotently: a restart does not add a second subscription).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PROVIDERS, portFor, startSandboxes } from "../../lib/sandbox";

export async function startDemoSandboxes(dataDir: string, env: Record<string, string | undefined>): Promise<() => Promise<void>> {
  const stateDir = env.SANDBOX_STATE_DIR === "none" ? undefined : path.resolve(env.SANDBOX_STATE_DIR || path.join(dataDir, "sandbox"));
  if (stateDir) mkdirSync(stateDir, { recursive: true });
  const ports = Object.fromEntries(PROVIDERS.map((p) => [p, portFor(p, env)]));
  const { close } = await startSandboxes({ stateDir, ports });
  return close;
}

const SECRET_VAR = { stripe: "STRIPE_WEBHOOK_SECRET", quickbooks: "QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN", xero: "XERO_WEBHOOK_KEY", hubspot: "HUBSPOT_CLIENT_SECRET" } as const;

export async function subscribeDemoWebhooks(appUrl: string, env: Record<string, string | undefined>): Promise<void> {
  for (const provider of PROVIDERS) {
    const base = `http://127.0.0.1:${portFor(provider, env)}`;
    const url = `${appUrl}/api/webhooks/${provider}`;
    const secret = env[SECRET_VAR[provider]] || (provider === "hubspot" ? "concord-sandbox-secret" : undefined);
    if (!secret) continue;
    const existing = (await (await fetch(`${base}/_sandbox/webhooks`)).json()) as { data: { url: string; secret: string; status: string }[] };
    if (existing.data.some((s) => s.url === url && s.secret === secret && s.status === "active")) continue;
    const response = await fetch(`${base}/_sandbox/webhooks`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url, secret }) });
    if (!response.ok) console.warn(`Could not subscribe the ${provider} sandbox's webhooks: ${response.status} ${await response.text()}`);
  }
}
