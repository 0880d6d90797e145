/** zod issues in the shape forms and the API show: { field: [messages] } ("_" for the whole input). */
import type { z } from "zod";

export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_";
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}
