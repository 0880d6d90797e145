/** The shell's sections, in navigation order. */
export const SECTIONS = [
  { segment: "invoices", label: "Timeline" },
  { segment: "conflicts", label: "Conflicts" },
  { segment: "audit", label: "Audit" },
  { segment: "connections", label: "Connections" },
  { segment: "settings", label: "Settings" },
] as const;

export type Section = (typeof SECTIONS)[number]["segment"];
