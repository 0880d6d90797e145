"use client";
/** Settings → Notifications: the digest switch, the webhook's URL, test, rotation and removal. */
import { useActionState } from "react";
import { FieldError, FormMessage, SubmitButton, TextField } from "@/components/forms/fields";
import type { ActionResult } from "@/lib/actions/result";
import { removeWebhookAction, rotateWebhookSecretAction, saveDigestAction, saveWebhookAction, sendTestWebhookAction } from "./actions";

export function DigestForm({ workspace, enabled }: { workspace: string; enabled: boolean }) {
  const [result, action] = useActionState(saveDigestAction, null);
  return (
    <form action={action} className="mt-3 space-y-3" data-testid="digest-form">
      <input type="hidden" name="workspace" value={workspace} />
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Daily email digest</legend>
        <div className="mt-2 flex gap-4 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" name="enabled" value="on" defaultChecked={enabled} /> On
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="enabled" value="off" defaultChecked={!enabled} /> Off
          </label>
        </div>
        <FieldError result={result} name="enabled" />
      </fieldset>
      <SubmitButton>Save digest</SubmitButton>
      <FormMessage result={result} testId="digest-message" />
    </form>
  );
}

/** A secret returned by an action, shown once, selectable. */
function ShownOnce({ result }: { result: ActionResult<{ secret: string | null }> | null }) {
  if (!result?.ok || !result.data.secret) return null;
  return (
    <div>
      <label htmlFor="webhook-secret" className="block text-sm font-medium text-slate-800">
        Signing secret
      </label>
      <input id="webhook-secret" readOnly value={result.data.secret} data-testid="webhook-secret" className="mt-1 w-full rounded-md border border-slate-300 bg-slate-50 px-2 py-1.5 font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
    </div>
  );
}

export function WebhookUrlForm({ workspace, url }: { workspace: string; url: string | null }) {
  const [result, action] = useActionState(saveWebhookAction, null);
  return (
    <form action={action} className="mt-3 max-w-xl space-y-3" data-testid="webhook-form">
      <input type="hidden" name="workspace" value={workspace} />
      <TextField name="url" label="Endpoint URL" type="url" result={result} defaultValue={url ?? ""} hint="https:// (http:// only for localhost). Concord POSTs new conflicts here, signed." />
      <SubmitButton>{url ? "Save URL" : "Add webhook"}</SubmitButton>
      <FormMessage result={result} testId="webhook-message" />
      <ShownOnce result={result} />
    </form>
  );
}

export function WebhookTools({ workspace }: { workspace: string }) {
  const [test, testAction] = useActionState(sendTestWebhookAction, null);
  const [rotated, rotateAction] = useActionState(rotateWebhookSecretAction, null);
  const [removed, removeAction] = useActionState(removeWebhookAction, null);
  return (
    <div className="mt-4 space-y-3">
      <div className="flex flex-wrap gap-2">
        <form action={testAction}>
          <input type="hidden" name="workspace" value={workspace} />
          <SubmitButton variant="plain">Send test event</SubmitButton>
        </form>
        <form action={rotateAction}>
          <input type="hidden" name="workspace" value={workspace} />
          <SubmitButton variant="plain">Rotate secret</SubmitButton>
        </form>
        <form action={removeAction}>
          <input type="hidden" name="workspace" value={workspace} />
          <SubmitButton variant="danger">Remove webhook</SubmitButton>
        </form>
      </div>
      <FormMessage result={test} testId="webhook-test-message" />
      <FormMessage result={rotated} testId="webhook-rotate-message" />
      <ShownOnce result={rotated} />
      <FormMessage result={removed} testId="webhook-remove-message" />
    </div>
  );
}
