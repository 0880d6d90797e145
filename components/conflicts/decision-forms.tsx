"use client";
/**
 * The two decisions that take words from a person: a value typed in (the input fits the field:
 * a date, a status, a name) and ignoring with a reason. Both are checked on the server like any
 * input; its field errors show under the input they concern.
 */
import { useEffect, useId, useRef, useState } from "react";
import type { ActionResult } from "@/lib/actions/result";
import { INVOICE_STATUSES } from "@/lib/invoices/schemas";
import type { ConflictView } from "@/lib/conflicts/schemas";
import { STATUS_LABEL } from "@/components/invoices/format";
import { FIELD_LABEL } from "./format";

type Submit = (input: Record<string, string>) => Promise<ActionResult<ConflictView> | null>;

const input = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm aria-invalid:border-red-500";
const primary = "rounded-md bg-brand-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700 disabled:opacity-60";
const plain = "rounded-md bg-white px-3 py-1.5 text-sm font-semibold text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50";

function useSubmit(submit: Submit, build: (form: FormData) => Record<string, string>) {
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const onSubmit = async (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    try {
      const result = await submit(build(new FormData(event.currentTarget)));
      setErrors(result && !result.ok ? (result.error.fields ?? {}) : {});
    } finally {
      setPending(false);
    }
  };
  return { pending, errors, onSubmit };
}

function Errors({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-700" data-testid="field-error">
      {messages.join(" ")}
    </p>
  );
}

export function EnterValueForm({ conflict, submit, onCancel }: { conflict: ConflictView; submit: Submit; onCancel: () => void }) {
  const id = useId();
  const field = conflict.field ?? "";
  const { pending, errors, onSubmit } = useSubmit(submit, (form) => ({ action: "enter", value: String(form.get("value") ?? "") }));
  const messages = errors.value ?? errors.action;
  const describedBy = messages?.length ? `${id}-error` : undefined;
  const label = `New ${FIELD_LABEL[field] ?? "value"}`;
  const first = useRef<HTMLInputElement & HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  const common = { id: `${id}-value`, name: "value", ref: first, "aria-invalid": messages?.length ? true : undefined, "aria-describedby": describedBy, className: input };
  return (
    <form noValidate onSubmit={onSubmit} className="flex flex-wrap items-end gap-2 rounded-md bg-slate-50 p-3" aria-label={`Enter the ${FIELD_LABEL[field] ?? "value"}`} data-testid="enter-form">
      <div className="flex flex-col">
        <label htmlFor={`${id}-value`} className="text-xs font-medium text-slate-600">
          {label}
        </label>
        {field === "dueDate" ? (
          <input type="date" {...common} defaultValue={conflict.rows[0]?.value ?? ""} />
        ) : field === "status" ? (
          <select {...common} defaultValue={conflict.rows[0]?.value ?? ""}>
            {INVOICE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s] ?? s}
              </option>
            ))}
          </select>
        ) : (
          <input type="text" {...common} defaultValue={conflict.rows[0]?.value ?? ""} maxLength={200} />
        )}
        <Errors id={`${id}-error`} messages={messages} />
      </div>
      <button type="submit" disabled={pending} className={primary}>
        {pending ? "Saving…" : "Save value"}
      </button>
      <button type="button" onClick={onCancel} className={plain}>
        Cancel
      </button>
    </form>
  );
}

export function IgnoreForm({ submit, onCancel, label = "Ignore" }: { submit: Submit; onCancel: () => void; label?: string }) {
  const id = useId();
  const { pending, errors, onSubmit } = useSubmit(submit, (form) => ({ action: "ignore", reason: String(form.get("reason") ?? "") }));
  const messages = errors.reason ?? errors.action;
  const reason = useRef<HTMLInputElement>(null);
  useEffect(() => reason.current?.focus(), []);
  return (
    <form
      noValidate
      onSubmit={onSubmit}
      onKeyDown={(e) => {
        if (e.key === "Escape") onCancel();
      }}
      className="flex flex-wrap items-end gap-2 rounded-md bg-slate-50 p-3"
      aria-label="Ignore with a reason"
      data-testid="ignore-form"
    >
      <div className="flex min-w-64 flex-1 flex-col">
        <label htmlFor={`${id}-reason`} className="text-xs font-medium text-slate-600">
          Reason for ignoring
        </label>
        <input
          ref={reason}
          id={`${id}-reason`}
          name="reason"
          type="text"
          maxLength={500}
          aria-invalid={messages?.length ? true : undefined}
          aria-describedby={messages?.length ? `${id}-error` : undefined}
          placeholder="Why this difference is fine as it is"
          className={input}
        />
        <Errors id={`${id}-error`} messages={messages} />
      </div>
      <button type="submit" disabled={pending} className={primary}>
        {pending ? "Working…" : label}
      </button>
      <button type="button" onClick={onCancel} className={plain}>
        Cancel
      </button>
    </form>
  );
}
