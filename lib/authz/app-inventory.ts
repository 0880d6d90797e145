/**
 * What the app exposes, read from the file system the way Next.js routes it: pages, route
 * handlers with their methods, and server actions. The access matrix compares it with the table.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

/** "app/(auth)/sign-in/page.tsx" → "/sign-in": route groups do not appear in URLs. */
function urlOf(root: string, file: string): string {
  const segments = path.relative(path.join(root, "app"), path.dirname(file)).split(path.sep).filter((s) => s && !/^\(.*\)$/.test(s));
  return `/${segments.join("/")}`;
}

export function appPages(root: string): string[] {
  return walk(path.join(root, "app"))
    .filter((f) => /\/page\.tsx?$/.test(f))
    .map((f) => urlOf(root, f))
    .sort();
}

export function appRoutes(root: string): string[] {
  return walk(path.join(root, "app"))
    .filter((f) => /\/route\.ts$/.test(f))
    .flatMap((f) => {
      const source = readFileSync(f, "utf8");
      const exported = new Set<string>();
      for (const m of source.matchAll(/export\s+(?:const|async\s+function|function)\s+([A-Z]+)\b/g)) exported.add(m[1]!);
      for (const m of source.matchAll(/export\s+(?:const\s+)?\{([^}]+)\}/g)) {
        // `{ GET, POST }` and `{ handler as GET }`: the exported name is the last word.
        for (const name of m[1]!.split(",")) exported.add(name.trim().split(/\s+/).pop()!);
      }
      return [...exported].filter((m) => METHODS.includes(m)).map((m) => `${m} ${urlOf(root, f)}`);
    })
    .sort();
}

const SOURCE_DIRS = ["app", "components", "lib", "inngest"];

function sourceFiles(root: string): string[] {
  return SOURCE_DIRS.flatMap((dir) => {
    try {
      return walk(path.join(root, dir));
    } catch {
      return [];
    }
  }).filter((f) => !f.includes(`${path.sep}generated${path.sep}`));
}

/** Every export of every "use server" module, as "file#export" (re-exports and defaults too). */
export function appActions(root: string): string[] {
  return sourceFiles(root)
    .filter((f) => /\.tsx?$/.test(f))
    .flatMap((f) => {
      const source = readFileSync(f, "utf8");
      if (!/^\s*["']use server["']/.test(source)) return [];
      const rel = path.relative(root, f).split(path.sep).join("/");
      const names = [...source.matchAll(/export\s+(?:const|let|async\s+function|function)\s+(\w+)/g)].map((m) => m[1]!);
      for (const m of source.matchAll(/export\s*\{([^}]+)\}/g)) names.push(...m[1]!.split(",").map((n) => n.trim().split(/\s+/).pop()!));
      if (/export\s+default\b/.test(source)) names.push("default");
      return names.map((name) => `${rel}#${name}`);
    })
    .sort();
}

/** Files with a "use server" directive inside a function: actions the table could not see. */
export function inlineServerActions(root: string): string[] {
  return sourceFiles(root)
    .filter((f) => /\.tsx?$/.test(f))
    .filter((f) => {
      const source = readFileSync(f, "utf8").replace(/^\s*["']use server["'];?/, "");
      // A directive is a statement on its own line; the words inside a string or regex are not.
      return /^\s*["']use server["'];?\s*$/m.test(source);
    });
}
