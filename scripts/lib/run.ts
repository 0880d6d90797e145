/** Child processes for the scripts: inherit stdio, forward signals, fail loudly. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

/** Path of a binary installed in node_modules/.bin. */
export function bin(name: string): string {
  return path.join(ROOT, "node_modules", ".bin", name);
}

export function start(cmd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(cmd, args, { cwd: ROOT, env, stdio: "inherit" });
}

/** Runs to completion; resolves with the exit code (signals count as failure). */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = start(cmd, args, env);
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export async function runOrThrow(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const code = await run(cmd, args, env);
  if (code !== 0) throw new Error(`${path.basename(cmd)} ${args.join(" ")} exited with ${code}`);
}
