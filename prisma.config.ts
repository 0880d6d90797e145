// Prisma CLI configuration (Prisma 7 reads connection URLs from here, not from schema.prisma).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";

// Prisma's native schema engine is a binary downloaded from binaries.prisma.sh, which is not
// reachable everywhere this project is built. Unless the user asked for the native engine
// (PRISMA_NATIVE_SCHEMA_ENGINE=1) or named an engine already, run the wasm-based stand-in in
// prisma/engine/, which the CLI drives exactly like the binary.
if (process.env.PRISMA_NATIVE_SCHEMA_ENGINE !== "1" && !process.env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = path.join(here, "prisma", "engine", "schema-engine.mjs");
}

// Read the URLs from process.env rather than with Prisma's env(), which throws when the variable
// is unset: `prisma generate` needs no database and must work without DATABASE_URL. Commands
// that do need one report the missing datasource URL themselves.
const url = process.env.DATABASE_URL;
const shadowDatabaseUrl = process.env.SHADOW_DATABASE_URL;

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
  },
  datasource: url ? { url, ...(shadowDatabaseUrl ? { shadowDatabaseUrl } : {}) } : undefined,
});
