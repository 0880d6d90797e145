/**
 * Start-up check on the Node.js server: a bad environment stops it here, with one message
 * naming every problem, instead of failing later on the first request that needs the value.
 */
import { ConfigError, parseEnv, requireServerEnv } from "./lib/env";

try {
  requireServerEnv(parseEnv(process.env));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
