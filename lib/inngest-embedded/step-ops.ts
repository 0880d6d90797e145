/**
 * What each step op the SDK answers with asks of the executor, decided without side effects:
 * a result to memoize, a step to run on its own request, a sleep, a wait for an event, an
 * invocation, the end of the run, or an op this executor does not support (the run then fails
 * with the op named, instead of hanging).
 */
import { sleepEndsAt, parseDuration } from "./duration";
import { hashStepId, toSerializedError, type EventPayload, type Op, type SerializedError } from "./protocol";

/** The id the SDK gives the whole function's result when it ships it as an op. */
const RUN_COMPLETE_ID = hashStepId("complete");

export type StepAction =
  | { type: "memoize"; data: unknown }
  | { type: "step-error"; error: SerializedError }
  | { type: "step-failed"; error: SerializedError }
  | { type: "plan" }
  | { type: "sleep"; until: number }
  | { type: "wait"; event: string; if?: string; until: number }
  | { type: "invoke"; functionId: string; data: Record<string, unknown>; until: number | null }
  | { type: "complete"; data: unknown }
  | { type: "function-error"; error: SerializedError; final: boolean }
  | { type: "rediscover" }
  | { type: "unsupported"; message: string };

function label(op: Op): string {
  return op.displayName ?? op.name ?? op.id;
}

function stringOpt(op: Op, key: string): string | undefined {
  const value = op.opts?.[key];
  return typeof value === "string" && value ? value : undefined;
}

export function classifyOp(op: Op, now: number): StepAction {
  try {
    switch (op.op) {
      case "StepRun":
        return { type: "memoize", data: op.data ?? null };
      case "StepError":
        if (op.id === RUN_COMPLETE_ID) return { type: "function-error", error: toSerializedError(op.error, "the function failed"), final: false };
        return { type: "step-error", error: toSerializedError(op.error, `step "${label(op)}" failed`) };
      case "StepFailed":
        if (op.id === RUN_COMPLETE_ID) return { type: "function-error", error: toSerializedError(op.error, "the function failed"), final: true };
        return { type: "step-failed", error: toSerializedError(op.error, `step "${label(op)}" failed`) };
      case "StepPlanned":
        return { type: "plan" };
      case "Sleep":
        return { type: "sleep", until: sleepEndsAt(op.name ?? "", now) };
      case "WaitForEvent": {
        const timeout = stringOpt(op, "timeout");
        if (!op.name) return { type: "unsupported", message: `waitForEvent "${label(op)}" names no event` };
        return { type: "wait", event: op.name, if: stringOpt(op, "if"), until: timeout ? now + parseDuration(timeout) : Number.POSITIVE_INFINITY };
      }
      case "InvokeFunction": {
        const functionId = stringOpt(op, "function_id");
        if (!functionId) return { type: "unsupported", message: `invoke "${label(op)}" names no function` };
        const payload = op.opts?.payload as { data?: unknown } | undefined;
        const data = payload?.data && typeof payload.data === "object" ? (payload.data as Record<string, unknown>) : {};
        const timeout = stringOpt(op, "timeout");
        return { type: "invoke", functionId, data, until: timeout ? now + parseDuration(timeout) : null };
      }
      case "RunComplete":
        return { type: "complete", data: op.data ?? null };
      case "DiscoveryRequest":
        return { type: "rediscover" };
      case "WaitForSignal":
        return { type: "unsupported", message: `step.waitForSignal ("${label(op)}") is not supported by the embedded executor` };
      case "AIGateway":
        return { type: "unsupported", message: `step.ai.infer ("${label(op)}") is not supported by the embedded executor` };
      case "Gateway":
        return { type: "unsupported", message: `step.fetch ("${label(op)}") is not supported by the embedded executor; call fetch inside step.run` };
      case "DeferAdd":
      case "DeferAbort":
        return { type: "unsupported", message: `defer() ("${label(op)}") is not supported by the embedded executor` };
      default:
        return { type: "unsupported", message: `step op ${op.op} ("${label(op)}") is not supported by the embedded executor` };
    }
  } catch (error) {
    return { type: "unsupported", message: `step "${label(op)}": ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The event an invoked run starts with (Inngest's `inngest/function.invoked`). */
export function invokedEvent(id: string, data: Record<string, unknown>, now: number): EventPayload {
  return { id, name: "inngest/function.invoked", data, ts: now };
}
