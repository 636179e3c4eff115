import type { Hono } from "hono";
import { Hono as Router } from "hono";
import { generateSpecs } from "hono-openapi";
import type { OpenAPIV3_1 } from "openapi-types";
import { docs, documentation, validationErrorAnswer } from "../platform/openapi";
import { contentSecurityPolicy } from "../web/security";

/**
 * What the API reference leaves out: the dashboard's page, its HTML fragments and assets, the
 * teacher's overview (which must not show that it exists) and the reference page itself.
 */
export const undocumentedPaths = [
  /^\/$/,
  /^\/dashboard(\/|$)/,
  /^\/assets(\/|$)/,
  /^\/teacher(\/|$)/,
  /^\/docs(\/|$)/,
  // The RPC services are described by their .proto files (proto/) and docs/api.md, not by OpenAPI.
  /^\/[a-z]+\.v\d+\.\w+Service\//,
];

/** The OpenAPI 3.1 document of `app`, generated from its routes' own schemas and descriptions. */
export async function openApiDocument(app: Hono) {
  const document = await generateSpecs(app, {
    documentation,
    exclude: undocumentedPaths,
    excludeStaticFile: false,
    defaultValidationErrorResponse: validationErrorAnswer,
  });
  // A route that validates its parameters or body also answers VALIDATION_FAILED (and MALFORMED_JSON for a body) with 400.
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations ?? {}) as OpenAPIV3_1.OperationObject[]) {
      const validated = (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined;
      const badRequest = operation.responses?.["400"] as OpenAPIV3_1.ResponseObject | undefined;
      if (!validated || !badRequest) continue;
      const codes = new Set(badRequest.description.split(", "));
      codes.add("VALIDATION_FAILED");
      if (operation.requestBody) codes.add("MALFORMED_JSON");
      badRequest.description = [...codes].join(", ");
    }
  }
  return document;
}

/**
 * The reference page's policy: the one every HTML page has (only this origin, no inline script, no eval),
 * plus `data:` images, which Swagger UI's stylesheet uses for its icons.
 */
export const docsContentSecurityPolicy = contentSecurityPolicy.replace("img-src 'self'", "img-src 'self' data:");

const docsPage = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>API reference · saga workshop server</title>
    <link rel="icon" href="/assets/favicon.svg">
    <link rel="stylesheet" href="/assets/swagger-ui.css">
  </head>
  <body>
    <p><a href="/">← the dashboard</a> · <a href="/openapi.json">openapi.json</a></p>
    <div id="swagger-ui"></div>
    <script src="/assets/swagger-ui-bundle.js"></script>
    <script src="/assets/stored-session.js"></script>
    <script src="/assets/docs.js"></script>
  </body>
</html>`;

/** `GET /openapi.json`: the document, built once on first request (the routes do not change). `GET /docs`: the reference. */
export function apiDocsRoutes(app: () => Hono) {
  let document: ReturnType<typeof openApiDocument> | undefined;
  const described = docs({
    tag: "operations",
    summary: "This document",
    description:
      "OpenAPI 3.1, generated from the zod schemas the routes validate with and answer in. The interactive reference is at /docs.",
    answer: { description: "The OpenAPI document", media: { type: "application/json", schema: { type: "object" } } },
    session: false,
  });
  return new Router()
    .get("/openapi.json", described, async (c) => {
      document ??= openApiDocument(app());
      return c.json(await document);
    })
    .get("/docs", (c) => {
      c.header("content-security-policy", docsContentSecurityPolicy);
      c.header("x-content-type-options", "nosniff");
      c.header("referrer-policy", "no-referrer");
      return c.html(docsPage);
    });
}
