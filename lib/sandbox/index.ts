/**
 * The four sandboxes: create one in-process (tests, benchmarks) or start all on their ports
 * (`npm run sandbox`, the demo). Ports: SANDBOX_STRIPE_PORT (4101), SANDBOX_QUICKBOOKS_PORT
 * (4102), SANDBOX_XERO_PORT (4103), SANDBOX_HUBSPOT_PORT (4104).
 */
import path from "node:path";
import type { RunningServer } from "./core/http";
import { Sandbox, type ProviderDefinition, type ProviderName } from "./core/sandbox";
import { hubspotSandbox } from "./hubspot";
import { quickbooksSandbox } from "./quickbooks";
import { stripeSandbox } from "./stripe";
import { xeroSandbox } from "./xero";

export const PROVIDERS = ["stripe", "quickbooks", "xero", "hubspot"] as const satisfies readonly ProviderName[];

function definition(name: ProviderName): ProviderDefinition<unknown> {
  switch (name) {
    case "stripe":
      return stripeSandbox as ProviderDefinition<unknown>;
    case "quickbooks":
      return quickbooksSandbox as ProviderDefinition<unknown>;
    case "xero":
      return xeroSandbox as ProviderDefinition<unknown>;
    case "hubspot":
      return hubspotSandbox as ProviderDefinition<unknown>;
    default: {
      const unknown: never = name;
      throw new Error(`Unknown sandbox ${String(unknown)}`);
    }
  }
}

export function createSandbox(name: ProviderName, opts: { stateFile?: string } = {}): Sandbox<unknown> {
  return new Sandbox(definition(name), opts.stateFile);
}

export type RunningSandbox = { name: ProviderName; sandbox: Sandbox<unknown>; server: RunningServer };

export function portFor(name: ProviderName, environment: Record<string, string | undefined> = process.env): number {
  const configured = environment[`SANDBOX_${name.toUpperCase()}_PORT`];
  return configured ? Number(configured) : definition(name).defaultPort;
}

/** Starts every sandbox; with `stateDir`, each keeps its state in <stateDir>/<name>.json. */
export async function startSandboxes(opts: { ports?: Partial<Record<ProviderName, number>>; stateDir?: string } = {}): Promise<{
  running: RunningSandbox[];
  close: () => Promise<void>;
}> {
  const running: RunningSandbox[] = [];
  try {
    for (const name of PROVIDERS) {
      const sandbox = createSandbox(name, { stateFile: opts.stateDir ? path.join(opts.stateDir, `${name}.json`) : undefined });
      const server = await sandbox.listen(opts.ports?.[name] ?? portFor(name));
      running.push({ name, sandbox, server });
    }
  } catch (error) {
    await Promise.all(running.map((r) => r.server.close()));
    throw error;
  }
  return { running, close: async () => void (await Promise.all(running.map((r) => r.server.close()))) };
}

export { Sandbox };
