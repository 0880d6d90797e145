import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  { ignores: ["node_modules/**", ".next/**", ".data/**", "lib/db/generated/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Every query goes through lib/db's workspace-scoped functions (see ARCHITECTURE.md).
      "no-restricted-imports": ["error", { paths: [{ name: "@prisma/client", message: "Import the generated client through lib/db." }] }],
    },
  },
  {
    // Routes, pages and components call lib; only lib talks to the database (ARCHITECTURE.md).
    files: ["app/**", "components/**", "inngest/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/lib/db", "@/lib/db/*", "!@/lib/db/generated/enums"], allowTypeImports: true, message: "Query through workspace-scoped functions in lib, not Prisma directly." },
          ],
        },
      ],
    },
  },
];

export default config;
