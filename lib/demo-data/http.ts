/**
 * Calls to a sandbox on behalf of the demo set-up: the control API (/_sandbox/*) and the
 * providers' own APIs with an account's token. Any answer but 2xx is an error naming the call,
 * so a broken set-up says where it broke.
 */
export class SandboxCallError extends Error {
  constructor(
    readonly status: number,
    what: string,
    body: string,
  ) {
    super(`${what} answered ${status}: ${body.slice(0, 300)}`);
    this.name = "SandboxCallError";
  }
}

/** What a provider API call needs: the sandbox, the account it acts on, a token for it. */
export type ApiAccess = { baseUrl: string; accountId: string; accessToken: string };

/** A sandbox account the demo made, with the tokens the control API issued for it. */
export type SandboxAccount = ApiAccess & { name: string; refreshToken: string; expiresIn: number };

type Body = { json: unknown } | { form: Record<string, string> } | undefined;

export async function call<T = unknown>(url: string, what: string, opts: { method?: string; token?: string; headers?: Record<string, string>; body?: Body } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body && "json" in opts.body) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.body.json);
  } else if (opts.body && "form" in opts.body) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(opts.body.form).toString();
  }
  const response = await fetch(url, { method: opts.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  const text = await response.text();
  if (!response.ok) throw new SandboxCallError(response.status, what, text);
  return (text ? JSON.parse(text) : null) as T;
}
