import { describe, expect, it } from "vitest";
import { safeReturnPath } from "./public";

describe("safeReturnPath", () => {
  it("keeps same-site paths", () => {
    expect(safeReturnPath("/w/acme/settings?tab=keys", "/w")).toBe("/w/acme/settings?tab=keys");
    expect(safeReturnPath("/invite/inv_abc", "/w")).toBe("/invite/inv_abc");
  });

  it.each(["//evil.example", "/\\evil.example", "https://evil.example", "http:/evil", "evil", "/\tevil", "/ space", "", null, 7])("refuses %j", (value) => {
    expect(safeReturnPath(value, "/w")).toBe("/w");
  });
});
