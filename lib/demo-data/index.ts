/**
 * The demo's data: the four provider sandboxes hold the same business (one seed: a few hundred
 * invoices, some forty customers, four currencies), a handful of invoices are then made to
 * disagree across systems (plan.ts), and the demo workspace is connected to all four with the
 * sandboxes' tokens and given its first sync.
 *
 * Idempotent across restarts: a workspace whose demo connections still find their sandbox
 * accounts is left alone. The demo connection of a provider is the workspace's oldest connection
 * to it (anything connected by hand later is not the demo's). When a sandbox lost its state the
 * workspace mirrors data that no longer exists anywhere: `setUpDemo` then rebuilds it.
 * Only for local runs (`npm run demo`, tests): this module talks to sandboxes, never to providers.
 */
import { db, type ConnectionStatus } from "../db";
import type { Actor } from "../audit/record";
import { connectWithTokens } from "../connections/direct";
import { accessToken } from "../connections/tokens";
import { PROVIDER_IDS, type ProviderId } from "../connectors/types";
import { log } from "../log";
import { pullConnection, type PullSummary } from "../sync/pull";
import { reviewHistory } from "../sync/review";
import { DEMO_USER, dropDemoWorkspace, ensureDemo, type DemoSetup } from "../demo";
import { accountIds, createSeededAccount, type DemoSeed } from "./control";
import type { ApiAccess, SandboxAccount } from "./http";
import { applyHubspot } from "./hubspot";
import { describePlan, planInconsistencies, type DemoPlan, type Inconsistency } from "./plan";
import { applyQuickbooks } from "./quickbooks";
import { applyStripe } from "./stripe";
import { applyXero, cleanXeroNumbers } from "./xero";

export { summarize, type Inconsistency } from "./plan";

export const DEMO_SEED: DemoSeed = { seed: "concord-demo", customers: 40, invoices: 300, currencies: ["USD", "EUR", "GBP", "JPY"] };
/** The business every demo sandbox account belongs to (also the connections' display name). */
export const DEMO_COMPANY = "Concord Demo Co";
const ACTOR: Actor = { type: "SYSTEM", label: "Demo set-up" };

/** Where each sandbox answers, e.g. { stripe: "http://127.0.0.1:4101", ... }. */
export type SandboxUrls = Record<ProviderId, string>;

export type DemoConnection = { provider: ProviderId; connectionId: string; status: ConnectionStatus; created: boolean };
export type DemoPull = { provider: ProviderId; summary: PullSummary | null; error: string | null };

export type DemoData =
  /** Some demo connection's sandbox account is gone (the sandbox lost its state). */
  | { kind: "stale"; lost: ProviderId[] }
  | { kind: "ready" | "created"; connections: DemoConnection[]; inconsistencies: Inconsistency[]; pulls: DemoPull[] };

export type DemoDataOptions = {
  workspaceId: string;
  /** Credited with the connections the demo makes. */
  connectedById: string | null;
  sandboxes: SandboxUrls;
  seed?: DemoSeed;
  /** Run each new connection's first sync before answering (default true). */
  pull?: boolean;
};

function apply(provider: ProviderId, api: ApiAccess, plan: DemoPlan): Promise<void> {
  switch (provider) {
    case "stripe":
      return applyStripe(api, plan);
    case "quickbooks":
      return applyQuickbooks(api, plan);
    case "xero":
      return applyXero(api, plan);
    case "hubspot":
      return applyHubspot(api, plan);
    default: {
      const unknown: never = provider;
      throw new Error(`No demo data for ${String(unknown)}`);
    }
  }
}

/** Which invoices Xero holds cleanly, read from a fresh account or the existing connection. */
async function xeroFacts(sandboxes: SandboxUrls, fresh: SandboxAccount | undefined, existing: { id: string; externalAccountId: string } | undefined): Promise<(n: string) => boolean> {
  try {
    const api = fresh ?? { baseUrl: sandboxes.xero, accountId: existing!.externalAccountId, accessToken: await accessToken(existing!.id) };
    const clean = await cleanXeroNumbers(api);
    return (n) => clean.has(n);
  } catch (error) {
    // A Xero connection someone disconnected: pick targets without knowing Xero's taxes.
    log().warn({ err: error instanceof Error ? error.message : String(error) }, "demo: could not read Xero's invoices");
    return () => true;
  }
}

