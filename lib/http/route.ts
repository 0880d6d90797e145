/**
 * Wraps a route handler: binds a request id (from the proxy or the caller) to the logger,
 * echoes it on the response, logs the outcome, and turns errors into `{ error: { code, message } }`.
 */
import { NextResponse, type NextRequest } from "next/server";
import { log, withRequestLogger } from "../log";
import { REQUEST_ID_HEADER, requestIdFrom } from "../request-id";
import { ApiError } from "./errors";

type Handler<C> = (request: NextRequest, context: C) => Promise<Response>;

export function route<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    const requestId = requestIdFrom(request.headers);
    return withRequestLogger(requestId, async () => {
      const started = performance.now();
      let response: Response;
      try {
        response = await handler(request, context);
      } catch (error) {
        const apiError = error instanceof ApiError ? error : new ApiError("internal", "Something went wrong on our side.");
        if (!(error instanceof ApiError)) log().error({ err: error }, "unhandled error in route");
        response = NextResponse.json(apiError.toJSON(), { status: apiError.status });
      }
      response.headers.set(REQUEST_ID_HEADER, requestId);
      log().info(
        { method: request.method, path: request.nextUrl.pathname, status: response.status, ms: Math.round(performance.now() - started) },
        "request",
      );
      return response;
    });
  };
}
