/**
 * The parts of Xero's list endpoints every collection shares: the `where` filter (a small
 * Dynamic-LINQ-like language: `Type=="ACCREC" AND Status=="AUTHORISED"`,
 * `Contact.ContactID==guid("…")`, `Date>=DateTime(2026,01,01)`, `Name.Contains("Acme")`),
 * `order`, and paging (`page`, `pageSize` up to 1,000, 100 by default).
 * https://developer.xero.com/documentation/api/accounting/requests-and-responses#retrieving-a-filtered-set-of-resources
 */
import type { Pagination } from "./wire";

export type Value = string | number | boolean | null;
/** The fields a collection can be filtered and ordered by, keyed by lower-cased (dotted) path. */
export type Fields<R> = Record<string, (record: R) => Value>;

function resolve<R>(fields: Fields<R>, path: string, typeName: string): (record: R) => Value {
  const reader = fields[path.toLowerCase()];
  if (!reader) throw new QueryError(`No property or field '${path}' exists in type '${typeName}'`);
  return reader;
}

export class QueryError extends Error {}

type Token = { kind: "ident" | "string" | "number" | "op" | "punct"; text: string };

const TOKEN = /\s*(?:(==|!=|>=|<=|&&|\|\||[<>=!])|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([().,]))/y;

function unquote(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    throw new QueryError(`Invalid string literal ${literal}`);
  }
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(source);
    if (!m) throw new QueryError(`Syntax error at position ${at}: '${source.slice(at, at + 10)}'`);
    if (m[1]) tokens.push({ kind: "op", text: m[1] });
    else if (m[2]) tokens.push({ kind: "string", text: unquote(m[2]) });
    else if (m[3]) tokens.push({ kind: "number", text: m[3] });
    else if (m[4]) tokens.push({ kind: "ident", text: m[4] });
    else if (m[5]) tokens.push({ kind: "punct", text: m[5] });
  }
  return tokens;
}

type Predicate<R> = (record: R) => boolean;
const STRING_METHODS = new Set(["Contains", "StartsWith", "EndsWith"]);

/** Compiles a `where` string for records of one collection; throws QueryError. */
export function compileWhere<R>(source: string, fields: Fields<R>, typeName: string): Predicate<R> {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const t = tokens[i++];
    if (!t) throw new QueryError("Unexpected end of expression");
    return t;
  };
  const expect = (text: string) => {
    const t = next();
    if (t.text !== text) throw new QueryError(`'${text}' expected`);
  };
  const isWord = (t: Token | undefined, ...words: string[]) => !!t && (t.kind === "ident" || t.kind === "op") && words.includes(t.kind === "ident" ? t.text.toUpperCase() : t.text);

  const literal = (): Value => {
    const t = next();
    if (t.kind === "string") return t.text;
    if (t.kind === "number") return Number(t.text);
    if (t.kind === "ident") {
      const word = t.text.toLowerCase();
      if (word === "true" || word === "false") return word === "true";
      if (word === "null") return null;
      if (word === "guid") {
        expect("(");
        const id = next();
        expect(")");
        return id.text.toLowerCase();
      }
      if (word === "datetime") {
        expect("(");
        const parts: number[] = [Number(next().text)];
        while (peek()?.text === ",") {
          next();
          parts.push(Number(next().text));
        }
        expect(")");
        const [y, mo, d, h, mi, s] = parts;
        const ms = Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
        if (Number.isNaN(ms)) throw new QueryError("Invalid DateTime");
        return ms;
      }
    }
    throw new QueryError(`Expression expected, found '${t.text}'`);
  };

  const field = (): ((record: R) => Value) => {
    const parts = [next()];
    if (parts[0]!.kind !== "ident") throw new QueryError(`Expression expected, found '${parts[0]!.text}'`);
    while (peek()?.text === "." && tokens[i + 1]?.kind === "ident" && !STRING_METHODS.has(tokens[i + 1]!.text)) {
      next();
      parts.push(next());
    }
    return resolve(fields, parts.map((p) => p.text).join("."), typeName);
  };

  const comparison = (): Predicate<R> => {
    if (peek()?.text === "(") {
      next();
      const inner = orExpr();
      expect(")");
      return inner;
    }
    const read = field();
    if (peek()?.text === ".") {
      next();
      const method = next().text;
      expect("(");
      const arg = literal();
      expect(")");
      if (!STRING_METHODS.has(method) || typeof arg !== "string") throw new QueryError(`No applicable method '${method}' exists`);
      const needle = arg.toLowerCase();
      return (r) => {
        const v = String(read(r) ?? "").toLowerCase();
        return method === "Contains" ? v.includes(needle) : method === "StartsWith" ? v.startsWith(needle) : v.endsWith(needle);
      };
    }
    const op = next();
    if (op.kind !== "op" || op.text === "&&" || op.text === "||" || op.text === "!") throw new QueryError(`Operator expected, found '${op.text}'`);
    const right = literal();
    return (r) => compare(read(r), op.text, right);
  };

  const andExpr = (): Predicate<R> => {
    let left = comparison();
    while (isWord(peek(), "AND", "&&")) {
      next();
      const a = left;
      const b = comparison();
      left = (r) => a(r) && b(r);
    }
    return left;
  };

  const orExpr = (): Predicate<R> => {
    let left = andExpr();
    while (isWord(peek(), "OR", "||")) {
      next();
      const a = left;
      const b = andExpr();
      left = (r) => a(r) || b(r);
    }
    return left;
  };

  const predicate = orExpr();
  if (i < tokens.length) throw new QueryError(`Syntax error: unexpected '${tokens[i]!.text}'`);
  return predicate;
}

