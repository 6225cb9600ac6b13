/** One sample line of the Prometheus text format: `name{a="b",...} value`. */
const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export interface PromSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * The samples of the named metrics in a /metrics answer (comments and other metrics
 * skipped): enough to read an instance's gauges without a Prometheus server.
 */
export const promSamples = (
  text: string,
  names: ReadonlySet<string>,
): ReadonlyMap<string, readonly PromSample[]> => {
  const out = new Map<string, PromSample[]>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = LINE.exec(line);
    if (!m?.[1] || !names.has(m[1])) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1] ?? ""] = l[2] ?? "";
    const value = Number(m[3]);
    if (!Number.isFinite(value)) continue;
    const list = out.get(m[1]) ?? [];
    list.push({ labels, value });
    out.set(m[1], list);
  }
  return out;
};

/**
 * A gauge's value summed over its label sets (those carrying every label in `only`);
 * null when the instance exposes no such sample.
 */
export const gaugeOf = (
  samples: ReadonlyMap<string, readonly PromSample[]>,
  name: string,
  only: Readonly<Record<string, string>> = {},
) => {
  const list = samples.get(name);
  if (!list?.length) return null;
  const wanted = Object.entries(only);
  const matching = list.filter((s) => wanted.every(([k, v]) => s.labels[k] === v));
  return matching.length ? matching.reduce((a, s) => a + s.value, 0) : null;
};