/** Makes the workspace's demo connections exist (see the module comment); one call per start. */
export async function ensureDemoData(options: DemoDataOptions): Promise<DemoData> {
  const { workspaceId, sandboxes } = options;
  const seed = options.seed ?? DEMO_SEED;
  const rows = await db().connection.findMany({
    where: { workspaceId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, provider: true, externalAccountId: true, status: true },
  });
  const demo = new Map<ProviderId, (typeof rows)[number]>();
  for (const row of rows) {
    const provider = row.provider.toLowerCase() as ProviderId;
    if (!demo.has(provider)) demo.set(provider, row);
  }
  const known = await Promise.all(PROVIDER_IDS.map((p) => accountIds(sandboxes[p])));
  const lost = PROVIDER_IDS.filter((p, i) => demo.has(p) && !known[i]!.has(demo.get(p)!.externalAccountId));
  if (lost.length) return { kind: "stale", lost };

  const missing = PROVIDER_IDS.filter((p) => !demo.has(p));
  const connections: DemoConnection[] = [...demo].map(([provider, row]) => ({ provider, connectionId: row.id, status: row.status, created: false }));
  if (missing.length === 0) return { kind: "ready", connections, inconsistencies: [], pulls: [] };

  const fresh = new Map(await Promise.all(missing.map(async (p) => [p, await createSeededAccount(sandboxes[p], DEMO_COMPANY, seed)] as const)));
  const plan = planInconsistencies(seed, await xeroFacts(sandboxes, fresh.get("xero"), demo.get("xero")));
  await Promise.all([...fresh].map(([provider, account]) => apply(provider, account, plan)));

  // One after another: each is a transaction appending to the workspace's audit chain.
  for (const [provider, account] of fresh) {
    const { connectionId } = await connectWithTokens({
      workspaceId,
      actor: ACTOR,
      connectedById: options.connectedById,
      provider,
      account: { externalAccountId: account.accountId, displayName: account.name },
      tokens: { accessToken: account.accessToken, refreshToken: account.refreshToken, expiresAt: Date.now() + account.expiresIn * 1000, scope: null },
    });
    connections.push({ provider, connectionId, status: "ACTIVE", created: true });
  }
  connections.sort((a, b) => PROVIDER_IDS.indexOf(a.provider) - PROVIDER_IDS.indexOf(b.provider));

  const created = connections.filter((c) => c.created);
  // One after another, in a fixed order: records then meet each other in the same order on every
  // run, so the demo's picture (which record starts an invoice, which one is the copy) never varies.
  const pulls: DemoPull[] = [];
  for (const { provider, connectionId } of options.pull === false ? [] : created) {
    pulls.push(
      await pullConnection(connectionId).then(
        (summary) => ({ provider, summary, error: summary.error }),
        (error: unknown) => ({ provider, summary: null, error: error instanceof Error ? error.message : String(error) }),
      ),
    );
  }
  // History the rules cannot settle becomes the inbox's first conflicts (nothing is written anywhere).
  if (pulls.length > 0 && pulls.every((p) => !p.error)) await reviewHistory(workspaceId);
  const inconsistencies = describePlan(plan).filter((i) => fresh.has(i.provider));
  return { kind: "created", connections, inconsistencies, pulls };
}

export type DemoReady = Exclude<DemoData, { kind: "stale" }> & { setup: DemoSetup; email: string; rebuilt: boolean };

/**
 * The whole demo for `npm run demo`: the person (with `password` working), the workspace, and its
 * data. A workspace whose sandbox accounts are gone is dropped and made again.
 */
export async function setUpDemo(options: { password: string; sandboxes: SandboxUrls; seed?: DemoSeed; pull?: boolean }): Promise<DemoReady> {
  const setup = await ensureDemo(options.password);
  const data = (s: DemoSetup) => ensureDemoData({ workspaceId: s.workspace.id, connectedById: s.userId, sandboxes: options.sandboxes, seed: options.seed, pull: options.pull });
  const first = await data(setup);
  if (first.kind !== "stale") return { ...first, setup, email: DEMO_USER.email, rebuilt: false };
  log().info({ lost: first.lost }, "demo: sandbox accounts are gone; rebuilding the demo workspace");
  await dropDemoWorkspace();
  const again = await ensureDemo(options.password);
  const second = await data(again);
  if (second.kind === "stale") throw new Error(`The demo's ${second.lost.join(", ")} sandbox accounts vanished while it was being set up`);
  return { ...second, setup: { ...again, passwordReset: setup.passwordReset }, email: DEMO_USER.email, rebuilt: true };
}
