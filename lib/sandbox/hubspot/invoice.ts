/**
 * The invoice's calculated money properties. Amounts are parsed into integer minor units in the
 * invoice's currency, balance due is billed minus paid, and a status of `paid` and a balance of
 * zero follow each other, as when a payment is recorded in HubSpot.
 * https://knowledge.hubspot.com/payments/hubspots-default-invoice-properties
 */
import type { PropertyError } from "./errors";
import { formatMinor, moneyExponent, parseMinor } from "./money";
import { instant } from "./properties";

/** Recomputes `props` in place after a write that changed `changed`; returns errors instead when amounts don't fit the currency. */
export function deriveInvoice(props: Record<string, string>, changed: Set<string>, now: number): PropertyError[] {
  const currency = props.hs_currency;
  const exponent = moneyExponent(currency);
  const errors: PropertyError[] = [];
  const amount = (name: "hs_amount_billed" | "hs_amount_paid"): number => {
    const raw = props[name];
    if (raw === undefined) return 0;
    const minor = parseMinor(raw, exponent);
    if (minor === null || minor < 0) {
      errors.push({ name, error: "INVALID_DOUBLE", message: `${raw} is not a valid non-negative amount in ${currency ?? "the invoice currency"} (${exponent} decimal places)` });
      return 0;
    }
    return minor;
  };
  const billed = amount("hs_amount_billed");
  let paid = amount("hs_amount_paid");
  if (errors.length) return errors;

  let status = props.hs_invoice_status ?? "draft";
  // Marking an invoice paid records the outstanding balance as paid.
  if (changed.has("hs_invoice_status") && status === "paid" && !changed.has("hs_amount_paid")) paid = Math.max(paid, billed);
  // Payments that cover an open invoice make it paid.
  if (status === "open" && changed.has("hs_amount_paid") && billed > 0 && paid >= billed) status = "paid";
  if (status === "paid" && !props.hs_payment_date) props.hs_payment_date = instant(now);

  props.hs_invoice_status = status;
  props.hs_amount_billed = formatMinor(billed, exponent);
  props.hs_amount_paid = formatMinor(paid, exponent);
  props.hs_balance_due = formatMinor(Math.max(0, billed - paid), exponent);
  return [];
}
