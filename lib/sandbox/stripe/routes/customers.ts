/**
 * Customers: create, retrieve (a deleted one answers `{ deleted: true }`), update, list, delete.
 * https://docs.stripe.com/api/customers
 */
import { z } from "zod";
import type { ApiRoutes } from "../../core/sandbox";
import { changes, copy } from "../context";
import { listOf, mustFind } from "../listing";
import { address, newCustomer } from "../objects";
import { expand, int, leafString, listParams, mergeMetadata, metadata, oneOf, range, inRange, str, unsettable, list } from "../params";
import { route } from "../route";
import { insert, remove } from "../table";
import type { StripeData } from "../types";

const addressSchema = z.union([
  z.literal("").transform(() => null),
  z.strictObject({ city: str(200).optional(), country: str(2).optional(), line1: str(200).optional(), line2: str(200).optional(), postal_code: str(40).optional(), state: str(200).optional() }),
]);

const email = () => leafString((s) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) ? null : `Invalid email address: ${s}`), 512, "email_invalid");

/** Real Stripe parameters this sandbox accepts but does not model (cards, tax, shipping...). */
const ignored = z.unknown().optional();

const fields = {
  name: unsettable(256).optional(),
  email: email().optional(),
  description: unsettable(350).optional(),
  phone: unsettable(20).optional(),
  address: addressSchema.optional(),
  metadata: metadata(),
  invoice_prefix: leafString((s) => (/^[A-Z0-9]{3,12}$/.test(s) ? null : `Invalid invoice_prefix: must be 3-12 uppercase letters or numbers`), 12).optional(),
  next_invoice_sequence: int({ min: 1 }).optional(),
  preferred_locales: list(str(20), 10).optional(),
  tax_exempt: oneOf(["none", "exempt", "reverse"] as const).optional(),
  balance: int().optional(),
  expand: expand(),
  business_name: ignored,
  individual_name: ignored,
  cash_balance: ignored,
  invoice_settings: ignored,
  payment_method: ignored,
  shipping: ignored,
  source: ignored,
  tax: ignored,
  tax_id_data: ignored,
  test_clock: ignored,
  validate: ignored,
};

const createSchema = z.strictObject(fields);
const updateSchema = z.strictObject({ ...fields, default_source: ignored });
const listSchema = z.strictObject({ ...listParams, email: str(512).optional(), created: range(), test_clock: ignored });
const noParams = z.strictObject({ expand: expand() });

export function customerRoutes(api: ApiRoutes<StripeData>): void {
  api
    .add(
      "POST",
      "/v1/customers",
      route(createSchema, (ctx, p) => {
        const customer = newCustomer(ctx, { ...p, address: p.address ?? null, metadata: mergeMetadata({}, p.metadata) });
        if (p.next_invoice_sequence) customer.next_invoice_sequence = p.next_invoice_sequence;
        if (p.preferred_locales) customer.preferred_locales = p.preferred_locales;
        if (p.tax_exempt) customer.tax_exempt = p.tax_exempt;
        if (p.balance !== undefined) customer.balance = p.balance;
        insert(ctx.data.customers, customer);
        ctx.emit("customer.created", customer);
        return customer;
      }),
    )
    .add(
      "GET",
      "/v1/customers/:id",
      route(noParams, (ctx, _p, req) => {
        const id = req.params.id!;
        if (ctx.data.deletedCustomers[id]) return { id, object: "customer", deleted: true };
        return mustFind(ctx.data.customers, "customer", id);
      }),
    )
    .add(
      "POST",
      "/v1/customers/:id",
      route(updateSchema, (ctx, p, req) => {
        const customer = mustFind(ctx.data.customers, "customer", req.params.id!);
        const before = copy(customer);
        if (p.name !== undefined) customer.name = p.name;
        if (p.email !== undefined) customer.email = p.email;
        if (p.description !== undefined) customer.description = p.description;
        if (p.phone !== undefined) customer.phone = p.phone;
        if (p.address !== undefined) customer.address = p.address ? address(p.address) : null;
        if (p.invoice_prefix !== undefined) customer.invoice_prefix = p.invoice_prefix;
        if (p.next_invoice_sequence !== undefined) customer.next_invoice_sequence = p.next_invoice_sequence;
        if (p.preferred_locales !== undefined) customer.preferred_locales = p.preferred_locales;
        if (p.tax_exempt !== undefined) customer.tax_exempt = p.tax_exempt;
        if (p.balance !== undefined) customer.balance = p.balance;
        customer.metadata = mergeMetadata(customer.metadata, p.metadata);
        const previous = changes(before, customer);
        if (previous) ctx.emit("customer.updated", customer, previous);
        return customer;
      }),
    )
    .add(
      "DELETE",
      "/v1/customers/:id",
      route(z.strictObject({}), (ctx, _p, req) => {
        const customer = mustFind(ctx.data.customers, "customer", req.params.id!);
        remove(ctx.data.customers, customer.id);
        ctx.data.deletedCustomers[customer.id] = true;
        ctx.emit("customer.deleted", customer);
        return { id: customer.id, object: "customer", deleted: true };
      }),
    )
    .add(
      "GET",
      "/v1/customers",
      route(listSchema, (ctx, p) =>
        listOf(ctx.data.customers, "customer", p, "/v1/customers", (c) => (p.email === undefined || c.email === p.email) && inRange(c.created, p.created)),
      ),
    );
}
