/** Every function the app serves at /api/inngest. */
import { heartbeat } from "./heartbeat";
import { notifyDigest } from "./notify-digest";
import { notifyWebhook } from "./notify-webhook";
import { processWebhook } from "./process-webhook";
import { pullConnection } from "./pull-connection";
import { pushToHubspot, pushToQuickbooks, pushToStripe, pushToXero } from "./push";
import { reconcileInvoice } from "./reconcile-invoice";
import { sweep } from "./sweep";

export const functions = [heartbeat, processWebhook, pullConnection, reconcileInvoice, pushToStripe, pushToQuickbooks, pushToXero, pushToHubspot, sweep, notifyWebhook, notifyDigest];
