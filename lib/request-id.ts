/** Request ids: kept from the caller when they look sane, otherwise new. No dependencies, so the proxy can use it. */
export const REQUEST_ID_HEADER = "x-request-id";

export function requestIdFrom(headers: Headers): string {
  const given = headers.get(REQUEST_ID_HEADER);
  return given && /^[\w.:-]{1,128}$/.test(given) ? given : crypto.randomUUID();
}
