import type { Role } from "@/lib/db/generated/enums";

export function RoleSelect({ id, roles, defaultValue, className = "" }: { id: string; roles: readonly Role[]; defaultValue: Role; className?: string }) {
  return (
    <select id={id} name="role" defaultValue={defaultValue} className={`rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm ${className}`}>
      {roles.map((r) => (
        <option key={r} value={r}>
          {r.toLowerCase()}
        </option>
      ))}
    </select>
  );
}
