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
  // Server-only packages that must not be bundled: native-ish drivers and the logger's workers.
  serverExternalPackages: ["pino", "pg", "@electric-sql/pglite", "@electric-sql/pglite-socket"],
};

export default nextConfig;
