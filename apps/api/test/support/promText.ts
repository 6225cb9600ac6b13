/**
 * A small strict parser for the Prometheus text exposition format (0.0.4), for tests.
 * It throws on anything it does not understand rather than skipping it: a sample before
 * its family's TYPE, a sample that belongs to no declared family, a duplicate series, a
 * malformed label set or value, a histogram bucket without `le`.
 */
export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  /** Declared families (name -> type). */
  readonly families: ReadonlyMap<string, MetricType>;
  readonly samples: readonly Sample[];
  /** Every name a query may use: families and, for histograms/summaries, their series. */
  readonly names: ReadonlySet<string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: [""],
  gauge: [""],
  untyped: [""],
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["", "_sum", "_count"],
};

const parseValue = (s: string, line: number): number => {
  if (s === "+Inf" || s === "Inf") return Number.POSITIVE_INFINITY;
  if (s === "-Inf") return Number.NEGATIVE_INFINITY;
  // Prometheus reads NaN in any case (Go's ParseFloat); prom-client writes "Nan"
  if (s.toLowerCase() === "nan") return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) {
    throw new Error(`line ${line}: bad value ${JSON.stringify(s)}`);
  }
  return Number(s);
};

/** `{a="x",b="y\"z"}` at the start of `rest`: the labels and what follows. */
const parseLabels = (rest: string, line: number): [Record<string, string>, string] => {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    if (rest[i] === "}") return [labels, rest.slice(i + 1)];
    const name = LABEL.exec(rest.slice(i))?.[0];
    if (!name || rest[i + name.length] !== "=" || rest[i + name.length + 1] !== '"') {
      throw new Error(`line ${line}: bad label set`);
    }
    i += name.length + 2;
    let value = "";
    for (;;) {
      const ch = rest[i];
      if (ch === undefined) throw new Error(`line ${line}: unterminated label value`);
      i++;
      if (ch === '"') break;
      if (ch !== "\\") {
        value += ch;
        continue;
      }
      const esc = rest[i++];
      if (esc === "n") value += "\n";
      else if (esc === "\\" || esc === '"') value += esc;
      else throw new Error(`line ${line}: bad escape \\${esc}`);
    }
    if (name in labels) throw new Error(`line ${line}: label ${name} twice`);
    labels[name] = value;
    if (rest[i] === ",") i++;
    else if (rest[i] !== "}") throw new Error(`line ${line}: expected , or } in labels`);
  }
};

export const parseExposition = (text: string): Exposition => {
  const families = new Map<string, MetricType>();
  const owner = new Map<string, string>(); // series name -> family
  const samples: Sample[] = [];
  const seen = new Set<string>();
  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    if (raw.startsWith("#")) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(raw);
      if (!m) return; // a plain comment
      const [, kind, name = "", rest = ""] = m;
      if (kind === "HELP") return;
      if (!TYPES.has(rest)) throw new Error(`line ${line}: unknown type ${rest}`);
      if (families.has(name)) throw new Error(`line ${line}: family ${name} declared twice`);
      const type = rest as MetricType;
      families.set(name, type);
      for (const s of SUFFIXES[type]) owner.set(name + s, name);
      return;
    }
    const name = NAME.exec(raw)?.[0];
    if (!name) throw new Error(`line ${line}: no metric name`);
    const family = owner.get(name);
    if (!family) throw new Error(`line ${line}: ${name} belongs to no declared family`);
    let rest = raw.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) [labels, rest] = parseLabels(rest, line);
    const parts = rest.trim().split(/\s+/);
    if (!rest.startsWith(" ") || parts.length < 1 || parts.length > 2) {
      throw new Error(`line ${line}: expected a value (and optional timestamp)`);
    }
    if (families.get(family) === "histogram" && name.endsWith("_bucket") && !("le" in labels)) {
      throw new Error(`line ${line}: histogram bucket without le`);
    }
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`line ${line}: duplicate series ${key}`);
    seen.add(key);
    samples.push({ name, labels, value: parseValue(parts[0] ?? "", line) });
  });
  return { families, samples, names: new Set(owner.keys()) };
};

/** Samples of `name` whose labels include `match`. */
export const select = (e: Exposition, name: string, match: Record<string, string> = {}): Sample[] =>
  e.samples.filter(
    (s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v),
  );

/** The sum over the matching samples (0 when none). */
export const total = (e: Exposition, name: string, match: Record<string, string> = {}) =>
  select(e, name, match).reduce((sum, s) => sum + s.value, 0);

/** The one matching sample's value; throws when there is not exactly one. */
export const one = (e: Exposition, name: string, match: Record<string, string> = {}) => {
  const found = select(e, name, match);
  if (found.length !== 1) {
    throw new Error(`${found.length} samples of ${name} ${JSON.stringify(match)}, expected 1`);
  }
  return (found[0] as Sample).value;
};
