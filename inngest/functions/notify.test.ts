/**
 * The notification crons with @inngest/test: the steps (lib/notifications, tested against the
 * database on their own) are mocked; these check the schedules and what each function makes of
 * its steps' answers.
 */
import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { notifyDigest } from "./notify-digest";
import { notifyWebhook } from "./notify-webhook";

describe("notification functions", () => {
  it("notify-webhook: every minute, a delivery step per workspace with a webhook, many in flight at once", async () => {
    expect(notifyWebhook.opts.triggers).toEqual([{ cron: "* * * * *" }]);
    // Parallel steps count against the limit: 1 would deliver one workspace at a time.
    expect(notifyWebhook.opts.concurrency).toEqual({ limit: 20 });
    const t = new InngestTestEngine({ function: notifyWebhook });
    const { result, ctx } = await t.execute({
      events: [{ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } }],
      steps: [
        { id: "plan", handler: () => ["w1", "w2", "w3"] },
        { id: "deliver-w1", handler: () => ({ state: "idle", batches: 1, delivered: 3 }) },
        { id: "deliver-w2", handler: () => ({ state: "failed", batches: 1, delivered: 0 }) },
        { id: "deliver-w3", handler: () => ({ state: "none", batches: 0, delivered: 0 }) },
      ],
    });
    expect(result).toEqual({ workspaces: 3, delivered: 3, failed: 1 });
    const ran = (ctx.step.run as unknown as { mock: { calls: unknown[][] } }).mock.calls.map(([id]) => id);
    expect(ran).toEqual(["plan", "deliver-w1", "deliver-w2", "deliver-w3"]);
  });

  it("notify-webhook: nothing to do without webhooks", async () => {
    const { result } = await new InngestTestEngine({ function: notifyWebhook }).execute({ steps: [{ id: "plan", handler: () => [] }] });
    expect(result).toEqual({ workspaces: 0, delivered: 0, failed: 0 });
  });

  it("notify-digest: daily at 08:00 UTC, a digest step per workspace with the digest on", async () => {
    expect(notifyDigest.opts.triggers).toEqual([{ cron: "0 8 * * *" }]);
    const t = new InngestTestEngine({ function: notifyDigest });
    const { result } = await t.execute({
      events: [{ name: "inngest/scheduled.timer", data: { cron: "0 8 * * *" } }],
      steps: [
        { id: "plan", handler: () => ["w1", "w2"] },
        { id: "digest-w1", handler: () => ({ state: "sent", conflicts: 4, recipients: 3, failed: 1, emailed: true }) },
        { id: "digest-w2", handler: () => ({ state: "nothing", conflicts: 0, recipients: 0, failed: 0, emailed: false }) },
      ],
    });
    expect(result).toEqual({ workspaces: 2, sent: 1, emails: 2 });
  });
});
