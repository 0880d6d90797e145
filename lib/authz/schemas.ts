/** Shared input rules for roles and ids. */
import { z } from "zod";
import { ROLES } from "./permissions";

export const roleSchema = z.enum(ROLES, { error: "Choose a role: owner, admin, member or viewer" });
export const idSchema = z.string().min(1).max(64);
