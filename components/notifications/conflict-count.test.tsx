/** The shell's badge as the server renders it: the count in the link's name, no badge at 0. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { NavLinks } from "../shell/nav-links";

vi.mock("next/navigation", () => ({ usePathname: () => "/w/acme/invoices" }));

function render(openConflicts: number): string {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: 10_000 } } });
  return renderToString(
    <QueryClientProvider client={client}>
      <NavLinks base="/w/acme" visible={["invoices", "conflicts", "settings"]} openConflicts={openConflicts} />
    </QueryClientProvider>,
  );
}

describe("open-conflict badge", () => {
  it("names the count on the Conflicts link and shows it beside the label", () => {
    const html = render(1234);
    expect(html).toMatch(/<a[^>]*aria-label="Conflicts, 1,234 open"[^>]*>Conflicts<span aria-hidden="true" data-testid="conflicts-badge"[^>]*>999\+<\/span><\/a>/);
    expect(render(12)).toContain(">12</span>");
  });

  it("shows nothing at 0", () => {
    const html = render(0);
    expect(html).not.toContain("conflicts-badge");
    expect(html).not.toContain("aria-label");
  });
});
