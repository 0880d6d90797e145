/**
 * The sandboxes' control API as the demo uses it: which accounts exist, and a new account
 * seeded with the demo's business data (the same seed everywhere, so every system holds the same
 * customers and invoices). See lib/sandbox/README.md, "Control API".
 */
import { z } from "zod";
import { call, type SandboxAccount } from "./http";

export type DemoSeed = { seed: string; customers: number; invoices: number; currencies: string[] };

const accountsAnswer = z.object({ data: z.array(z.object({ id: z.string() })) });
const newAccountAnswer = z.object({ accountId: z.string(), name: z.string(), accessToken: z.string(), refreshToken: z.string(), expiresIn: z.number() });

export async function accountIds(baseUrl: string): Promise<Set<string>> {
  const answer = accountsAnswer.parse(await call(`${baseUrl}/_sandbox/accounts`, `GET ${baseUrl}/_sandbox/accounts`));
  return new Set(answer.data.map((a) => a.id));
}

export async function createSeededAccount(baseUrl: string, name: string, seed: DemoSeed): Promise<SandboxAccount> {
  const account = newAccountAnswer.parse(await call(`${baseUrl}/_sandbox/accounts`, `POST ${baseUrl}/_sandbox/accounts`, { body: { json: { name } } }));
  await call(`${baseUrl}/_sandbox/seed`, `POST ${baseUrl}/_sandbox/seed`, { body: { json: { accountId: account.accountId, ...seed } } });
  return { baseUrl, ...account };
}
