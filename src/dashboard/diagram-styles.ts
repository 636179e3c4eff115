import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The rules of the page's stylesheet that draw the diagram (`.sd-*`), minus the panel's own layout. */
const panelOnly = /^\.(sd-panel|sd-scroll|sd-detail|sd-explain|sd-json|sd-download|sd-arrow)\b/;

/**
 * The sequence diagram's styles, read once from public/dashboard.css (the one place they are
 * written), for the SVG file a download carries: it has no stylesheet of its own.
 */
export function diagramStyles(css = readFileSync(join(import.meta.dir, "..", "..", "public", "dashboard.css"), "utf8")): string {
  const rules = css.split("\n").filter((line) => line.startsWith(".sd-") && !panelOnly.test(line));
  return ["svg { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }", ...rules].join("\n");
}
