// Loads Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm).
//
// The package's own entry point does `import * as wasm from "./schema_engine_bg.wasm"`, which
// Node 20 cannot import without --experimental-wasm-modules. So we do what that entry point does
// by hand: compile the .wasm, hand it the wasm-bindgen glue (schema_engine_bg.js) as its import
// object, then wire the instance back into the glue and run its start function.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

/** @returns {Promise<typeof import("@prisma/schema-engine-wasm")>} */
export async function loadSchemaEngineWasm() {
  // The package exports no ./package.json, so locate it through its glue module.
  const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const glue = await import(pathToFileURL(gluePath).href);

  // The glue's getrandom shim looks up `module.require("crypto")` when it sees Node. In an ES
  // module there is no `module`, so give it one rather than let random number generation fail.
  if (typeof globalThis.module === "undefined") {
    globalThis.module = { require };
  }

  const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return glue;
}
