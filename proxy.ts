/**
 * Gives every request an id (kept when the caller sent a sane one) so pages, route handlers and
 * their log lines can be tied together; echoed on the response.
 */
import { NextResponse, type NextRequest } from "next/server";
import { PATH_HEADER, REQUEST_ID_HEADER, requestIdFrom } from "./lib/request-id";

export function proxy(request: NextRequest) {
  const requestId = requestIdFrom(request.headers);
  const headers = new Headers(request.headers);
  headers.set(REQUEST_ID_HEADER, requestId);
  headers.set(PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

export const config = { matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"] };
