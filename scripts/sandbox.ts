/**
 * `npm run sandbox`: the four provider sandboxes on their ports (SANDBOX_<NAME>_PORT), with state
 * kept in .data/sandbox/ (SANDBOX_STATE_DIR; "none" keeps it in memory only).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { startSandboxes } from "../lib/sandbox";
import { ROOT } from "./lib/run";

const configured = process.env.SANDBOX_STATE_DIR ?? path.join(ROOT, ".data", "sandbox");
const stateDir = configured === "none" ? undefined : path.resolve(ROOT, configured);
if (stateDir) mkdirSync(stateDir, { recursive: true });

const { running, close } = await startSandboxes({ stateDir });
for (const { name, server } of running) console.log(`${name.padEnd(10)} ${server.url}   control: ${server.url}/_sandbox/stats`);
console.log(stateDir ? `State kept in ${path.relative(ROOT, stateDir)}/` : "State in memory only");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void close().then(() => process.exit(0));
  });
}