function compare(left: Value, op: string, right: Value): boolean {
  const norm = (v: Value) => (typeof v === "string" ? v.toLowerCase() : v);
  const l = norm(left);
  const r = norm(right);
  switch (op) {
    case "==":
    case "=":
      return l === r;
    case "!=":
      return l !== r;
    default: {
      if (l === null || r === null) return false;
      if (op === ">") return l > r;
      if (op === ">=") return l >= r;
      if (op === "<") return l < r;
      return l <= r;
    }
  }
}

/** `order=UpdatedDateUTC DESC,InvoiceNumber` as a comparator; throws QueryError. */
export function compileOrder<R>(source: string, fields: Fields<R>, typeName: string): (a: R, b: R) => number {
  const keys = source.split(",").map((part) => {
    const [path = "", dir = "ASC", ...rest] = part.trim().split(/\s+/);
    if (!path || rest.length || !/^(ASC|DESC)$/i.test(dir)) throw new QueryError(`Invalid order clause '${part.trim()}'`);
    return { read: resolve(fields, path, typeName), sign: dir.toUpperCase() === "DESC" ? -1 : 1 };
  });
  return (a, b) => {
    for (const { read, sign } of keys) {
      const x = read(a);
      const y = read(b);
      if (x === y) continue;
      if (x === null) return -sign;
      if (y === null) return sign;
      return (x < y ? -1 : 1) * sign;
    }
    return 0;
  };
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** Page `page` (1-based) of `items`; `pageSize` defaults to 100 and is capped at 1,000. */
export function paginate<T>(items: T[], page: number, pageSize: number): { items: T[]; pagination: Pagination } {
  const size = Math.min(MAX_PAGE_SIZE, Math.max(1, pageSize));
  return {
    items: items.slice((page - 1) * size, page * size),
    pagination: { page, pageSize: size, pageCount: Math.ceil(items.length / size), itemCount: items.length },
  };
}

/** A positive integer query parameter, or null when absent; NaN when present but invalid. */
export function intParam(query: URLSearchParams, name: string): number | null {
  const raw = query.get(name);
  if (raw === null || raw === "") return null;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : Number.NaN;
}

/** A comma-separated list parameter (IDs, Statuses...), case-insensitive; null when absent. */
export function listParam(query: URLSearchParams, name: string): string[] | null {
  const raw = query.get(name);
  if (raw === null || raw.trim() === "") return null;
  return raw
    .split(",")
    .map((s) => s.trim().replace(/^"|"$/g, ""))
    .filter(Boolean);
}
