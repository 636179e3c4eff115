import type { Hono } from "hono";

export interface RequestOptions {
  /** Sent as x-session-id; null sends no header at all. */
  session?: string | null;
  /** An object is sent as JSON; a string is sent as it is (with a JSON content type unless one is given). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever shape the route answers.
  body: any;
  text: string;
  headers: Headers;
}

/** One in-process request through `app.request()`, answered with its JSON already parsed. */
export async function requestApp(
  app: Pick<Hono, "request">,
  method: string,
  path: string,
  { session = "test-session", body, headers = {} }: RequestOptions = {},
): Promise<Answer> {
  const sent: Record<string, string> = { ...headers };
  if (session !== null) sent["x-session-id"] = session;
  const init: RequestInit = { method, headers: sent };
  if (body !== undefined) {
    sent["content-type"] ??= "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await app.request(path, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, body: json, text, headers: response.headers };
}
