/**
 * Structured logging (pino, JSON lines on stdout). Inside a request, `log()` returns a logger
 * bound to that request's id, so every line a request writes can be found by it.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type Logger } from "pino";

const REDACT = [
  "password",
  "*.password",
  "*.currentPassword",
  "*.newPassword",
  "*.passwordHash",
  "*.keyHash",
  "*.tokenHash",
  "*.key",
  "token",
  "*.token",
  "*.accessToken",
  "*.refreshToken",
  "*.access_token",
  "*.refresh_token",
  "*.client_secret",
  "*.tokensCiphertext",
  "authorization",
  "*.authorization",
  "*.headers.authorization",
  "*.headers.cookie",
  "*.*.headers.authorization",
  "*.*.headers.cookie",
];

export const REDACTED_PATHS = REDACT;

export const rootLogger: Logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { app: "concord" },
  redact: { paths: REDACT, censor: "[redacted]" },
  timestamp: pino.stdTimeFunctions.isoTime,
});

const requestScope = new AsyncLocalStorage<Logger>();

/** Runs `fn` with a logger bound to `requestId`; `log()` inside returns it. */
export function withRequestLogger<T>(requestId: string, fn: () => T): T {
  return requestScope.run(rootLogger.child({ requestId }), fn);
}

/** The current request's logger, or the root logger outside a request. */
export function log(): Logger {
  return requestScope.getStore() ?? rootLogger;
}
