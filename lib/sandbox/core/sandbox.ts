/**
 * One provider sandbox: its accounts and their data, an OAuth server, webhooks, rate limits,
 * faults, a clock and stats, behind one request pipeline. A provider supplies a
 * `ProviderDefinition` (wire formats, error shapes, limits, routes); everything shared lives here.
 *
 * Pipeline for API routes: match → authenticate (provider's 401) → rate limits (provider's 429
 * with Retry-After) → injected faults (latency, 500/503, hang) → handler → stats.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync, existsSync, renameSync } from "node:fs";
import { Clock } from "./clock";
import { Faults } from "./faults";
import { type Handler, json, Router, type SandboxRequest, type SandboxResponse, serve, type RunningServer } from "./http";
import { IdempotencyCache } from "./idempotency";
import { OAuthServer, type Grant, type OAuthConfig, type OAuthState } from "./oauth";
import { RateLimiter, type WindowRule } from "./rate-limit";
import { Rng } from "./rng";
import type { SeedInput } from "./seed";
import { Stats } from "./stats";
import { WebhookDispatcher, type Subscription } from "./webhooks";
import { controlRoutes } from "./control";

export type ProviderName = "stripe" | "quickbooks" | "xero" | "hubspot";
/** `live`: a live-mode account (providers that distinguish modes, e.g. Stripe, give it live limits and keys). */
export type Account = { id: string; name: string; createdAt: number; live?: boolean };

export type ApiContext<D> = { account: Account; data: D; grant: Grant | null; sandbox: Sandbox<D> };
export type ApiHandler<D> = (req: SandboxRequest, ctx: ApiContext<D>) => SandboxResponse | Promise<SandboxResponse>;

/** The provider's own error answers, used by the shared pipeline. */
export type ErrorShapes = {
  unauthorized(req: SandboxRequest): SandboxResponse;
  notFound(req: SandboxRequest): SandboxResponse;
  rateLimited(retryAfterSeconds: number, rule: string): SandboxResponse;
  serverError(status: 500 | 503): SandboxResponse;
  tooLarge(): SandboxResponse;
};

export type Limits = { windows: WindowRule[]; concurrency?: { key: string; max: number } };

export type ProviderDefinition<D> = {
  name: ProviderName;
  label: string;
  defaultPort: number;
  newAccountId(rng: Rng): string;
  newData(): D;
  counts(data: D): Record<string, number>;
  seed(ctx: ApiContext<D>, input: SeedInput): Record<string, number>;
  errors: ErrorShapes;
  oauth: OAuthConfig & { paths: { authorize: string; token: string; revoke: string } };
  /** Finds the account a request acts on (token, tenant header, realm in the path...). */
  authenticate(req: SandboxRequest, sandbox: Sandbox<D>): { accountId: string; grant: Grant | null } | SandboxResponse;
  limits(req: SandboxRequest, accountId: string, grant: Grant | null, sandbox: Sandbox<D>): Limits;
  /** Headers that report remaining quota on successful answers (Xero's X-MinLimit-Remaining...). */
  limitHeaders?(remaining: Record<string, number>): Record<string, string>;
  routes(api: ApiRoutes<D>, publicRoutes: Router, sandbox: Sandbox<D>): void;
  webhookRetryScheduleMs: number[];
  /** Called when a subscription is added through the control API (Xero's intent to receive). */
  onSubscribe?(sub: Subscription, sandbox: Sandbox<D>): Promise<void>;
};

export class ApiRoutes<D> {
  readonly router = new Router();
  add(method: string, pattern: string, handler: ApiHandler<D>): this {
    this.router.add(method, pattern, handler as unknown as Handler);
    return this;
  }
}

type Snapshot<D> = { accounts: Account[]; data: Record<string, D>; oauth: OAuthState; subscriptions: Subscription[] };

export class Sandbox<D> {
  readonly clock = new Clock();
  readonly stats = new Stats();
  readonly faults = new Faults();
  readonly limiter: RateLimiter;
  readonly idempotency: IdempotencyCache;
  readonly oauth: OAuthServer;
  readonly webhooks: WebhookDispatcher;
  // Account ids and secrets must differ between sandbox instances (tests run several at once);
  // seeded data stays deterministic through /_sandbox/seed's own seed.
  readonly rng = new Rng(randomBytes(8).toString("hex"));
  accounts = new Map<string, Account>();
  data = new Map<string, D>();
  private readonly control = new Router();
  private readonly publicRoutes = new Router();
  private readonly api = new ApiRoutes<D>();
  private dirty = false;
  private server: RunningServer | null = null;

  constructor(
    readonly definition: ProviderDefinition<D>,
    private readonly stateFile?: string,
  ) {
    this.limiter = new RateLimiter(this.clock);
    this.idempotency = new IdempotencyCache(this.clock);
    this.webhooks = new WebhookDispatcher(this.clock, this.stats, new Rng("webhooks"), definition.webhookRetryScheduleMs, () => `whsec_${this.rng.id(32)}`);
    this.oauth = new OAuthServer(definition.oauth, this.clock, () => [...this.accounts.values()], (name) => this.createAccount(name).id);
    const { paths } = definition.oauth;
    this.publicRoutes
      .add("GET", paths.authorize, (req) => this.oauth.authorizePage(req))
      .add("POST", paths.authorize, (req) => this.oauth.authorizeDecision(req))
      .add("POST", paths.token, (req) => this.oauth.tokenEndpoint(req))
      .add("POST", paths.revoke, (req) => this.oauth.revoke(req));
    controlRoutes(this.control, this);
    definition.routes(this.api, this.publicRoutes, this);
    if (stateFile && existsSync(stateFile)) this.restore(JSON.parse(readFileSync(stateFile, "utf8")) as Snapshot<D>);
  }

