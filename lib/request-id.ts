/** Request ids: kept from the caller when they look sane, otherwise new. No dependencies, so the proxy can use it. */
export const REQUEST_ID_HEADER = "x-request-id";

export function requestIdFrom(headers: Headers): string {
  const given = headers.get(REQUEST_ID_HEADER);
  return given && /^[\w.:-]{1,128}$/.test(given) ? given : crypto.randomUUID();
}

/** The path (with query) of the page being rendered, set by the proxy so sign-in can come back to it. */
export const PATH_HEADER = "x-concord-path";
