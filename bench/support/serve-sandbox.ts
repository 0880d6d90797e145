/** Runs one sandbox alone in this process (so the benchmark can pin it to one core); prints its URL. */
import { createSandbox, PROVIDERS } from "../../lib/sandbox";

const name = process.argv[2] as (typeof PROVIDERS)[number];
if (!PROVIDERS.includes(name)) throw new Error(`usage: serve-sandbox.ts ${PROVIDERS.join("|")}`);
const server = await createSandbox(name).listen(0);
console.log(server.url);
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
