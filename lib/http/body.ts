/**
 * Reading JSON request bodies: a size limit (413), well-formed JSON (400), and the schema (422
 * with a message per field; unknown fields are refused, so typos do not pass silently).
 */
import { z } from "zod";
import { fieldErrors } from "../validation";
import { ApiError } from "./errors";

export const DEFAULT_BODY_LIMIT = 64 * 1024;

export async function readLimited(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > maxBytes) throw new ApiError("payload_too_large", `The body is larger than ${maxBytes} bytes.`);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ApiError("payload_too_large", `The body is larger than ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function readJson<S extends z.ZodType>(request: Request, schema: S, maxBytes = DEFAULT_BODY_LIMIT): Promise<z.output<S>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) throw new ApiError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  const text = await readLimited(request, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("bad_request", "The body is not valid JSON.");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError("unprocessable", "Some fields are not valid.", fieldErrors(parsed.error));
  return parsed.data;
}

/** The query string checked against `schema`: unknown or invalid parameters answer 400 with the fields. */
export function readQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new ApiError("bad_request", "Some query parameters are not valid.", fieldErrors(parsed.error));
  return parsed.data;
}
