/**
 * The Accounting API's routes under /v3/company/{realmId}: entity create/read/update/delete/void,
 * query (GET ?query= or POST with a text body), CDC, batch, CompanyInfo and Preferences.
 * Writes with a `requestid` are idempotent per realm: QuickBooks answers a repeated requestid
 * with the first answer, whatever the new body says.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features
 */
import type { SandboxRequest, SandboxResponse } from "../core/http";
import { parseJson } from "../core/http";
import type { ApiContext, ApiRoutes, Sandbox } from "../core/sandbox";
import { runBatch } from "./batch";
import { changeDataCapture } from "./cdc";
import { faultResponse, faults, ok, QboFault } from "./errors";
import { operationOf, query, write } from "./operations";
import type { QuerySource } from "./query-run";
import type { WriteContext } from "./store";
import { metaTime } from "./time";
import { ENTITIES, tableOf, type EntityName, type QuickbooksData } from "./types";
import { emitChange } from "./webhooks";

type Ctx = ApiContext<QuickbooksData>;
const BASE = "/v3/company/:realmId";
/** The user named in Stale Object errors, as if someone else had saved first. */
const OTHER_USER = "Sandbox Admin";
const MAX_REQUEST_ID = 50;

/** Answers a thrown QboFault as QuickBooks would; anything else is a bug (the pipeline's 500). */
function attempt(run: () => SandboxResponse): SandboxResponse {
  try {
    return run();
  } catch (error) {
    if (error instanceof QboFault) return faultResponse(error);
    throw error;
  }
}

const guard = (handler: (req: SandboxRequest, ctx: Ctx) => SandboxResponse) => (req: SandboxRequest, ctx: Ctx) => attempt(() => handler(req, ctx));

function writeContext(req: SandboxRequest, ctx: Ctx, sandbox: Sandbox<QuickbooksData>): WriteContext {
  const realmId = ctx.account.id;
  return {
    data: ctx.data,
    realmId,
    now: sandbox.clock.now(),
    user: OTHER_USER,
    notify: (entity, id, operation, at) => emitChange(sandbox.webhooks, realmId, entity, id, operation, at),
    injectStale: () => {
      // Counted like the pipeline's own faults, so /_sandbox/stats shows it.
      const stale = sandbox.faults.staleSyncToken(req.path);
      if (stale) sandbox.stats.faultsInjected += 1;
      return stale;
    },
  };
}

function querySource(ctx: Ctx): QuerySource {
  return { data: ctx.data, companyInfo: () => companyInfo(ctx) };
}

function jsonBody(req: SandboxRequest): unknown {
  const parsed = parseJson(req);
  if (!parsed.ok) throw faults.invalidProperty("Unexpected character in the request body (the body is not valid JSON)");
  return parsed.value;
}

/** Runs a write once per `requestid` (kept 24 hours, per realm). */
async function idempotent(req: SandboxRequest, ctx: Ctx, sandbox: Sandbox<QuickbooksData>, run: () => SandboxResponse): Promise<SandboxResponse> {
  const requestId = req.query.get("requestid") ?? undefined;
  if (requestId !== undefined && requestId.length > MAX_REQUEST_ID) {
    return faultResponse(faults.business(`You cannot enter more than ${MAX_REQUEST_ID} characters in the request_id field. You tried entering ${requestId.slice(0, 10)}..., which is ${requestId.length} characters.`));
  }
  // One fingerprint for every body: a repeated requestid replays, it is never an error.
  return sandbox.idempotency.run(`quickbooks:${ctx.account.id}`, requestId, "requestid", run, run);
}

function companyInfo(ctx: Ctx): Record<string, unknown> {
  const created = metaTime(ctx.data.createdAt);
  return {
    CompanyName: ctx.account.name,
    LegalName: ctx.account.name,
    CompanyAddr: { Id: "1", Line1: "2700 Coast Ave", City: "Mountain View", CountrySubDivisionCode: "CA", PostalCode: "94043", Country: "US" },
    Country: "US",
    Email: { Address: "noreply@quickbooks.sandbox.test" },
    SupportedLanguages: "en",
    FiscalYearStartMonth: "January",
    CompanyStartDate: created.slice(0, 10),
    NameValue: [{ Name: "NeoEnabled", Value: "true" }, { Name: "IsQbdtMigrated", Value: "false" }],
    domain: "QBO",
    sparse: false,
    Id: "1",
    SyncToken: "0",
    MetaData: { CreateTime: created, LastUpdatedTime: created },
  };
}

export function registerRoutes(api: ApiRoutes<QuickbooksData>, sandbox: Sandbox<QuickbooksData>): void {
  for (const entity of ENTITIES) {
    const path = `${BASE}/${entity.toLowerCase()}`;
    api.add("POST", path, (req, ctx) =>
      idempotent(req, ctx, sandbox, () =>
        attempt(() => {
          const body = jsonBody(req);
          const operation = operationOf(req.query.get("operation"), req.query.get("include"), body);
          return ok({ [entity]: write(writeContext(req, ctx, sandbox), entity, operation, body) });
        }),
      ),
    );
    api.add("GET", `${path}/:id`, guard((req, ctx) => ok({ [entity]: read(ctx.data, entity, req.params.id ?? "") })));
  }

  const runQueryText = guard((req, ctx) => {
    const text = req.method === "GET" ? req.query.get("query") : req.rawBody.toString("utf8");
    if (!text?.trim()) throw faults.queryParser('Encountered "<EOF>" at line 1, column 1. Was expecting: "SELECT"');
    return ok({ QueryResponse: query(querySource(ctx), text) });
  });
  api.add("GET", `${BASE}/query`, runQueryText).add("POST", `${BASE}/query`, runQueryText);

  api.add("GET", `${BASE}/cdc`, guard((req, ctx) => ok({ CDCResponse: [{ QueryResponse: changeDataCapture(ctx.data, req.query, sandbox.clock.now()) }] })));

  api.add("POST", `${BASE}/batch`, (req, ctx) =>
    idempotent(req, ctx, sandbox, () => attempt(() => ok({ BatchItemResponse: runBatch(writeContext(req, ctx, sandbox), querySource(ctx), jsonBody(req)) }))),
  );

  api.add("GET", `${BASE}/companyinfo/:id`, guard((req, ctx) => {
    if (req.params.id !== ctx.account.id && req.params.id !== "1") throw faults.objectNotFound();
    return ok({ CompanyInfo: companyInfo(ctx) });
  }));
  api.add("GET", `${BASE}/preferences`, guard(() => ok({ Preferences: { CurrencyPrefs: { MultiCurrencyEnabled: true, HomeCurrency: { value: "USD" } }, domain: "QBO", sparse: false, Id: "1", SyncToken: "0" } })));
}

function read(data: QuickbooksData, entity: EntityName, id: string): object {
  const found = tableOf(data, entity)[id];
  if (found) return found;
  throw data.deleted.some((t) => t.entity === entity && t.Id === id) ? faults.deleted() : faults.objectNotFound();
}
