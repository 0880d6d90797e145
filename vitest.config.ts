import { randomBytes } from "node:crypto";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: ["node_modules/**", ".next/**", ".data/**", "e2e/**", ".scratch/**"],
    globalSetup: ["test/global-setup.ts"],
    env: {
      LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
      // A throwaway key per run: tests encrypt tokens but never keep them.
      CONCORD_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      AUTH_SECRET: randomBytes(32).toString("base64url"),
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
