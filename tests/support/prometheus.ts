/** One sample of a scrape: the series name, its labels and its value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses Prometheus text exposition (version 0.0.4) strictly enough for tests: every line is a
 * `# HELP`, a `# TYPE` or a sample with a numeric value, and every sample belongs to a family
 * that was typed. Throws on the first line that is not.
 */
export function parsePrometheus(text: string): Sample[] {
  const typed = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("# HELP ")) continue;
    if (line.startsWith("# TYPE ")) {
      const [, , family, type] = line.split(" ");
      if (!family || !["counter", "gauge", "histogram", "summary", "untyped"].includes(type ?? ""))
        throw new Error(`bad TYPE line: ${line}`);
      typed.add(family);
      continue;
    }
    const match = sampleLine.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const [, name = "", labelText = "", valueText = ""] = match;
    const value = Number(valueText === "+Inf" ? Number.POSITIVE_INFINITY : valueText);
    if (Number.isNaN(value)) throw new Error(`not a number: ${line}`);
    const family = name.replace(/_(bucket|sum|count|total)$/, "");
    if (!typed.has(name) && !typed.has(family)) throw new Error(`sample of an untyped family: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key = "", raw = ""] of labelText.matchAll(labelPair))
      labels[key] = raw.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    samples.push({ name, labels, value });
  }
  return samples;
}

/** The value of the sample with this name and (at least) these labels; 0 when there is none. */
export function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
