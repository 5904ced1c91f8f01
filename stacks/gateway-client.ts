// Requests to the services through the gateway, optionally pinned to one colour.
import type { Colour } from "../contract/index.js";

export interface GatewayTarget {
  /** Gateway base URL, the stack's `url` output. */
  baseUrl: string;
  /** Admin API key; sent as a bearer token, never printed. */
  apiKey: string;
  /** Colour to ask for with `x-moon-colour`; null sends no header, so the gateway picks the live one. */
  pin: Colour | null;
}

export interface GatewayResponse {
  status: number;
  /** Which colour answered, from the `x-moon-colour` response header. */
  colour: string | null;
  body: unknown;
}

const requestTimeoutMs = 10_000;

export async function callGateway(
  target: GatewayTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<GatewayResponse> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${target.apiKey}`,
    accept: "application/json, application/problem+json",
  };
  if (target.pin) headers["x-moon-colour"] = target.pin;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(new URL(path, target.baseUrl), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  const text = await response.text();
  return { status: response.status, colour: response.headers.get("x-moon-colour"), body: parseJson(text) };
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
