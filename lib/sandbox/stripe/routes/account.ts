/**
 * GET /v1/account: the account the key acts for (a connected account's OAuth access token, or a
 * platform key with Stripe-Account). Connect platforms read it after OAuth to name the account.
 * Only what a standard account in test mode shows of itself; settings beyond the dashboard's
 * display name and timezone are not modelled.
 * https://docs.stripe.com/api/accounts/retrieve
 */
import type Stripe from "stripe";
import { z } from "zod";
import type { ApiRoutes } from "../../core/sandbox";
import { expand } from "../params";
import { route } from "../route";
import type { StripeData } from "../types";

type AccountView = Omit<Stripe.Account, "settings"> & { settings: { dashboard: Stripe.Account.Settings.Dashboard } };

export function accountRoutes(api: ApiRoutes<StripeData>): void {
  api.add(
    "GET",
    "/v1/account",
    route(z.strictObject({ expand: expand() }), (_ctx, _p, _req, { account }): AccountView => ({
      id: account.id,
      object: "account",
      business_profile: {
        mcc: null,
        minority_owned_business_designation: null,
        name: account.name,
        specified_commercial_transactions_act_url: null,
        support_address: null,
        support_email: null,
        support_phone: null,
        support_url: null,
        url: null,
      },
      business_type: "company",
      charges_enabled: true,
      country: "US",
      created: Math.floor(account.createdAt / 1000),
      default_currency: "usd",
      details_submitted: true,
      email: null,
      metadata: {},
      payouts_enabled: true,
      settings: { dashboard: { display_name: account.name, timezone: "Etc/UTC" } },
      type: "standard",
    })),
  );
}
