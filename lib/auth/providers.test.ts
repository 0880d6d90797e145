import { describe, expect, it } from "vitest";
import { oauthProviders } from "./providers";

describe("oauthProviders", () => {
  it("offers a provider only when both its id and secret are set", () => {
    expect(oauthProviders({})).toEqual([]);
    expect(oauthProviders({ AUTH_GITHUB_ID: "id" })).toEqual([]);
    expect(oauthProviders({ AUTH_GITHUB_ID: "id", AUTH_GITHUB_SECRET: "s", AUTH_GOOGLE_ID: "g", AUTH_GOOGLE_SECRET: "s" }).map((p) => p.id)).toEqual(["github", "google"]);
  });
});
