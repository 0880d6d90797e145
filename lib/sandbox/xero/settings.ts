/**
 * Read-only organisation settings a connector needs: GET /Organisation (base currency, name)
 * and GET /Accounts (where payments can go: BANK accounts and accounts with payments enabled).
 * https://developer.xero.com/documentation/api/accounting/organisation
 * https://developer.xero.com/documentation/api/accounting/accounts
 */
import type { ApiRoutes } from "../core/sandbox";
import { msDate } from "./dates";
import { listRecords } from "./listing";
import { type AccountDef, ACCOUNTS, BASE_CURRENCY, TAX_RATES } from "./org";
import type { Fields } from "./query";
import type { XeroData } from "./types";
import { envelope } from "./wire";

const BASE = "/api.xro/2.0";

const ACCOUNT_FIELDS: Fields<AccountDef> = {
  accountid: (a) => a.AccountID,
  code: (a) => a.Code,
  name: (a) => a.Name,
  type: (a) => a.Type,
  class: (a) => a.Class,
  status: () => "ACTIVE",
  enablepaymentstoaccount: (a) => a.EnablePaymentsToAccount,
};

function wireAccount(a: AccountDef): Record<string, unknown> {
  return {
    AccountID: a.AccountID,
    Code: a.Code,
    Name: a.Name,
    Status: "ACTIVE",
    Type: a.Type,
    TaxType: a.TaxType,
    Class: a.Class,
    EnablePaymentsToAccount: a.EnablePaymentsToAccount,
    ShowInExpenseClaims: false,
    ...(a.Type === "BANK" ? { BankAccountType: "BANK", CurrencyCode: BASE_CURRENCY } : {}),
    ReportingCode: a.Class.slice(0, 3),
    HasAttachments: false,
    UpdatedDateUTC: msDate(Date.UTC(2026, 0, 1)),
    AddToWatchlist: false,
  };
}

export function settingsRoutes(api: ApiRoutes<XeroData>): void {
  api
    .add("GET", `${BASE}/Organisation`, (_req, ctx) =>
      envelope(
        "Organisations",
        [
          {
            OrganisationID: ctx.account.id,
            Name: ctx.account.name,
            LegalName: ctx.account.name,
            PaysTax: true,
            Version: "GLOBAL",
            OrganisationType: "COMPANY",
            BaseCurrency: BASE_CURRENCY,
            CountryCode: "US",
            IsDemoCompany: false,
            OrganisationStatus: "ACTIVE",
            Timezone: "UTC",
            ShortCode: `!${ctx.account.id.slice(0, 5)}`,
            OrganisationEntityType: "COMPANY",
            CreatedDateUTC: msDate(ctx.account.createdAt),
          },
        ],
        ctx.sandbox.clock.now(),
      ),
    )
    .add("GET", `${BASE}/Accounts`, (req, ctx) => {
      const result = listRecords(req, ACCOUNTS, { typeName: "Account", fields: ACCOUNT_FIELDS, updatedAt: () => Date.UTC(2026, 0, 1) });
      return result.ok ? envelope("Accounts", result.items.map(wireAccount), ctx.sandbox.clock.now()) : result.response;
    })
    .add("GET", `${BASE}/TaxRates`, (_req, ctx) =>
      envelope(
        "TaxRates",
        Object.entries(TAX_RATES).map(([TaxType, r]) => ({ Name: r.name, TaxType, Status: "ACTIVE", DisplayTaxRate: r.basisPoints / 100, EffectiveRate: r.basisPoints / 100, CanApplyToRevenue: true })),
        ctx.sandbox.clock.now(),
      ),
    );
}
