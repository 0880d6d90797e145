"use client";
/** Form building blocks: labelled inputs with their field errors, a pending-aware submit button. */
import { useFormStatus } from "react-dom";
import type { ActionResult } from "@/lib/actions/result";

export function FieldError({ result, name }: { result: ActionResult<unknown> | null; name: string }) {
  const messages = result && !result.ok ? result.error.fields?.[name] : undefined;
  if (!messages?.length) return null;
  return (
    <p id={`${name}-error`} className="mt-1 text-sm text-red-700">
      {messages.join(". ")}
    </p>
  );
}

export function TextField({
  name,
  label,
  result,
  type = "text",
  autoComplete,
  defaultValue,
  required = true,
  hint,
}: {
  name: string;
  label: string;
  result: ActionResult<unknown> | null;
  type?: string;
  autoComplete?: string;
  defaultValue?: string;
  required?: boolean;
  hint?: string;
}) {
  const invalid = Boolean(result && !result.ok && result.error.fields?.[name]);
  return (
    <div>
      <label htmlFor={name} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={name}
        name={name}
        type={type}
        autoComplete={autoComplete}
        defaultValue={defaultValue}
        required={required}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${name}-error` : hint ? `${name}-hint` : undefined}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm aria-invalid:border-red-500"
      />
      {hint && !invalid ? (
        <p id={`${name}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <FieldError result={result} name={name} />
    </div>
  );
}

/** The action's overall outcome: an error (role="alert") or a success message (role="status"). */
export function FormMessage({ result, testId = "form-message" }: { result: ActionResult<unknown> | null; testId?: string }) {
  if (!result) return null;
  if (!result.ok) {
    return (
      <p role="alert" data-testid={testId} className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
        {result.error.message}
      </p>
    );
  }
  if (!result.message) return null;
  return (
    <p role="status" data-testid={testId} className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
      {result.message}
    </p>
  );
}

export function SubmitButton({ children, variant = "primary" }: { children: React.ReactNode; variant?: "primary" | "danger" | "plain" }) {
  const { pending } = useFormStatus();
  const styles = {
    primary: "bg-brand-600 text-white hover:bg-brand-700",
    danger: "bg-white text-red-700 ring-1 ring-red-300 hover:bg-red-50",
    plain: "bg-white text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50",
  }[variant];
  return (
    <button
      type="submit"
      disabled={pending}
      aria-disabled={pending}
      className={`rounded-md px-3 py-2 text-sm font-semibold shadow-sm disabled:opacity-60 ${styles}`}
    >
      {pending ? "Working…" : children}
    </button>
  );
}
