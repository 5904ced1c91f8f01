import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";

export interface FieldError {
  /** Where the field was: body, query, path or header. */
  in: string;
  /** Dotted path of the field, e.g. `email` or `sales.3.amount`. */
  field: string;
  message: string;
}

/** The one error type services throw; the app's error handler turns it into problem+json. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    /** Short, stable, machine-readable code; also the last segment of the problem `type`. */
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
  }
}

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** The reason phrase of a status, as problem documents and raw HTTP answers carry it. */
export const statusTitle = (status: number) => titles[status] ?? "Error";

export const badRequest = (message: string, errors?: FieldError[]) => new ApiError(400, "bad_request", message, errors);
export const notFound = (what: string) => new ApiError(404, "not_found", `${what} was not found`);
export const conflict = (message: string) => new ApiError(409, "conflict", message);
export const unprocessable = (message: string, errors?: FieldError[]) =>
  new ApiError(422, "unprocessable", message, errors);
export const unavailable = (message = "the database is unavailable; try again shortly") =>
  new ApiError(503, "unavailable", message);

/** Bounds on what an error echoes: a huge invalid request must not get a bigger answer. */
export const errorLimits = { fieldErrors: 20, text: 200 } as const;

/** Cuts `text` to the echo limit, saying so. */
export const clip = (text: string) =>
  text.length <= errorLimits.text ? text : `${text.slice(0, errorLimits.text - 1)}…`;

export function validationError(error: ZodError, target: string): ApiError {
  const where = target === "json" ? "body" : target === "param" ? "path" : target;
  const errors = error.issues.slice(0, errorLimits.fieldErrors).map((i) => ({
    in: where,
    field: clip(i.path.map(String).join(".") || "(root)"),
    message: clip(i.message),
  }));
  const more = error.issues.length - errors.length;
  const fields = [...new Set(errors.map((e) => e.field))].join(", ");
  return badRequest(clip(`invalid ${where}: ${fields}${more > 0 ? ` and ${more} more` : ""}`), errors);
}

/** The RFC 9457 problem document for `err`, as every error the services send carries it. */
export function problemBody(err: ApiError, instance: string, requestId: string | undefined): string {
  return JSON.stringify({
    type: `urn:moon:problem:${err.code}`,
    title: statusTitle(err.status),
    status: err.status,
    detail: err.message,
    instance,
    requestId,
    ...(err.errors ? { errors: err.errors } : {}),
  });
}

/** Writes an RFC 9457 problem document carrying the request id. */
export function problemResponse(c: Context, err: ApiError): Response {
  const body = problemBody(err, c.req.path, c.get("requestId") as string | undefined);
  return c.body(body, err.status, { "content-type": "application/problem+json" });
}
