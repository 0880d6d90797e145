/**
 * An audit entry's before/after: a field-by-field table when the change set has the
 * `{ field: { old, new } }` shape, otherwise the recorded JSON as it was written.
 */
type FieldChange = { old?: unknown; new?: unknown };

function fieldChanges(changes: unknown): [string, FieldChange][] | null {
  if (!changes || typeof changes !== "object" || Array.isArray(changes)) return null;
  const entries = Object.entries(changes as Record<string, unknown>);
  if (!entries.length) return null;
  const isChange = (v: unknown) => !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k === "old" || k === "new");
  return entries.every(([, v]) => isChange(v)) ? (entries as [string, FieldChange][]) : null;
}

const show = (value: unknown) => (value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value));

export function Changes({ changes }: { changes: unknown }) {
  if (changes === null || changes === undefined) return <p className="text-sm text-slate-500">No before/after recorded.</p>;
  const fields = fieldChanges(changes);
  if (!fields) {
    return (
      <pre className="max-h-80 overflow-auto rounded bg-slate-50 p-3 text-xs text-slate-800" data-testid="audit-changes-json">
        {JSON.stringify(changes, null, 2)}
      </pre>
    );
  }
  return (
    <table className="w-full max-w-3xl text-sm" data-testid="audit-changes">
      <caption className="sr-only">Before and after</caption>
      <thead className="text-left text-xs text-slate-500">
        <tr>
          <th scope="col" className="py-1 pr-4 font-medium">
            Field
          </th>
          <th scope="col" className="py-1 pr-4 font-medium">
            Before
          </th>
          <th scope="col" className="py-1 font-medium">
            After
          </th>
        </tr>
      </thead>
      <tbody>
        {fields.map(([field, change]) => (
          <tr key={field} className="border-t border-slate-100 align-top">
            <th scope="row" className="py-1 pr-4 font-mono text-xs font-normal text-slate-700">
              {field}
            </th>
            <td className="break-all py-1 pr-4 text-rose-800">
              <del className="no-underline">{show(change.old)}</del>
            </td>
            <td className="break-all py-1 text-emerald-800">
              <ins className="no-underline">{show(change.new)}</ins>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
