import { describe, expect, test } from "bun:test";
import { type OriginHeaders, publicOrigin } from "../../src/dashboard/public-origin";

/** Given the request's URL and headers, when the curl box names the server, then this origin. */
const given = (headers: OriginHeaders) => ({
  // biome-ignore lint/suspicious/noThenProperty: the spec reads given/when/then; no one awaits it.
  then: (origin: string) => expect(publicOrigin(headers)).toBe(origin),
});

describe("publicOrigin: the origin a visitor typed, as the curl box names it", () => {
  test("given no proxy headers, then the request's own scheme and host", () => {
    given({ url: "http://localhost:3000/dashboard/curl", host: "localhost:3000" }).then("http://localhost:3000");
    given({ url: "http://10.0.0.7:8080/" }).then("http://10.0.0.7:8080");
  });

  test("given an https proxy (X-Forwarded-Proto, X-Forwarded-Host), then the outside origin", () => {
    given({ url: "http://127.0.0.1:3000/", forwardedProto: "https", forwardedHost: "class.example.org", host: "127.0.0.1:3000" }).then(
      "https://class.example.org",
    );
  });

  test("given a proxy that forwards only the scheme and keeps Host, then the scheme with that Host", () => {
    given({ url: "http://class.example.org/", forwardedProto: "https", host: "class.example.org" }).then("https://class.example.org");
  });

  test("given a chain of proxies, then the first hop (the client's side) of each header", () => {
    given({ url: "http://inner:3000/", forwardedProto: "https, http", forwardedHost: "class.example.org:8443, inner:3000" }).then(
      "https://class.example.org:8443",
    );
  });

  test("given a scheme that is neither http nor https, then the request's own", () => {
    given({ url: "http://localhost:3000/", forwardedProto: "javascript" }).then("http://localhost:3000");
    given({ url: "http://localhost:3000/", forwardedProto: "HTTPS" }).then("https://localhost:3000");
  });

  test("given a forwarded host that is not a plain host[:port], then Host, then the URL's host", () => {
    given({ url: "http://localhost:3000/", forwardedHost: "evil.example/<script>", host: "class.example.org" }).then(
      "http://class.example.org",
    );
    given({ url: "http://localhost:3000/", forwardedHost: "a b", host: "x'y" }).then("http://localhost:3000");
    given({ url: "http://localhost:3000/", forwardedHost: "user@evil.example" }).then("http://localhost:3000");
  });

  test("given nothing plain at all, then http://localhost:3000", () => {
    given({ url: "not a url", host: "<b>" }).then("http://localhost:3000");
    given({ url: "ftp://files.example/" }).then("http://localhost:3000");
  });
});
