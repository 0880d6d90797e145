/**
 * Stripe's request encoding: form fields (or query parameters) with bracket notation, e.g.
 * `metadata[order]=42`, `expand[0]=lines`, `expand[]=customer`, `price_data[unit_amount]=500`,
 * turned into nested objects. Arrays may arrive indexed (the SDK sends `a[0]`) or as `a[]`; the
 * parameter schemas decide whether an object of numeric keys is an array.
 * https://docs.stripe.com/api ("The API accepts form-encoded request bodies")
 */
import { header, type SandboxRequest } from "../core/http";

export type Params = Record<string, unknown>;
export class FormError extends Error {
  constructor(readonly param: string, message: string) {
    super(message);
  }
}

const MAX_PAIRS = 2_000;
const MAX_DEPTH = 8;
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

function tokens(key: string): string[] | null {
  const open = key.indexOf("[");
  if (open < 0) return [key];
  const out = [key.slice(0, open)];
  let rest = key.slice(open);
  while (rest.length) {
    const m = /^\[([^\]]*)\]/.exec(rest);
    if (!m) return null;
    out.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  return out;
}

const isObject = (v: unknown): v is Params => typeof v === "object" && v !== null && !Array.isArray(v);

/** Nested parameters from `key=value` pairs; throws FormError on contradictory keys. */
export function nest(pairs: Iterable<[string, string]>): Params {
  const root: Params = {};
  let n = 0;
  for (const [key, value] of pairs) {
    if (++n > MAX_PAIRS) throw new FormError(key, `Too many parameters (the limit is ${MAX_PAIRS}).`);
    const path = tokens(key);
    if (!path || path[0] === "" || path.length > MAX_DEPTH) throw new FormError(key, `Invalid parameter name: ${key}`);
    if (path.some((t) => FORBIDDEN.has(t))) throw new FormError(key, `Invalid parameter name: ${key}`);
    let node: Params | unknown[] = root;
    for (let i = 0; i < path.length; i++) {
      const token = path[i]!;
      const last = i === path.length - 1;
      const name = path.slice(0, i + 1).map((t, j) => (j === 0 ? t : `[${t}]`)).join("");
      if (Array.isArray(node)) {
        // `a[]=x`: append; `a[][b]=x`: a new object in the array.
        if (token !== "") throw new FormError(name, `Invalid array: ${name}`);
        if (last) node.push(value);
        else {
          const child: Params = {};
          node.push(child);
          node = child;
        }
        continue;
      }
      const existing: unknown = node[token];
      if (last) {
        if (existing !== undefined && typeof existing !== "string") throw new FormError(name, `Invalid ${name}: expected a value, not a hash or array.`);
        node[token] = value;
        break;
      }
      const wantsArray = path[i + 1] === "";
      if (existing === undefined) {
        const child: Params | unknown[] = wantsArray ? [] : {};
        node[token] = child;
        node = child;
      } else if (wantsArray ? Array.isArray(existing) : isObject(existing)) {
        node = existing as Params | unknown[];
      } else {
        throw new FormError(name, wantsArray ? `Invalid array: ${name}` : `Invalid hash: ${name}`);
      }
    }
  }
  return root;
}

export type Parsed = { ok: true; params: Params } | { ok: false; param?: string; message: string };

/** Stripe reads GET and DELETE parameters from the query, others from the form body. */
export function requestParams(req: SandboxRequest): Parsed {
  try {
    if (req.method === "GET" || req.method === "DELETE") return { ok: true, params: nest(req.query) };
    const type = (header(req, "content-type") ?? "").toLowerCase();
    const body = req.rawBody;
    if (body.length && !type.startsWith("application/x-www-form-urlencoded")) {
      return { ok: false, message: "Invalid request (check that your POST content type is application/x-www-form-urlencoded). If you have any questions, we can help at https://support.stripe.com/." };
    }
    const text = body.toString("utf8");
    if (text.includes("\uFFFD")) return { ok: false, message: "Invalid request: the body is not valid UTF-8." };
    return { ok: true, params: nest([...req.query, ...new URLSearchParams(text)]) };
  } catch (error) {
    if (error instanceof FormError) return { ok: false, param: error.param, message: error.message };
    throw error;
  }
}
