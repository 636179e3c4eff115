import { join } from "node:path";
import { Hono } from "hono";
import { AppError } from "../platform/errors";

const projectRoot = join(import.meta.dir, "..", "..");

/**
 * The only files served under /assets: a fixed list, so no request path ever reaches the file
 * system. htmx comes straight from node_modules (pinned in package.json): no CDN, no build step.
 */
const assets = new Map<string, { file: string; type: string }>([
  ["htmx.js", { file: "node_modules/htmx.org/dist/htmx.js", type: "text/javascript; charset=utf-8" }],
  ["hx-sse.js", { file: "node_modules/htmx.org/dist/ext/hx-sse.js", type: "text/javascript; charset=utf-8" }],
  ["lockdown.js", { file: "public/lockdown.js", type: "text/javascript; charset=utf-8" }],
  ["stored-session.js", { file: "public/stored-session.js", type: "text/javascript; charset=utf-8" }],
  ["dashboard.js", { file: "public/dashboard.js", type: "text/javascript; charset=utf-8" }],
  ["teacher.js", { file: "public/teacher.js", type: "text/javascript; charset=utf-8" }],
  ["dashboard.css", { file: "public/dashboard.css", type: "text/css; charset=utf-8" }],
  ["favicon.svg", { file: "public/favicon.svg", type: "image/svg+xml" }],
  // The API reference at /docs: Swagger UI's own bundle, and the few lines that point it at /openapi.json.
  ["swagger-ui.css", { file: "node_modules/swagger-ui-dist/swagger-ui.css", type: "text/css; charset=utf-8" }],
  ["swagger-ui-bundle.js", { file: "node_modules/swagger-ui-dist/swagger-ui-bundle.js", type: "text/javascript; charset=utf-8" }],
  ["docs.js", { file: "public/docs.js", type: "text/javascript; charset=utf-8" }],
]);

class AssetNotFoundError extends AppError {
  constructor(path: string) {
    super("NOT_FOUND", `No asset ${path}`);
  }
}

export function assetRoutes() {
  return new Hono().get("/:name", async (c) => {
    const asset = assets.get(c.req.param("name"));
    if (!asset) throw new AssetNotFoundError(c.req.path);
    const file = Bun.file(join(projectRoot, asset.file));
    return new Response(file, {
      headers: {
        "content-type": asset.type,
        // Short: a workshop restarts the server often and should never see a stale script.
        "cache-control": "public, max-age=60",
        "x-content-type-options": "nosniff",
      },
    });
  });
}
