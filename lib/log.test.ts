import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { REDACTED_PATHS } from "./log";

describe("log redaction", () => {
  it("never writes passwords, hashes, tokens or auth headers", () => {
    let out = "";
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, sink);
    logger.info({
      password: "p1-secret",
      input: { currentPassword: "p2-secret", newPassword: "p3-secret", passwordHash: "h-secret" },
      apiKey: { keyHash: "k-secret", key: "ck_live_secret" },
      tokens: { access_token: "at-secret", refresh_token: "rt-secret" },
      req: { headers: { authorization: "Bearer b-secret", cookie: "c-secret" } },
    });
    expect(out).not.toMatch(/secret/);
    expect(out.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(10);
  });
});
