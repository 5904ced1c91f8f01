import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { type Role, readApiKeys } from "../../contract/index.js";
import { ApiError } from "./errors.js";

export type { Role };

/** Keys are kept only as SHA-256 digests, so a lookup never compares secrets byte by byte. */
export type ApiKeyTable = ReadonlyMap<string, Role>;

const digest = (key: string) => createHash("sha256").update(key).digest("hex");

/** Parses `role:key,role:key`; throws with the offending entry's position (never the key). */
export function parseApiKeys(value: string): ApiKeyTable {
  const { entries, problems } = readApiKeys(value);
  if (problems[0] !== undefined) throw new Error(problems[0]);
  return new Map(entries.map((e) => [digest(e.key), e.role]));
}

/**
 * `caller` names the key that authenticated the request without revealing it (the first 16 hex digits
 * of its SHA-256), so what one client writes can be kept apart from another's.
 */
export type AuthVariables = { role: Role; caller: string };

/** How many valid Authorization headers a process remembers, so a client's requests do not hash its key each time. */
const knownHeadersLimit = 256;

/** Requires `Authorization: Bearer <key>`; 401 without a valid key. */
export function authenticate(keys: ApiKeyTable): MiddlewareHandler<{ Variables: AuthVariables }> {
  // Only headers carrying a valid key are remembered (the key table and case/spacing variants of its
  // entries); the table is fixed for the process's life, so an entry never goes stale.
  const known = new Map<string, AuthVariables>();
  // Not async: a middleware that only returns next() holds no frame of its own while the request waits.
  return (c, next) => {
    const header = c.req.header("authorization") ?? "";
    let identity = known.get(header);
    if (!identity) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const keyDigest = match?.[1] ? digest(match[1]) : undefined;
      const role = keyDigest ? keys.get(keyDigest) : undefined;
      if (!role || !keyDigest) {
        c.header("www-authenticate", 'Bearer realm="moon"');
        throw new ApiError(
          401,
          "unauthorized",
          match ? "the API key is not valid" : "an Authorization: Bearer <key> header is required",
        );
      }
      identity = { role, caller: keyDigest.slice(0, 16) };
      if (known.size >= knownHeadersLimit) known.clear();
      known.set(header, identity);
    }
    c.set("role", identity.role);
    c.set("caller", identity.caller);
    return next();
  };
}

/** Route guard: 403 unless the caller's role is one of `allowed`. */
export function allow(...allowed: Role[]): MiddlewareHandler<{ Variables: AuthVariables }> {
  return (c, next) => {
    const role = c.get("role");
    if (!allowed.includes(role)) {
      throw new ApiError(403, "forbidden", `role ${role} may not do this; allowed: ${allowed.join(", ")}`);
    }
    return next();
  };
}

export const canRead = allow("admin", "integration", "viewer");
export const canWrite = allow("admin");
