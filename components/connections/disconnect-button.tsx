"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/forms/fields";
import { disconnectAction } from "@/app/w/[workspace]/connections/actions";

export function DisconnectButton({ workspace, connectionId, label }: { workspace: string; connectionId: string; label: string }) {
  const [result, action] = useActionState(disconnectAction, null);
  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (!window.confirm(`Disconnect ${label}? Concord stops syncing it and revokes its access; history is kept.`)) e.preventDefault();
      }}
    >
      <input type="hidden" name="workspace" value={workspace} />
      <input type="hidden" name="connectionId" value={connectionId} />
      <SubmitButton variant="danger">Disconnect</SubmitButton>
      <FormMessage result={result} />
    </form>
  );
}
