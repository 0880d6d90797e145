import { describe, expect, it } from "vitest";
import { CLIENT_IP_HEADER, clientIp, resolveClientIp, signedClientIp } from "./client-ip";

const SECRET = "s".repeat(40);

describe("client IP", () => {
  it("takes the socket address when no proxy is trusted, whatever the client claims", () => {
    expect(resolveClientIp("198.51.100.4", "203.0.113.9", 0)).toBe("198.51.100.4");
  });

  it("takes the entry the trusted proxies appended, not what the client wrote", () => {
    // client forged "1.1.1.1"; the load balancer appended the real client 203.0.113.9
    expect(resolveClientIp("10.0.0.2", "1.1.1.1, 203.0.113.9", 1)).toBe("203.0.113.9");
    expect(resolveClientIp("10.0.0.2", "1.1.1.1, 203.0.113.9, 10.0.0.1", 2)).toBe("203.0.113.9");
    expect(resolveClientIp("10.0.0.2", undefined, 1)).toBe("10.0.0.2");
  });

  it("believes only a header signed with the app's secret", () => {
    const headers = new Headers({ [CLIENT_IP_HEADER]: signedClientIp("203.0.113.9", SECRET) });
    expect(clientIp(headers, SECRET)).toBe("203.0.113.9");
    expect(clientIp(headers, "another-secret-another-secret-another")).toBeNull();
    expect(clientIp(new Headers({ [CLIENT_IP_HEADER]: "203.0.113.9;forged" }), SECRET)).toBeNull();
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.9" }), SECRET)).toBeNull();
  });
});