  createAccount(name = `${this.definition.label} sandbox`, live = false): Account {
    let id = this.definition.newAccountId(this.rng);
    // After a restore the seeded rng starts over: never hand out an id that is taken.
    while (this.accounts.has(id)) id = this.definition.newAccountId(this.rng);
    const account: Account = { id, name, createdAt: this.clock.now(), ...(live ? { live } : {}) };
    this.accounts.set(account.id, account);
    this.data.set(account.id, this.definition.newData());
    this.dirty = true;
    return account;
  }

  context(accountId: string, grant: Grant | null = null): ApiContext<D> | null {
    const account = this.accounts.get(accountId);
    const data = this.data.get(accountId);
    return account && data ? { account, data, grant, sandbox: this } : null;
  }

  /** Marks state as changed so the state file is rewritten. */
  touch(): void {
    this.dirty = true;
  }

  async handle(req: SandboxRequest): Promise<SandboxResponse> {
    const response = await this.dispatch(req);
    this.stats.request(req.route || `${req.method} (unmatched)`, response.status);
    if (req.method !== "GET") this.dirty = true;
    return response;
  }

  private async dispatch(req: SandboxRequest): Promise<SandboxResponse> {
    for (const router of [this.control, this.publicRoutes]) {
      const hit = router.match(req.method, req.path);
      if (hit) {
        req.params = hit.params;
        req.route = hit.route;
        return this.safely(() => hit.handler(req));
      }
    }
    const hit = this.api.router.match(req.method, req.path);
    if (!hit) return this.definition.errors.notFound(req);
    req.params = hit.params;
    req.route = hit.route;
    const who = this.definition.authenticate(req, this);
    if ("status" in who) return who;
    const ctx = this.context(who.accountId, who.grant);
    if (!ctx) return this.definition.errors.unauthorized(req);

    const limits = this.definition.limits(req, who.accountId, who.grant, this);
    const verdict = this.limiter.take(limits.windows);
    if (!verdict.ok) return this.definition.errors.rateLimited(verdict.retryAfterSeconds, verdict.rule);
    const release = limits.concurrency ? this.limiter.enter(limits.concurrency.key, limits.concurrency.max) : () => {};
    if (!release) return this.definition.errors.rateLimited(1, "concurrency");
    try {
      const fault = this.faults.decide(req.path);
      if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault.kind !== "none") this.stats.faultsInjected += 1;
      if (fault.kind === "timeout") return { status: 0, hang: true };
      if (fault.kind === "error500" || fault.kind === "error503") return this.definition.errors.serverError(fault.kind === "error500" ? 500 : 503);
      const response = await this.safely(() => (hit.handler as unknown as ApiHandler<D>)(req, ctx));
      const extra = this.definition.limitHeaders?.(verdict.remaining);
      return extra ? { ...response, headers: { ...response.headers, ...extra } } : response;
    } finally {
      release();
    }
  }

  private async safely(run: () => SandboxResponse | Promise<SandboxResponse>): Promise<SandboxResponse> {
    try {
      return await run();
    } catch (error) {
      console.error(`[sandbox:${this.definition.name}]`, error);
      return this.definition.errors.serverError(500);
    }
  }

  snapshot(): Snapshot<D> {
    return {
      accounts: [...this.accounts.values()],
      data: Object.fromEntries(this.data),
      oauth: this.oauth.state,
      subscriptions: this.webhooks.subscriptions,
    };
  }

  restore(snapshot: Snapshot<D>): void {
    this.accounts = new Map(snapshot.accounts.map((a) => [a.id, a]));
    this.data = new Map(Object.entries(snapshot.data));
    this.oauth.state = snapshot.oauth;
    this.webhooks.subscriptions = snapshot.subscriptions;
  }

  save(): void {
    if (!this.stateFile || !this.dirty) return;
    this.dirty = false;
    const tmp = `${this.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.snapshot()));
    renameSync(tmp, this.stateFile); // never a half-written state file
  }

  reset(): void {
    this.accounts.clear();
    this.data.clear();
    this.oauth.reset();
    this.webhooks.reset();
    this.limiter.reset();
    this.idempotency.reset();
    this.stats.reset();
    this.faults.set({ errorRate: 0, latencyMs: 0, timeoutRate: 0, staleSyncTokenRate: 0, paths: [] });
    this.clock.scale = 1;
    this.dirty = true;
  }

  async listen(port = this.definition.defaultPort): Promise<RunningServer> {
    this.server = await serve(port, (req) => this.handle(req), () => this.definition.errors.tooLarge());
    const timer = this.stateFile ? setInterval(() => this.save(), 2_000).unref() : null;
    const server = this.server;
    return {
      ...server,
      close: async () => {
        if (timer) clearInterval(timer);
        this.save();
        await server.close();
      },
    };
  }

  get url(): string {
    if (!this.server) throw new Error(`${this.definition.name} sandbox is not listening`);
    return this.server.url;
  }
}

export { json };
