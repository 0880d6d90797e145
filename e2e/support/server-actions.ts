/**
 * Calling server actions over HTTP the way React does: POST to a page with the action's id in
 * `Next-Action` and the arguments encoded as JSON; the answer is an RSC stream whose row 0 points
 * at the row holding the action's return value. Ids come from the build's reference manifest,
 * which is also the complete list of the app's server actions.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";

type Manifest = { node: Record<string, { filename: string; exportedName: string }> };

/** "file#export" → action id, for every server action in the build. */
export function builtActions(root: string): Map<string, string> {
  const manifest = JSON.parse(readFileSync(path.join(root, ".next/server/server-reference-manifest.json"), "utf8")) as Manifest;
  return new Map(Object.entries(manifest.node).map(([id, entry]) => [`${entry.filename}#${entry.exportedName}`, id]));
}

export async function callAction(request: APIRequestContext, pageUrl: string, actionId: string, args: unknown[]): Promise<{ status: number; result: unknown }> {
  const response = await request.post(pageUrl, {
    headers: { "Next-Action": actionId, "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component" },
    data: JSON.stringify(args),
    maxRedirects: 0,
  });
  const rows = new Map<string, string>();
  for (const line of (await response.text()).split("\n")) {
    const at = line.indexOf(":");
    if (at > 0) rows.set(line.slice(0, at), line.slice(at + 1));
  }
  const head = rows.get("0");
  const pointer = head ? (JSON.parse(head) as { a?: string }).a : undefined;
  const row = pointer?.startsWith("$@") ? rows.get(pointer.slice(2)) : undefined;
  return { status: response.status(), result: row ? JSON.parse(row) : undefined };
}
