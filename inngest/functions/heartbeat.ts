/**
 * Heartbeat: every five minutes, proof that scheduled jobs run (Inngest Cloud, self-hosted or
 * the embedded executor). Its one step reads the clock, so a run's output says when it ran.
 */
import { inngest } from "../client";

export const heartbeat = inngest.createFunction(
  { id: "heartbeat", name: "Heartbeat", triggers: [{ cron: "*/5 * * * *" }], retries: 0 },
  async ({ step }) => {
    const at = await step.run("read-clock", () => new Date().toISOString());
    return { at };
  },
);
