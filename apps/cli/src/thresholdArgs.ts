import { readFileSync } from "node:fs";
import type { CommandLine } from "./args.ts";
import { ArgumentError } from "./errors.ts";

export type ThresholdsArg = Record<string, string[]>;

/** Where each metric's expressions came from, so a refusal names the flag to change. */
export interface ThresholdSources {
  readonly thresholds: ThresholdsArg | undefined;
  readonly flagOf: (metric: string) => string;
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

/** `--config FILE`: a JSON object with a `thresholds` object, metric -> expression(s). */
const fromConfig = (file: string): ThresholdsArg => {
  const flag = `--config ${file}`;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ArgumentError(flag, `not a JSON file: ${(error as Error).message}`);
  }
  if (!isRecord(doc)) throw new ArgumentError(flag, "must be a JSON object");
  const extra = Object.keys(doc).filter((k) => k !== "thresholds");
  if (extra.length)
    throw new ArgumentError(flag, `unknown key ${extra.join(", ")} (it holds "thresholds")`);
  const t = doc.thresholds ?? {};
  if (!isRecord(t))
    throw new ArgumentError(flag, '"thresholds" must be an object: metric -> ["p(95)<500"]');
  return Object.fromEntries(
    Object.entries(t).map(([metric, exprs]) => {
      const list = typeof exprs === "string" ? [exprs] : exprs;
      if (!Array.isArray(list) || !list.every((e) => typeof e === "string"))
        throw new ArgumentError(flag, `thresholds.${metric}: a k6 expression or a list of them`);
      return [metric, list];
    }),
  );
};

/** `--threshold METRIC=EXPR` (repeatable; a metric given twice gets both expressions). */
export const parseThresholdFlags = (flags: readonly string[]): ThresholdsArg => {
  const out: ThresholdsArg = {};
  for (const text of flags) {
    const at = text.indexOf("=");
    const metric = text.slice(0, at).trim();
    const expr = text.slice(at + 1).trim();
    if (at <= 0 || expr === "")
      throw new ArgumentError(
        "--threshold",
        `want METRIC=EXPRESSION (cache.hit_rate=rate>=0.95), got "${text}"`,
      );
    out[metric] = [...(out[metric] ?? []), expr];
  }
  return out;
};

/**
 * The run's thresholds from `--config FILE` and `--threshold` flags; a metric on the
 * command line replaces the config file's expressions for it. Validated later, with the
 * run input, by the API's own schema.
 */
export const thresholdsFrom = (values: CommandLine["values"]): ThresholdSources => {
  const config = values.config === undefined ? {} : fromConfig(values.config);
  const flags = parseThresholdFlags(values.threshold ?? []);
  const thresholds = { ...config, ...flags };
  return {
    thresholds: Object.keys(thresholds).length ? thresholds : undefined,
    flagOf: (metric) =>
      Object.hasOwn(flags, metric) || values.config === undefined
        ? "--threshold"
        : `--config ${values.config}`,
  };
};
