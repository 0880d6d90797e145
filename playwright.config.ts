/**
 * Browser tests in the Debian Chromium (Playwright's own browser download cannot work offline).
 * The app runs as `npm run demo` would, on its own port, against the test database that
 * `npm test` prepared (CONCORD_TEST_DATABASE_URL), or an embedded one under .data/e2e.
 */
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const testDatabase = process.env.CONCORD_TEST_DATABASE_URL;
const embeddedPort = 54339;
// Test factories (e2e/support) write through lib to the same database the app uses.
process.env.DATABASE_URL = testDatabase ?? `postgresql://postgres:postgres@127.0.0.1:${embeddedPort}/postgres?sslmode=disable`;
process.env.DATABASE_POOL_MAX ??= "2";
// The demo person's password, known to the tests (the app is started with it below).
process.env.DEMO_PASSWORD ??= "e2e-demo-password";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  forbidOnly: !!process.env.CI,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_FILE ? [["list"], ["json"]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: "node_modules/.bin/tsx scripts/start.ts demo",
    url: `${baseURL}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(port),
      LOG_LEVEL: "warn",
      CONCORD_DEMO: "1",
      DEMO_PASSWORD: process.env.DEMO_PASSWORD,
      CONCORD_PROVIDERS: "sandbox",
      // Sandboxes on their own ports, so a developer's `npm run sandbox` does not collide.
      SANDBOX_STRIPE_PORT: "4201",
      SANDBOX_QUICKBOOKS_PORT: "4202",
      SANDBOX_XERO_PORT: "4203",
      SANDBOX_HUBSPOT_PORT: "4204",
      CONCORD_DATA_DIR: ".data/e2e",
      SANDBOX_STATE_DIR: "none",
      ...(testDatabase ? { DATABASE_URL: testDatabase } : { EMBEDDED_DB_PORT: String(embeddedPort) }),
    },
  },
});
