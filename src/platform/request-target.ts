import type { SocketAddress } from "bun";

/** What the app reads of the server it runs on: the caller's address (the event streams' per-address limit). */
export interface ServedBy {
  requestIP(request: Request): SocketAddress | null;
}

/** The part of Bun's server that turns a request target into a URL: its own address. */
export interface ServerAddress extends ServedBy {
  readonly url: URL;
}

type Fetch = (request: Request, server: ServedBy) => Response | Promise<Response>;

/**
 * Routes an HTTP/1.0 request that sent no `Host` header by its path. HTTP/1.0 does not require
 * `Host` (health probes such as HAProxy's `option httpchk` omit it), and Bun then hands over
 * only the path (`/health`) as the request's URL. hono looks for the path after a `scheme://`
 * and would find a fragment of it instead (`/health` became `h`, `/inventory/stats` became
 * `/stats`). RFC 9112 §3.3 says what to do: with no Host, the target URI takes the server's own
 * authority, so the path is put after the server's own origin. HTTP/1.1 without Host never gets here: Bun
 * answers it 400 itself, as that RFC requires.
 */
export function routeByPath(fetch: Fetch) {
  return (request: Request, server: ServerAddress): Response | Promise<Response> => {
    if (URL.canParse(request.url)) return fetch(request, server);
    // Bun hands over the origin-form target (it starts with "/"); appended to the origin rather
    // than resolved against it, so that `//other/x` stays a path instead of naming a host.
    const completed = new Request(`${server.url.origin}${request.url}`, request);
    // Bun knows the caller's address by the request it handed over, not by the copy.
    return fetch(completed, { requestIP: () => server.requestIP(request) });
  };
}
