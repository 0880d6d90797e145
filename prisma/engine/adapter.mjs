// The driver adapter factory handed to the wasm schema engine: @prisma/adapter-pg, with the
// fixes the schema engine needs that adapter-pg 7.10 does not provide on its own.
//
//  - Migration scripts run as one simple query, as with the native engine (see wholeScripts).
//  - Postgres catalog types such as "char" (OID 18) reach the engine from its introspection
//    queries; adapter-pg refuses to map them. We relabel them as text on the way out of pg.
//  - adapter-pg's own temporary shadow database drops the database while its pool still holds a
//    connection, so the DROP fails and the database leaks. We create and drop it ourselves:
//    close the pool first, then drop.
//  - An explicit shadowDatabaseUrl (required for PGlite, which has a single database per server)
//    is connected to directly and cleaned before use, as the native engine does.
//  - Errors thrown by JS code come back from the engine as "External error id#N"; the error
//    registry created by bindMigrationAwareSqlAdapterFactory holds the original.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import { pgConfigFromUrl } from "./args.mjs";

const TEXT_OID = 25;
// Internal/catalog types with a text representation that adapter-pg cannot classify:
// "char", int2vector, regproc, xid, oidvector, pg_node_tree, regclass, regtype.
const CATALOG_TEXT_OIDS = new Set([18, 22, 24, 28, 30, 194, 2205, 2206]);

