/**
 * The QuickBooks query language, as far as the sandbox answers it:
 *   SELECT * | COUNT(*) | field, ... FROM Entity
 *   [WHERE cond AND cond ...]    cond: field (= < > <= >=) literal | field IN (literal, ...) | field LIKE 'pattern%'
 *   [ORDERBY field [ASC|DESC], ...] [STARTPOSITION n] [MAXRESULTS n]
 * Keywords and names are case-insensitive; strings are single-quoted with \' escapes; there is
 * no OR, no joins, no parentheses around conditions. A syntax error is QueryParserError (4000).
 * https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
 */
import { faults } from "./errors";

export type Literal = string | number | boolean;
export type Operator = "=" | "<" | ">" | "<=" | ">=" | "IN" | "LIKE";
export type Condition = { field: string; op: Operator; values: Literal[] };
export type Query = {
  select: { kind: "all" } | { kind: "count" } | { kind: "fields"; fields: string[] };
  from: string;
  where: Condition[];
  orderBy: { field: string; descending: boolean }[];
  startPosition: number;
  maxResults: number | null;
};

type Token = { kind: "word" | "string" | "number" | "symbol"; text: string; value: Literal; column: number };

const SYMBOLS = ["<=", ">=", "!=", "<>", "=", "<", ">", "(", ")", ",", "*"];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const column = i + 1;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw faults.queryParser(`Lexical error at line 1, column ${text.length + 1}.  Encountered: <EOF> after : "'${value}"`);
        const c = text[i]!;
        if (c === "\\" && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (c === "'") {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      tokens.push({ kind: "string", text: `'${value}'`, value, column });
    } else if (/[0-9]/.test(ch) || (ch === "-" && /[0-9]/.test(text[i + 1] ?? ""))) {
      const match = /^-?\d+(?:\.\d+)?/.exec(text.slice(i))!;
      tokens.push({ kind: "number", text: match[0], value: Number(match[0]), column });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))!;
      tokens.push({ kind: "word", text: match[0], value: match[0], column });
      i += match[0].length;
    } else {
      const symbol = SYMBOLS.find((s) => text.startsWith(s, i));
      if (!symbol) throw faults.queryParser(`Lexical error at line 1, column ${column}.  Encountered: "${ch}"`);
      tokens.push({ kind: "symbol", text: symbol, value: symbol, column });
      i += symbol.length;
    }
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  fail(expected: string): never {
    const t = this.peek();
    if (!t) throw faults.queryParser(`Encountered "<EOF>" at end of query. Was expecting: ${expected}`);
    throw faults.queryParser(`Encountered " ${t.kind === "word" ? "<IDENTIFIER>" : `"${t.text}"`} "${t.text} "" at line 1, column ${t.column}. Was expecting: ${expected}`);
  }

  isWord(...words: string[]): boolean {
    const t = this.peek();
    return t?.kind === "word" && words.includes(t.text.toUpperCase());
  }

  word(expected: string): string {
    const t = this.peek();
    if (t?.kind !== "word") this.fail(expected);
    this.i++;
    return t.text;
  }

  keyword(word: string): void {
    if (!this.isWord(word)) this.fail(`"${word}"`);
    this.i++;
  }

  symbol(symbol: string): void {
    if (this.peek()?.text !== symbol) this.fail(`"${symbol}"`);
    this.i++;
  }

  literal(): Literal {
    const t = this.peek();
    if (!t) this.fail("a value");
    if (t.kind === "string" || t.kind === "number") {
      this.i++;
      return t.value;
    }
    if (t.kind === "word" && ["TRUE", "FALSE"].includes(t.text.toUpperCase())) {
      this.i++;
      return t.text.toUpperCase() === "TRUE";
    }
    this.fail("a quoted value");
  }

  integer(name: string): number {
    const t = this.peek();
    const value = t?.kind === "number" ? t.value : t?.kind === "string" ? Number(t.value) : NaN;
    if (!Number.isInteger(value) || (value as number) < 0) this.fail(`an integer ${name}`);
    this.i++;
    return value as number;
  }
}

export function parseQuery(text: string): Query {
  const p = new Parser(tokenize(text));
  p.keyword("SELECT");
  let select: Query["select"];
  if (p.peek()?.text === "*") {
    p.symbol("*");
    select = { kind: "all" };
  } else if (p.isWord("COUNT")) {
    p.keyword("COUNT");
    p.symbol("(");
    p.symbol("*");
    p.symbol(")");
    select = { kind: "count" };
  } else {
    const fields = [p.word("\"*\" or a field name")];
    while (p.peek()?.text === ",") {
      p.symbol(",");
      fields.push(p.word("a field name"));
    }
    select = { kind: "fields", fields };
  }
  p.keyword("FROM");
  const from = p.word("an entity name");
  const where: Condition[] = [];
  if (p.isWord("WHERE")) {
    p.keyword("WHERE");
    where.push(condition(p));
    while (p.isWord("AND")) {
      p.keyword("AND");
      where.push(condition(p));
    }
  }
  const orderBy: Query["orderBy"] = [];
  if (p.isWord("ORDERBY", "ORDER")) {
    if (p.isWord("ORDER")) {
      p.keyword("ORDER");
      p.keyword("BY");
    } else p.keyword("ORDERBY");
    for (;;) {
      const field = p.word("a field name");
      let descending = false;
      if (p.isWord("ASC", "DESC")) descending = p.word("ASC or DESC").toUpperCase() === "DESC";
      orderBy.push({ field, descending });
      if (p.peek()?.text !== ",") break;
      p.symbol(",");
    }
  }
  let startPosition = 1;
  let maxResults: number | null = null;
  for (let k = 0; k < 2; k++) {
    if (p.isWord("STARTPOSITION")) {
      p.keyword("STARTPOSITION");
      startPosition = Math.max(1, p.integer("STARTPOSITION"));
    } else if (p.isWord("MAXRESULTS")) {
      p.keyword("MAXRESULTS");
      maxResults = p.integer("MAXRESULTS");
    }
  }
  if (p.peek()) p.fail(where.length ? '"AND", "ORDERBY", "STARTPOSITION", "MAXRESULTS" or <EOF>' : '"WHERE", "ORDERBY", "STARTPOSITION", "MAXRESULTS" or <EOF>');
  return { select, from, where, orderBy, startPosition, maxResults };
}

function condition(p: Parser): Condition {
  const field = p.word("a field name");
  const t = p.peek();
  if (t?.kind === "symbol" && ["=", "<", ">", "<=", ">="].includes(t.text)) {
    p.symbol(t.text);
    return { field, op: t.text as Operator, values: [p.literal()] };
  }
  if (p.isWord("IN")) {
    p.keyword("IN");
    p.symbol("(");
    const values = [p.literal()];
    while (p.peek()?.text === ",") {
      p.symbol(",");
      values.push(p.literal());
    }
    p.symbol(")");
    return { field, op: "IN", values };
  }
  if (p.isWord("LIKE")) {
    p.keyword("LIKE");
    const value = p.literal();
    if (typeof value !== "string") p.fail("a quoted pattern");
    return { field, op: "LIKE", values: [value] };
  }
  return p.fail('"=", "<", ">", "<=", ">=", "IN" or "LIKE"');
}
