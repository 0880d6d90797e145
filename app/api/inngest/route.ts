/**
 * The Inngest serve endpoint: Inngest (Cloud, self-hosted, dev server or the embedded executor)
 * syncs the functions here and calls them, step by step. Public on purpose: the SDK checks the
 * signature of every call against INNGEST_SIGNING_KEY.
 */
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