function relabelCatalogTypes(result) {
  for (const res of Array.isArray(result) ? result : [result]) {
    for (const field of res?.fields ?? []) {
      if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

/**
 * A pg Client whose results report catalog types as text. pg has already parsed those values
 * as strings (it has no parser for them), so only the type label needs changing.
 * Injected through the pool's `Client` option so it also covers adapter-pg's own pools.
 */
class CatalogTextClient extends pg.Client {
  query(config, values, callback) {
    if (typeof values === "function") {
      callback = values;
      values = undefined;
    }
    if (typeof callback === "function") {
      return super.query(config, values, (err, res) => callback(err, err ? res : relabelCatalogTypes(res)));
    }
    const ret = super.query(config, values);
    return ret && typeof ret.then === "function" ? ret.then(relabelCatalogTypes) : ret;
  }
}

/**
 * adapter-pg's executeScript splits the script on ";" and runs the pieces one by one. That breaks
 * migrations with semicolons inside strings or function bodies, and leaves half-applied
 * migrations behind on error. The native engine sends the whole script as one simple query
 * (one implicit transaction); do the same.
 */
function wholeScripts(adapter) {
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      adapter.onError(error); // throws adapter-pg's DriverAdapterError, as its own methods do
    }
  };
  return adapter;
}

const quoteIdent = (name) => `"${String(name).replaceAll('"', '""')}"`;

/**
 * Builds the migration-aware adapter factory for one engine process.
 * @param {{ url?: string, shadowDatabaseUrl?: string }} datasource
 */
export function createAdapterFactory(datasource) {
  const live = new Set(); // adapters not yet disposed, closed at shutdown
  const tempShadowDbs = new Set(); // temporary shadow databases not yet dropped

  const track = (adapter) => {
    const dispose = adapter.dispose.bind(adapter);
    let closed = false;
    live.add(adapter);
    adapter.dispose = async () => {
      if (closed) return;
      closed = true;
      live.delete(adapter);
      await dispose();
    };
    return adapter;
  };

  const connectTo = async (url, overrides = {}) => {
    const { config, schema } = pgConfigFromUrl(url);
    const factory = new PrismaPg({ ...config, ...overrides, Client: CatalogTextClient }, schema ? { schema } : undefined);
    return { adapter: track(wholeScripts(await factory.connect())), schema };
  };

  const requireUrl = () => {
    if (!datasource?.url) {
      throw Object.assign(new Error("No datasource URL: set `datasource.url` in prisma.config.ts."), {
        errorCode: "P1012",
      });
    }
    return datasource.url;
  };

  const dropTempShadowDb = async (name) => {
    const { adapter } = await connectTo(requireUrl());
    try {
      await adapter.executeScript(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
      tempShadowDbs.delete(name);
    } finally {
      await adapter.dispose();
    }
  };

  const factory = {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",

    async connect() {
      // Without a URL (e.g. `migrate diff --from-empty --to-schema` with no DATABASE_URL) the
      // engine still connects at startup; hand it an adapter that only fails when used.
      if (!datasource?.url) return unconnectedAdapter(requireUrl);
      return (await connectTo(datasource.url)).adapter;
    },

    async connectToShadowDb() {
      if (datasource?.shadowDatabaseUrl) {
        if (sameDatabase(datasource.shadowDatabaseUrl, requireUrl())) {
          // Resetting it would wipe the main database.
          throw new Error(
            "The shadow database you configured appears to be the same as the main database. Please specify another shadow database.",
          );
        }
        const { adapter, schema } = await connectTo(datasource.shadowDatabaseUrl);
        // The wasm engine replays migrations onto whatever it is given, so start from empty.
        await resetShadowSchema(adapter, schema ?? "public");
        return adapter;
      }
      // Temporary database on the main server, like the native engine does.
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      const { adapter: admin } = await connectTo(requireUrl());
      try {
        await admin.executeScript(`CREATE DATABASE ${quoteIdent(name)}`);
      } finally {
        await admin.dispose();
      }
      tempShadowDbs.add(name);
      const { adapter } = await connectTo(requireUrl(), { database: name });
      const closePool = adapter.dispose;
      adapter.dispose = async () => {
        // Close our own connections first: Postgres refuses to drop a database in use.
        try {
          await closePool();
        } finally {
          await dropTempShadowDb(name);
        }
      };
      // Servers such as PGlite accept any database name and serve their one database: replaying
      // migrations there would hit the main database.
      const { rows } = await adapter.underlyingDriver().query("SELECT current_database() AS db");
      if (rows[0]?.db !== name) {
        await adapter.dispose();
        throw new Error(
          "This database server ignores database names (PGlite does), so it cannot host a temporary shadow database. " +
            "Set SHADOW_DATABASE_URL (datasource.shadowDatabaseUrl) to a separate, disposable server.",
        );
      }
      return adapter;
    },
  };

  const bound = bindMigrationAwareSqlAdapterFactory(factory);

  return {
    factory: bound,

    /** Replaces "External error id#N" with the JS error it stands for. */
    explainExternalErrors(message) {
      return String(message).replace(/External error id#(\d+)/g, (whole, id) => {
        const entry = bound.errorRegistry.consumeError(Number(id));
        return entry?.error?.message ? entry.error.message : whole;
      });
    },

    /** Closes every pool and drops shadow databases an aborted command left behind. */
    async shutdown() {
      await Promise.allSettled([...live].map((adapter) => adapter.dispose()));
      for (const name of [...tempShadowDbs]) {
        await dropTempShadowDb(name).catch(() => {});
      }
    },
  };
}

/**
 * An adapter for a datasource without URL: every database call throws `requireUrl`'s error,
 * except the server-version probe the engine runs before any diff. The native engine diffs
 * schemas offline (`migrate diff --from-empty --to-schema ...`); answering that probe as a
 * current PostgreSQL lets the wasm engine do the same.
 */
function unconnectedAdapter(requireUrl) {
  const fail = async () => requireUrl();
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    async queryRaw(query) {
      if (!/version\(\)/.test(query.sql) || !/server_version_num/.test(query.sql)) return fail();
      return {
        columnNames: ["exists", "version", "numeric_version"],
        columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
        rows: [[true, "PostgreSQL 16.0 (no datasource URL: offline diff)", 160000]],
      };
    },
    executeRaw: fail,
    executeScript: fail,
    startTransaction: fail,
    getConnectionInfo: () => ({ schemaName: undefined, supportsRelationJoins: true }),
    dispose: async () => {},
  };
}

/** Whether two URLs name the same database on the same server. */
function sameDatabase(urlA, urlB) {
  const a = pgConfigFromUrl(urlA).config;
  const b = pgConfigFromUrl(urlB).config;
  return (a.host ?? "localhost") === (b.host ?? "localhost") && (a.port ?? 5432) === (b.port ?? 5432) && a.database === b.database;
}

/**
 * Empties a user-supplied shadow database (one schema), as the native engine resets it before
 * replaying migrations. Without this, a second `migrate dev` would replay onto leftovers.
 */
async function resetShadowSchema(adapter, schema) {
  await adapter.executeScript(
    `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE; CREATE SCHEMA ${quoteIdent(schema)}`,
  );
}
