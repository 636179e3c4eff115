/**
 * The origin a person types to reach this server, as the curl box shows it. Behind a TLS proxy
 * the request arrives as plain http on an inner address, so the proxy's `X-Forwarded-Proto` and
 * `X-Forwarded-Host` name the outside one. Each header is only shown back to the page that sent
 * it, and is used only when it is plainly a scheme or a host: anything else falls back.
 */
export interface OriginHeaders {
  /** The request's own URL (its scheme and Host, as the server received them). */
  url: string;
  forwardedProto?: string | undefined;
  forwardedHost?: string | undefined;
  host?: string | undefined;
}

export const fallbackOrigin = "http://localhost:3000";

const plainHost = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;

/** A proxy chain lists one value per hop, the client's first: `https, http` is the outside `https`. */
const firstHop = (value: string | undefined) => value?.split(",")[0]?.trim();

function schemeOf(headers: OriginHeaders, url: URL | undefined): "http" | "https" | undefined {
  const forwarded = firstHop(headers.forwardedProto)?.toLowerCase();
  if (forwarded === "http" || forwarded === "https") return forwarded;
  const own = url?.protocol.replace(/:$/, "");
  return own === "http" || own === "https" ? own : undefined;
}

function hostOf(headers: OriginHeaders, url: URL | undefined): string | undefined {
  return [firstHop(headers.forwardedHost), headers.host?.trim(), url?.host].find((h) => h !== undefined && plainHost.test(h));
}

/** `https://class.example.org` behind a proxy that says so; this request's own origin otherwise; `http://localhost:3000` when neither is plain. */
export function publicOrigin(headers: OriginHeaders): string {
  const url = URL.canParse(headers.url) ? new URL(headers.url) : undefined;
  const scheme = schemeOf(headers, url);
  const host = hostOf(headers, url);
  return scheme && host ? `${scheme}://${host}` : fallbackOrigin;
}
