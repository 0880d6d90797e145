/** Marks a server action that anyone may call (sign-up, sign-in); the access matrix reads the mark. */
export type PublicAction<F> = F & { kind: "public" };

export function publicAction<F extends (...args: never[]) => Promise<unknown>>(fn: F): PublicAction<F> {
  return Object.assign(fn, { kind: "public" as const });
}

/** A same-site path to return to after sign-in; anything else (other hosts, `//x`) becomes the fallback. */
export function safeReturnPath(value: unknown, fallback: string): string {
  return typeof value === "string" && /^\/(?!\/)[^\s\\]*$/.test(value) ? value : fallback;
}
