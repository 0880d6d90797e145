/**
 * One workspace connected to all four provider sandboxes, each seeded with the same business:
 * the set-up the cross-system tests share. Call at the top of a test file; `state` is filled in
 * before the file's tests run.
 */
import { beforeAll } from "vitest";
import { db, type Provider } from "../lib/db";
import { sealTokens } from "../lib/connections/tokens";
import { makePerson } from "./factories";
import { sandboxForTests, type TestSandbox } from "./sandbox";

export type FourSystems = {
  sandboxes: Record<Provider, TestSandbox>;
  providers: Provider[];
  state: { workspaceId: string; connections: Record<Provider, string> };
};

export function fourSystemsForTests(options: { label: string; seed: number; customers: number; invoices: number; currencies: string[]; live?: boolean }): FourSystems {
  const sandboxes: Record<Provider, TestSandbox> = {
    STRIPE: sandboxForTests("stripe"),
    QUICKBOOKS: sandboxForTests("quickbooks"),
    XERO: sandboxForTests("xero"),
    HUBSPOT: sandboxForTests("hubspot"),
  };
  const providers = Object.keys(sandboxes) as Provider[];
  const state = { workspaceId: "", connections: {} as Record<Provider, string> };
  beforeAll(async () => {
    state.workspaceId = (await makePerson(options.label)).workspace.id;
    for (const provider of providers) {
      const { post } = sandboxes[provider];
      await post("/_sandbox/clock", { scale: 100 }); // rate-limit windows pass quickly
      const account = await post("/_sandbox/accounts", { name: `${options.label} ${provider}`, ...(options.live ? { live: true } : {}) });
      await post("/_sandbox/seed", { accountId: account.accountId, seed: options.seed, customers: options.customers, invoices: options.invoices, currencies: options.currencies });
      const connection = await db().connection.create({
        data: {
          workspaceId: state.workspaceId,
          provider,
          externalAccountId: account.accountId,
          displayName: `${options.label} ${provider}`,
          ...sealTokens({ accessToken: account.accessToken, refreshToken: account.refreshToken, expiresAt: Date.now() + 3_600_000, scope: null }),
        },
      });
      state.connections[provider] = connection.id;
    }
  }, 120_000);
  return { sandboxes, providers, state };
}
