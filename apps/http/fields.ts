// Field rules shared by every service's request schemas.
import { z } from "@hono/zod-openapi";

/*
 * Identity rules (docs/domain.md, "Identity"), applied by every service to what it is given, bodies,
 * paths and filters alike, so the stored utf8mb4_bin columns can compare exactly:
 * - a code (agent, product) is ASCII and case-insensitive: kept in upper case, `agt004` is `AGT004`;
 * - a name used as a key (team, branch) is trimmed and NFC-normalised, then exact: case, accents and
 *   emoji tell names apart (`alpha`, `Álpha`, `Alpha`, `😀`, `🦄` are five teams), and `Álpha` typed
 *   as `A` + combining accent is `Álpha`.
 */
const codePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/** The stored form of a code. */
export const canonicalCode = (v: string) => v.toUpperCase();

/** The stored form of a name. */
export const canonicalName = (v: string) => v.trim().normalize("NFC");

/** A target's key is a code or a name, as its scope says. */
export const canonicalKey = (scope: "agent" | "team" | "branch" | "product", key: string) =>
  scope === "agent" || scope === "product" ? canonicalCode(key) : canonicalName(key);

/** A notification recipient: an agent code, or `team:<name>`, `branch:<name>`, `product:<code>`. */
export function canonicalRecipient(v: string): string {
  const trimmed = v.trim();
  const scoped = /^(team|branch|product):(.*)$/su.exec(trimmed);
  if (scoped) {
    const scope = scoped[1] as "team" | "branch" | "product";
    return `${scope}:${canonicalKey(scope, scoped[2] ?? "")}`;
  }
  return codePattern.test(trimmed) ? canonicalCode(trimmed) : canonicalName(trimmed);
}

export const code = (example: string) =>
  z.string().regex(codePattern, "must be 1-32 letters, digits, '-' or '_'").toUpperCase().openapi({ example });

/** A filter on a code: any case finds it. */
export const codeFilter = z.string().max(32).toUpperCase();

/** A filter on a name: found as a body holding it would have stored it. */
export const nameFilter = (max: number) => z.string().max(max).trim().normalize("NFC");

/**
 * Text people read must show something: at least one letter, digit, punctuation mark or symbol, and no
 * control characters (NUL and the like). Zero-width and other invisible characters alone are empty.
 */
export const isVisibleText = (v: string) => /[\p{L}\p{N}\p{P}\p{S}]/u.test(v) && !/\p{Cc}/u.test(v);
export const visibleTextMessage = "must not be empty, invisible or hold control characters";

export const name = (max: number, example: string) =>
  z
    .string()
    .trim()
    .normalize("NFC")
    .min(1, "must not be empty")
    .max(max)
    .refine(isVisibleText, visibleTextMessage)
    .openapi({ example });

/**
 * Dates the business can mean and every warehouse dialect holds (MySQL DATE starts at 1000, and
 * JavaScript reads years 0-99 as 1900-1999): 2000-01-01 to 2099-12-31.
 */
export const dateRange = { first: "2000-01-01", last: "2099-12-31" } as const;

const calendarDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const thirtyDayMonths = new Set([4, 6, 9, 11]);

/** True for a real calendar day written YYYY-MM-DD (2026-02-30 is not one). Checked in place: batches check thousands. */
export const isCalendarDate = (v: string) => {
  const parts = calendarDate.exec(v);
  if (!parts) return false;
  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : thirtyDayMonths.has(month) ? 30 : 31;
  return month >= 1 && month <= 12 && day >= 1 && day <= days;
};

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine(isCalendarDate, "is not a calendar date")
  .refine(
    (v) => v >= dateRange.first && v <= dateRange.last,
    `must be between ${dateRange.first} and ${dateRange.last}`,
  )
  .openapi({ example: "2024-03-01" });

/** A row id in a path: decimal digits only (no `0x10`, ` 1` or `1e3`), within the safe integer range. */
export const idParam = (example = 1) =>
  z
    .string()
    .regex(/^[1-9]\d{0,14}$/, "must be a positive decimal number")
    .transform(Number)
    .openapi({ param: { name: "id", in: "path" }, type: "integer", example });

export const timestamp = z.string().openapi({ format: "date-time", example: "2024-03-01T08:30:00.000Z" });

/** JSON body declaration for createRoute: required, application/json. */
export const jsonBody = <T extends z.ZodTypeAny>(schema: T, description?: string) => ({
  required: true,
  description,
  content: { "application/json": { schema } },
});

/** JSON response declaration for createRoute. */
export const jsonResponse = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ in: z.string(), field: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

/** Problem responses, declared once so every route documents its errors the same way. */
export const problems = (...statuses: Array<400 | 401 | 403 | 404 | 409 | 415 | 422 | 503>) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: "Problem (RFC 9457)", content: { "application/problem+json": { schema: problem } } },
    ]),
  );

export const commonProblems = [400, 401, 403, 503] as const;
