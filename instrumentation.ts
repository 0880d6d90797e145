/**
 * Runs once when the Next.js server starts: a bad environment stops it here, with one message
 * naming every problem, instead of failing later on the first request that needs the value.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ConfigError, parseEnv, requireServerEnv } = await import("./lib/env");
  try {
    requireServerEnv(parseEnv(process.env));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
