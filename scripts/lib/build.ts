/**
 * The production build of the app (.next), made again only when its sources changed since:
 * `npm run demo` serves it, and the restart test (test/restart.test.ts) runs it as a real app
 * process it can kill. `npm test` builds it before the suites, so neither waits on the other.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { bin, ROOT, run } from "./run";

const BUILD_INPUTS = ["app", "components", "lib", "inngest", "public", "next.config.js", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce((newest, name) => Math.max(newest, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

export function buildIsStale(): boolean {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return BUILD_INPUTS.some((entry) => newestMtime(path.join(ROOT, entry)) > built);
}

/** Builds when stale; resolves with the exit code (0 when nothing needed doing). */
export function ensureBuild(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!buildIsStale()) return Promise.resolve(0);
  return run(bin("next"), ["build"], { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", CONCORD_SKIP_BUILD_TYPECHECK: "1" });
}
