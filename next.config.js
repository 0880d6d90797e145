// @ts-check
import { readFileSync } from "node:fs";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  env: { CONCORD_VERSION: version },
  // `npm test` typechecks the whole project; the demo's build skips the second pass to start faster.
  experimental: { authInterrupts: true },
  typescript: { ignoreBuildErrors: process.env.CONCORD_SKIP_BUILD_TYPECHECK === "1" },
  // Server-only packages loaded from node_modules at run time instead of being bundled: drivers,
  // the logger, and the providers' SDKs (large; bundling them costs build time and nothing else).
  serverExternalPackages: [
    "pino",
    "pg",
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "@prisma/adapter-pg",
    "stripe",
    "xero-node",
    "@hubspot/api-client",
    "nodemailer",
  ],
};

export default nextConfig;
