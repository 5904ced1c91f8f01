import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.js";

export const roles = ["admin", "integration", "viewer"] as const;
export type Role = (typeof roles)[number];

/** Keys are kept only as SHA-256 digests, so a lookup never compares secrets byte by byte. */
export type ApiKeyTable = ReadonlyMap<string, Role>;

const digest = (key: string) => createHash("sha256").update(key).digest("hex");

/** Parses `role:key,role:key`; throws with the offending entry's position (never the key). */
export function parseApiKeys(value: string): ApiKeyTable {
  const table = new Map<string, Role>();
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((entry, i) => {
      const at = entry.indexOf(":");
      const role = entry.slice(0, at) as Role;
      const key = entry.slice(at + 1);
      if (at < 1 || !roles.includes(role))
        throw new Error(`entry ${i + 1} must be role:key with role one of ${roles.join(", ")}`);
      if (key.length < 16) throw new Error(`entry ${i + 1} (${role}) has a key shorter than 16 characters`);
      table.set(digest(key), role);
    });
  if (table.size === 0) throw new Error("must hold at least one role:key entry");
  return table;
}

export type AuthVariables = { role: Role };

/** Requires `Authorization: Bearer <key>`; 401 without a valid key. */
export function authenticate(keys: ApiKeyTable): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const role = match ? keys.get(digest(match[1]!)) : undefined;
    if (!role) {
      c.header("www-authenticate", 'Bearer realm="moon"');
      throw new ApiError(
        401,
        "unauthorized",
        match ? "the API key is not valid" : "an Authorization: Bearer <key> header is required",
      );
    }
    c.set("role", role);
    await next();
  };
}

/** Route guard: 403 unless the caller's role is one of `allowed`. */
export function allow(...allowed: Role[]): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const role = c.get("role");
    if (!allowed.includes(role)) {
      throw new ApiError(403, "forbidden", `role ${role} may not do this; allowed: ${allowed.join(", ")}`);
    }
    await next();
  };
}

export const canRead = allow("admin", "integration", "viewer");
export const canWrite = allow("admin");
