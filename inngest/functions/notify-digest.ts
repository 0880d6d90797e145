/**
 * The daily conflict digest at 08:00 UTC: for each workspace with the digest on, one email to
 * each member who may resolve conflicts, listing those opened since the previous digest
 * (lib/notifications/digest.ts; nothing when there are none). A retried step resumes its run
 * without emailing anyone twice.
 */
import { sendDigest } from "@/lib/notifications/digest";
import { digestWorkspaces } from "@/lib/notifications/store";
import { inngest } from "../client";

export const notifyDigest = inngest.createFunction(
  { id: "notify-digest", name: "Notify: daily conflict digest", triggers: [{ cron: "0 8 * * *" }], retries: 3, concurrency: { limit: 1 } },
  async ({ step }) => {
    const workspaceIds = await step.run("plan", () => digestWorkspaces());
    const outcomes = [];
    for (const id of workspaceIds) outcomes.push(await step.run(`digest-${id}`, () => sendDigest(id)));
    return {
      workspaces: workspaceIds.length,
      sent: outcomes.filter((o) => o.state === "sent").length,
      emails: outcomes.reduce((n, o) => n + (o.emailed ? o.recipients - o.failed : 0), 0),
    };
  },
);
