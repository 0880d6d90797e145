/**
 * A provider sandbox for one test file: started before its tests on a free port, with the app's
 * provider settings pointed at it (CONCORD_PROVIDERS=sandbox, SANDBOX_<NAME>_PORT), and stopped
 * afterwards with the environment put back.
 */
import { afterAll, beforeAll } from "vitest";
import { createSandbox, type Sandbox } from "../lib/sandbox";
import type { ProviderName } from "../lib/sandbox/core/sandbox";
import type { RunningServer } from "../lib/sandbox/core/http";

export type TestSandbox = {
  sandbox: Sandbox<unknown>;
  server: () => RunningServer;
  /** POSTs JSON to the sandbox (control API) and answers the parsed body. */
  post: (path: string, body: unknown) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

export function sandboxForTests(name: ProviderName): TestSandbox {
  const sandbox = createSandbox(name);
  let server: RunningServer | undefined;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    server = await sandbox.listen(0);
    for (const [k, v] of Object.entries({ CONCORD_PROVIDERS: "sandbox", [`SANDBOX_${name.toUpperCase()}_PORT`]: String(server.port) })) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await server?.close();
  });
  return {
    sandbox,
    server: () => server!,
    post: (path, body) => fetch(`${server!.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json()),
  };
}
