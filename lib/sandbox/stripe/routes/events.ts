/**
 * The Events API (30 days of events, newest first, filtered by type, `types[]` or `created`) and
 * webhook endpoints: `POST /v1/webhook_endpoints` answers the signing secret once, and each
 * endpoint becomes a subscription of the sandbox's webhook dispatcher.
 * https://docs.stripe.com/api/events/list
 * https://docs.stripe.com/api/webhook_endpoints
 */
import { z } from "zod";
import type { ApiRoutes } from "../../core/sandbox";
import { fail } from "../errors";
import { listOf, mustFind } from "../listing";
import { bool, expand, leafString, list, listParams, mergeMetadata, metadata, range, inRange, str, unsettable } from "../params";
import { route } from "../route";
import { insert, page, remove } from "../table";
import { API_VERSION, type EventRecord, type StripeData, type WebhookEndpoint } from "../types";

const ignored = z.unknown().optional();
const eventType = () => leafString((s) => (s === "*" || /^[a-z_]+(\.[a-z_]+)+$/.test(s) ? null : `Invalid event type: ${s}`), 100);
const url = () => leafString((s) => (/^https?:\/\/[^\s/]+/.test(s) && URL.canParse(s) ? null : `Invalid URL: ${s}. URLs must begin with http:// or https://.`), 2048, "url_invalid");

const eventList = z.strictObject({ ...listParams, type: str(100).optional(), types: list(str(100), 20).optional(), created: range(), delivery_success: ignored });
const endpointCreate = z.strictObject({
  url: url(),
  enabled_events: list(eventType(), 500),
  description: unsettable(5000).optional(),
  metadata: metadata(),
  api_version: str(50).optional(),
  connect: bool().optional(),
  expand: expand(),
});
const endpointUpdate = z.strictObject({ url: url().optional(), enabled_events: list(eventType(), 500).optional(), description: unsettable(5000).optional(), metadata: metadata(), disabled: bool().optional(), expand: expand() });

/** `invoice.*` matches every invoice event, as in Stripe's type filter. */
function typeMatcher(p: z.output<typeof eventList>): (e: EventRecord) => boolean {
  const patterns = p.types ?? (p.type !== undefined ? [p.type] : []);
  const tests = patterns.map((t) => (t.endsWith(".*") ? (type: string) => type.startsWith(t.slice(0, -1)) : (type: string) => type === t));
  return (e) => (tests.length === 0 || tests.some((test) => test(e.type))) && inRange(e.created, p.created);
}

export function eventRoutes(api: ApiRoutes<StripeData>): void {
  api
    .add(
      "GET",
      "/v1/events",
      route(eventList, (ctx, p) => {
        const result = page(ctx.data.events, { limit: p.limit ?? 10, startingAfter: p.starting_after, endingBefore: p.ending_before }, typeMatcher(p));
        if ("missingCursor" in result) throw fail.noSuch("event", (result.missingCursor === "starting_after" ? p.starting_after : p.ending_before) ?? "", result.missingCursor);
        // Events are stored as the JSON they were sent with; the page is spliced from it.
        return `{"object":"list","data":[${result.data.map((e) => e.json).join(",")}],"has_more":${result.hasMore},"url":"/v1/events"}`;
      }),
    )
    .add("GET", "/v1/events/:id", route(z.strictObject({ expand: expand() }), (ctx, _p, req) => mustFind(ctx.data.events, "event", req.params.id!).json))
    .add(
      "POST",
      "/v1/webhook_endpoints",
      route(endpointCreate, (ctx, p, _req, apiCtx) => {
        if (p.enabled_events.length === 0) throw fail.missingParam("enabled_events");
        // Stripe does not deliver in order, and one failing event never holds back the next ones.
        const sub = apiCtx.sandbox.webhooks.subscribe({ accountId: ctx.accountId, url: p.url, events: p.enabled_events, duplicateRate: 0, reorder: true, dropRate: 0 });
        const endpoint: WebhookEndpoint = {
          id: ctx.id("we"),
          object: "webhook_endpoint",
          api_version: p.api_version ?? API_VERSION,
          application: null,
          created: ctx.now,
          description: p.description ?? null,
          enabled_events: p.enabled_events,
          livemode: false,
          metadata: mergeMetadata({}, p.metadata),
          status: "enabled",
          url: p.url,
        };
        insert(ctx.data.webhookEndpoints, endpoint);
        ctx.data.endpointSubscriptions[endpoint.id] = sub.id;
        // The signing secret is answered this once.
        return { ...endpoint, secret: sub.secret };
      }),
    )
    .add("GET", "/v1/webhook_endpoints/:id", route(z.strictObject({ expand: expand() }), (ctx, _p, req) => mustFind(ctx.data.webhookEndpoints, "webhook endpoint", req.params.id!)))
    .add(
      "POST",
      "/v1/webhook_endpoints/:id",
      route(endpointUpdate, (ctx, p, req, apiCtx) => {
        const endpoint = mustFind(ctx.data.webhookEndpoints, "webhook endpoint", req.params.id!);
        const sub = apiCtx.sandbox.webhooks.subscriptions.find((s) => s.id === ctx.data.endpointSubscriptions[endpoint.id]);
        if (p.url !== undefined) endpoint.url = p.url;
        if (p.enabled_events !== undefined) endpoint.enabled_events = p.enabled_events;
        if (p.description !== undefined) endpoint.description = p.description;
        if (p.disabled !== undefined) endpoint.status = p.disabled ? "disabled" : "enabled";
        endpoint.metadata = mergeMetadata(endpoint.metadata, p.metadata);
        if (sub) Object.assign(sub, { url: endpoint.url, events: endpoint.enabled_events, status: endpoint.status === "enabled" ? "active" : "disabled" });
        return endpoint;
      }),
    )
    .add(
      "DELETE",
      "/v1/webhook_endpoints/:id",
      route(z.strictObject({}), (ctx, _p, req, apiCtx) => {
        const endpoint = mustFind(ctx.data.webhookEndpoints, "webhook endpoint", req.params.id!);
        const subId = ctx.data.endpointSubscriptions[endpoint.id];
        const webhooks = apiCtx.sandbox.webhooks;
        for (const sub of webhooks.subscriptions) if (sub.id === subId) sub.status = "disabled"; // stops pending retries
        webhooks.subscriptions = webhooks.subscriptions.filter((s) => s.id !== subId);
        remove(ctx.data.webhookEndpoints, endpoint.id);
        delete ctx.data.endpointSubscriptions[endpoint.id];
        return { id: endpoint.id, object: "webhook_endpoint", deleted: true };
      }),
    )
    .add(
      "GET",
      "/v1/webhook_endpoints",
      route(z.strictObject(listParams), (ctx, p) => listOf(ctx.data.webhookEndpoints, "webhook endpoint", p, "/v1/webhook_endpoints")),
    );
}
