/** What the Connections page says after a connect attempt, in words a person can act on. */
import type { Notice } from "./connect";

export const NOTICES: Record<Notice | "not_configured", { tone: "ok" | "problem"; text: (label: string) => string }> = {
  connected: { tone: "ok", text: (l) => `${l} is connected. Concord will start pulling its invoices.` },
  reconnected: { tone: "ok", text: (l) => `${l} is connected again.` },
  denied: { tone: "problem", text: (l) => `You declined access in ${l}. Nothing was connected.` },
  expired: { tone: "problem", text: (l) => `The ${l} sign-in took too long. Start again.` },
  replayed: { tone: "problem", text: () => "That sign-in link was already used. Start again from here." },
  invalid: { tone: "problem", text: (l) => `The answer from ${l} was not valid. Start again from here.` },
  wrong_user: { tone: "problem", text: () => "Someone else started this connection. Start your own from here." },
  already_connected: { tone: "problem", text: (l) => `That ${l} account is already connected to this workspace. Nothing changed.` },
  wrong_account: { tone: "problem", text: (l) => `You signed in to a different ${l} account than the one being reconnected. Nothing changed.` },
  failed: { tone: "problem", text: (l) => `${l} did not accept the sign-in. Try again in a moment.` },
  not_configured: { tone: "problem", text: (l) => `${l} is not set up on this Concord server.` },
};
