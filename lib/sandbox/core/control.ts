/**
 * The control API every sandbox serves under /_sandbox/ (JSON in and out): accounts with ready
 * tokens, deterministic seeding, webhook subscriptions, faults, the clock, reset and stats.
 */
import { z } from "zod";
import { faultsSchema } from "./faults";
import { DEFAULT_CLIENT } from "./oauth";
import { json, parseJson, type Router, type SandboxRequest, type SandboxResponse } from "./http";
import { seedSchema } from "./seed";
import type { Sandbox } from "./sandbox";
import { subscriptionSchema } from "./webhooks";

function body<S extends z.ZodType>(req: SandboxRequest, schema: S): { ok: true; value: z.output<S> } | { ok: false; response: SandboxResponse } {
  const parsed = parseJson(req);
  if (!parsed.ok) return { ok: false, response: json(400, { error: { message: "The body is not valid JSON." } }) };
  const result = schema.safeParse(parsed.value ?? {});
  if (!result.success) {
    return { ok: false, response: json(400, { error: { message: "Invalid request.", issues: result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) } }) };
  }
  return { ok: true, value: result.data };
}

const accountSchema = z.strictObject({ name: z.string().trim().min(1).max(200).optional(), live: z.boolean().optional() });
const clockSchema = z.strictObject({ scale: z.number().min(0.001).max(100_000) });
const oauthSchema = z.strictObject({
  accessTokenTtlSeconds: z.number().int().min(1).max(31_536_000).optional(),
  refreshTokenTtlSeconds: z.number().int().min(1).max(31_536_000).optional(),
});

export function controlRoutes<D>(router: Router, sandbox: Sandbox<D>): void {
  router
    .add("POST", "/_sandbox/accounts", (req) => {
      const input = body(req, accountSchema);
      if (!input.ok) return input.response;
      const account = sandbox.createAccount(input.value.name, input.value.live);
      const tokens = sandbox.oauth.issue({ clientId: DEFAULT_CLIENT.id, accountIds: [account.id], scope: "all" }, account.live);
      return json(201, { accountId: account.id, name: account.name, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn });
    })
    .add("GET", "/_sandbox/accounts", () => json(200, { data: [...sandbox.accounts.values()] }))
    .add("POST", "/_sandbox/seed", (req) => {
      const input = body(req, seedSchema);
      if (!input.ok) return input.response;
      const ctx = sandbox.context(input.value.accountId);
      if (!ctx) return json(404, { error: { message: `No account ${input.value.accountId}.` } });
      return json(200, { accountId: ctx.account.id, created: sandbox.definition.seed(ctx, input.value) });
    })
    .add("POST", "/_sandbox/webhooks", async (req) => {
      const input = body(req, subscriptionSchema);
      if (!input.ok) return input.response;
      if (input.value.accountId && !sandbox.accounts.has(input.value.accountId)) return json(404, { error: { message: `No account ${input.value.accountId}.` } });
      const sub = sandbox.webhooks.subscribe(input.value);
      await sandbox.definition.onSubscribe?.(sub, sandbox);
      return json(201, sub);
    })
    .add("GET", "/_sandbox/webhooks", () => json(200, { data: sandbox.webhooks.subscriptions, recent: sandbox.webhooks.log.slice(-100) }))
    .add("POST", "/_sandbox/faults", (req) => {
      const input = body(req, faultsSchema);
      if (!input.ok) return input.response;
      sandbox.faults.set(input.value);
      return json(200, sandbox.faults.config);
    })
    .add("POST", "/_sandbox/clock", (req) => {
      const input = body(req, clockSchema);
      if (!input.ok) return input.response;
      sandbox.clock.scale = input.value.scale;
      return json(200, { scale: sandbox.clock.scale });
    })
    .add("POST", "/_sandbox/oauth", (req) => {
      const input = body(req, oauthSchema);
      if (!input.ok) return input.response;
      Object.assign(sandbox.oauth.config, input.value);
      return json(200, { accessTokenTtlSeconds: sandbox.oauth.config.accessTokenTtlSeconds, refreshTokenTtlSeconds: sandbox.oauth.config.refreshTokenTtlSeconds });
    })
    .add("POST", "/_sandbox/reset", () => {
      sandbox.reset();
      return json(200, { reset: true });
    })
    .add("GET", "/_sandbox/stats", () =>
      json(200, {
        provider: sandbox.definition.name,
        requests: sandbox.stats.requests,
        rateLimited: sandbox.stats.rateLimited,
        faultsInjected: sandbox.stats.faultsInjected,
        webhooks: sandbox.stats.webhooks,
        objects: Object.fromEntries([...sandbox.data].map(([id, data]) => [id, sandbox.definition.counts(data)])),
        clock: { scale: sandbox.clock.scale },
      }),
    );
}
