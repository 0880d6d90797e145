export { db, createDb, databaseIsUp, type Db } from "./client";
export * from "./generated/enums";
