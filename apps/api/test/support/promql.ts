/**
 * The metric names a PromQL expression selects, for checking a dashboard against what
 * the instances export. A small strict tokenizer, not a full parser: every identifier
 * must be a known function or keyword, a label list (`by (…)`), or a metric name, and
 * anything it does not understand (`__name__` matchers, unknown functions) throws, so
 * a name can never slip past unchecked. Grafana variables (`$__rate_interval`,
 * `$instance_id`) are allowed where a duration or label value goes.
 */
const FUNCTIONS = new Set([
  "abs",
  "absent",
  "avg",
  "avg_over_time",
  "bottomk",
  "ceil",
  "changes",
  "clamp",
  "clamp_max",
  "clamp_min",
  "count",
  "count_over_time",
  "delta",
  "deriv",
  "floor",
  "group",
  "histogram_quantile",
  "idelta",
  "increase",
  "irate",
  "label_replace",
  "last_over_time",
  "max",
  "max_over_time",
  "min",
  "min_over_time",
  "quantile",
  "quantile_over_time",
  "rate",
  "resets",
  "round",
  "scalar",
  "sort",
  "sort_desc",
  "stddev",
  "sum",
  "sum_over_time",
  "time",
  "topk",
  "vector",
]);
/** Followed by a parenthesised list of label names. */
const LABEL_LISTS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);
const OPERATORS = new Set(["and", "or", "unless", "bool", "offset"]);

/** Index just past the bracket that closes the one at `start`, skipping quoted strings. */
const skipGroup = (expr: string, start: number, open: string, close: string): number => {
  let depth = 0;
  for (let i = start; i < expr.length; i++) {
    const ch = expr[i];
    if (ch === '"' || ch === "'") {
      i = skipString(expr, i) - 1;
    } else if (ch === open) {
      depth++;
    } else if (ch === close && --depth === 0) {
      return i + 1;
    }
  }
  throw new Error(`unbalanced ${open} in ${expr}`);
};

const skipString = (expr: string, start: number): number => {
  const quote = expr[start];
  for (let i = start + 1; i < expr.length; i++) {
    if (expr[i] === "\\") i++;
    else if (expr[i] === quote) return i + 1;
  }
  throw new Error(`unterminated string in ${expr}`);
};

export const metricNames = (expr: string): Set<string> => {
  const names = new Set<string>();
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i] as string;
    if (/\s/.test(ch) || "()+-*/^%,=!<>".includes(ch)) {
      i++;
    } else if (ch === '"' || ch === "'") {
      i = skipString(expr, i);
    } else if (ch === "{") {
      const end = skipGroup(expr, i, "{", "}");
      if (/__name__/.test(expr.slice(i, end))) throw new Error(`__name__ matcher in ${expr}`);
      i = end;
    } else if (ch === "[") {
      i = skipGroup(expr, i, "[", "]"); // a range or subquery: durations and variables
    } else if (/[0-9.]/.test(ch)) {
      i += /^[0-9.]+(e[-+]?\d+)?[smhdwy]*/i.exec(expr.slice(i))?.[0].length ?? 1;
    } else if (ch === "$") {
      throw new Error(`a Grafana variable outside a label matcher or range in ${expr}`);
    } else {
      const word = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(expr.slice(i))?.[0];
      if (!word) throw new Error(`unexpected ${JSON.stringify(ch)} at ${i} in ${expr}`);
      i += word.length;
      const next = expr.slice(i).trimStart();
      if (LABEL_LISTS.has(word)) {
        if (!next.startsWith("(")) throw new Error(`${word} without a label list in ${expr}`);
        i = skipGroup(expr, expr.indexOf("(", i), "(", ")");
      } else if (OPERATORS.has(word)) {
        // and/or/unless/bool: nothing to skip; offset's duration is read as a number
      } else if (next.startsWith("(") || /^(by|without)\b/.test(next)) {
        // a call, or an aggregation whose grouping comes first: `sum by (route) (…)`
        if (!FUNCTIONS.has(word)) throw new Error(`unknown function ${word} in ${expr}`);
      } else {
        names.add(word);
      }
    }
  }
  return names;
};
