/**
 * The Inngest client for Concord's background jobs. Where events go and who may call the
 * functions comes from the environment only (lib/env.ts): Inngest Cloud or a self-hosted
 * Inngest (INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY, INNGEST_BASE_URL), the dev server
 * (INNGEST_DEV), or the embedded executor, which sets those variables for the app's own
 * process. Event payloads are typed where they are declared, with `eventType(name, { schema })`
 * and a zod schema, next to the functions they trigger; they carry ids only (STYLE.md).
 */
import { Inngest } from "inngest";
import { rootLogger } from "@/lib/log";

export const inngest = new Inngest({
  id: "concord",
  // Function logs join the app's JSON lines, with the run id on each.
  logger: rootLogger.child({ component: "inngest" }),
});
