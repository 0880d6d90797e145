/**
 * The subset of Inngest's CEL expressions the embedded executor evaluates: trigger `if`s,
 * waitForEvent matches (`event.data.invoiceId == async.data.invoiceId`), and the keys of
 * concurrency, throttle and debounce (`event.data.connectionId`, `"q-" + event.data.id`).
 *
 * Supported: paths (`a.b.c`, `a["b"]`), string, number, bool and null literals, `==` `!=` `<`
 * `<=` `>` `>=` `&&` `||` `!` `+` `-`, parentheses. Anything else (function calls, macros,
 * `in`, ternaries) fails to compile, so an unsupported expression is refused when functions
 * are registered, never mis-evaluated at run time.
 */

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExpressionError";
  }
}

type Token = { kind: "num" | "str" | "ident" | "op"; value: string; at: number };

type Node =
  | { type: "literal"; value: unknown }
  | { type: "var"; name: string }
  | { type: "member"; object: Node; key: Node }
  | { type: "unary"; op: "!" | "-"; operand: Node }
  | { type: "binary"; op: string; left: Node; right: Node };

const OPERATORS = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "(", ")", ".", "[", "]"];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(ch)) {
      const match = /^\d+(\.\d+)?/.exec(source.slice(i))!;
      tokens.push({ kind: "num", value: match[0], at: i });
      i += match[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let value = "";
      let j = i + 1;
      for (; j < source.length && source[j] !== ch; j++) {
        if (source[j] === "\\") {
          const next = source[++j];
          value += next === "n" ? "\n" : next === "t" ? "\t" : (next ?? "");
        } else value += source[j];
      }
      if (j >= source.length) throw new ExpressionError(`unterminated string at ${i}`);
      tokens.push({ kind: "str", value, at: i });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))!;
      tokens.push({ kind: "ident", value: match[0], at: i });
      i += match[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected "${ch}" at ${i}`);
    tokens.push({ kind: "op", value: op, at: i });
    i += op.length;
  }
  return tokens;
}

// Binding powers, loosest first.
const BINARY: Record<string, number> = { "||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "+": 5, "-": 5 };

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.expression(0);
    const extra = this.tokens[this.i];
    if (extra) throw new ExpressionError(`unexpected "${extra.value}" at ${extra.at}`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private expect(value: string): void {
    const token = this.tokens[this.i++];
    if (token?.value !== value || token.kind !== "op") throw new ExpressionError(`expected "${value}"${token ? ` at ${token.at}` : " at the end"}`);
  }

  private expression(minPower: number): Node {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      const power = token?.kind === "op" ? BINARY[token.value] : undefined;
      if (power === undefined || power <= minPower) return left;
      this.i++;
      left = { type: "binary", op: token!.value, left, right: this.expression(power) };
    }
  }

  private unary(): Node {
    const token = this.peek();
    if (token?.kind === "op" && (token.value === "!" || token.value === "-")) {
      this.i++;
      return { type: "unary", op: token.value, operand: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private postfix(node: Node): Node {
    for (;;) {
      const token = this.peek();
      if (token?.kind === "op" && token.value === ".") {
        this.i++;
        const name = this.tokens[this.i++];
        if (name?.kind !== "ident") throw new ExpressionError(`expected a field name after "." at ${token.at}`);
        node = { type: "member", object: node, key: { type: "literal", value: name.value } };
      } else if (token?.kind === "op" && token.value === "[") {
        this.i++;
        const key = this.expression(0);
        this.expect("]");
        node = { type: "member", object: node, key };
      } else if (token?.kind === "op" && token.value === "(") {
        throw new ExpressionError(`function calls are not supported (at ${token.at})`);
      } else return node;
    }
  }

  private primary(): Node {
    const token = this.tokens[this.i++];
    if (!token) throw new ExpressionError("unexpected end of expression");
    if (token.kind === "num") return { type: "literal", value: Number(token.value) };
    if (token.kind === "str") return { type: "literal", value: token.value };
    if (token.kind === "ident") {
      if (token.value === "true" || token.value === "false") return { type: "literal", value: token.value === "true" };
      if (token.value === "null") return { type: "literal", value: null };
      if (token.value === "in") throw new ExpressionError(`"in" is not supported (at ${token.at})`);
      return { type: "var", name: token.value };
    }
    if (token.value === "(") {
      const inner = this.expression(0);
      this.expect(")");
      return inner;
    }
    throw new ExpressionError(`unexpected "${token.value}" at ${token.at}`);
  }
}

function variables(node: Node, into: Set<string>): Set<string> {
  switch (node.type) {
    case "var":
      into.add(node.name);
      break;
    case "member":
      variables(node.object, into);
      variables(node.key, into);
      break;
    case "unary":
      variables(node.operand, into);
      break;
    case "binary":
      variables(node.left, into);
      variables(node.right, into);
      break;
  }
  return into;
}

/** Missing fields read as null, as in Inngest, so `event.data.x == null` holds when x is absent. */
function normalize(value: unknown): unknown {
  return value === undefined ? null : value;
}

function equal(a: unknown, b: unknown): boolean {
  const x = normalize(a);
  const y = normalize(b);
  if (x === y) return true;
  if (typeof x === "object" && typeof y === "object" && x !== null && y !== null) return JSON.stringify(x) === JSON.stringify(y);
  return false;
}

function truthy(value: unknown): boolean {
  return value === true;
}

function evaluate(node: Node, scope: Record<string, unknown>): unknown {
  switch (node.type) {
    case "literal":
      return node.value;
    case "var":
      return scope[node.name];
    case "member": {
      const object = evaluate(node.object, scope);
      const key = evaluate(node.key, scope);
      if (object === null || typeof object !== "object" || (typeof key !== "string" && typeof key !== "number")) return undefined;
      return Object.hasOwn(object, key) ? (object as Record<string | number, unknown>)[key] : undefined;
    }
    case "unary": {
      const value = evaluate(node.operand, scope);
      return node.op === "!" ? !truthy(value) : typeof value === "number" ? -value : null;
    }
    case "binary": {
      if (node.op === "&&") return truthy(evaluate(node.left, scope)) && truthy(evaluate(node.right, scope));
      if (node.op === "||") return truthy(evaluate(node.left, scope)) || truthy(evaluate(node.right, scope));
      const left = evaluate(node.left, scope);
      const right = evaluate(node.right, scope);
      switch (node.op) {
        case "==":
          return equal(left, right);
        case "!=":
          return !equal(left, right);
        case "+":
          if (typeof left === "number" && typeof right === "number") return left + right;
          return `${normalize(left) ?? ""}${normalize(right) ?? ""}`;
        case "-":
          return typeof left === "number" && typeof right === "number" ? left - right : null;
        default: {
          const comparable = (typeof left === "number" && typeof right === "number") || (typeof left === "string" && typeof right === "string");
          if (!comparable) return false;
          const [l, r] = [left as number | string, right as number | string];
          return node.op === "<" ? l < r : node.op === "<=" ? l <= r : node.op === ">" ? l > r : l >= r;
        }
      }
    }
  }
}

export type Expression = {
  source: string;
  /** The value of the expression for these variables (missing fields are null). */
  value(scope: Record<string, unknown>): unknown;
  /** Whether the expression holds (only `true` counts). */
  matches(scope: Record<string, unknown>): boolean;
};

/**
 * Compiles an expression once; `allowed` lists the variables it may name (`event`, `async`),
 * so a typo such as `evnt.data.id` is refused at registration instead of never matching.
 */
export function compileExpression(source: string, allowed: readonly string[]): Expression {
  let ast: Node;
  try {
    ast = new Parser(tokenize(source)).parse();
  } catch (error) {
    throw new ExpressionError(`cannot evaluate "${source}": ${error instanceof Error ? error.message : String(error)}`);
  }
  const unknown = [...variables(ast, new Set())].filter((name) => !allowed.includes(name));
  if (unknown.length) throw new ExpressionError(`cannot evaluate "${source}": unknown variable ${unknown.map((n) => `"${n}"`).join(", ")} (only ${allowed.join(", ")})`);
  return {
    source,
    value: (scope) => normalize(evaluate(ast, scope)),
    matches: (scope) => truthy(evaluate(ast, scope)),
  };
}

/** A key expression's value as the string flow control groups by (`null` for a missing field). */
export function keyOf(expression: Expression | undefined, scope: Record<string, unknown>): string {
  if (!expression) return "";
  const value = expression.value(scope);
  return typeof value === "string" ? value : JSON.stringify(value);
}
