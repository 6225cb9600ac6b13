import type { Sql } from "@scaleproof/db/client";

/** One statement a hot query would run, and the planner's plan for it (EXPLAIN, not run). */
export interface ExplainedStatement {
  /** `claimJobs`, or `completeJob#2` for a function's second statement. */
  readonly query: string;
  /** The statement's text (parameters as `$n`), shortened. */
  readonly statement: string;
  /** EXPLAIN (FORMAT JSON)'s document; null when the statement cannot be explained. */
  readonly plan: unknown;
  readonly skipped?: string;
}

/** What a statement answers in place of its rows: one empty row, count 1 (the happy path). */
const STAND_IN = Object.assign([{}], { count: 1 });

/** Statements EXPLAIN refuses: they are recorded as skipped, never sent. */
const UNEXPLAINABLE = /^\s*(lock|listen|unlisten|notify|begin|commit|rollback|set)\b/i;

const withPrefix = (strings: TemplateStringsArray, prefix: string): TemplateStringsArray => {
  const cooked = [...strings];
  const raw = [...strings.raw];
  cooked[0] = prefix + (cooked[0] ?? "");
  raw[0] = prefix + (raw[0] ?? "");
  return Object.assign(cooked, { raw }) as unknown as TemplateStringsArray;
};

const isTemplate = (value: unknown): value is TemplateStringsArray =>
  Array.isArray(value) && Array.isArray((value as unknown as { raw?: unknown }).raw);

const oneLine = (strings: TemplateStringsArray) =>
  strings.join("$?").replace(/\s+/g, " ").trim().slice(0, 240);

/**
 * Runs a query function the way the application calls it, but every statement it awaits
 * is sent as `EXPLAIN (FORMAT JSON) <the same text>` with the same bound parameters, so
 * the plans are those of the real SQL with realistic values. Nothing is executed: each
 * statement answers a stand-in row, so the function walks its happy path; transactions
 * (`sql.begin`) run their callback without opening one. Fragments (`sql\`and x = ${y}\``
 * embedded in a statement) are left alone: only awaited statements are explained.
 */
export const explainQuery = async (
  sql: Sql,
  name: string,
  run: (sql: Sql) => Promise<unknown>,
): Promise<ExplainedStatement[]> => {
  const out: ExplainedStatement[] = [];
  const label = () => (out.length === 0 ? name : `${name}#${out.length + 1}`);
  const explaining: Sql = new Proxy(sql, {
    apply: (target, self, args: unknown[]) => {
      const [strings, ...values] = args;
      const query = Reflect.apply(target, self, args) as Promise<unknown>;
      if (!isTemplate(strings) || !(query instanceof Promise)) return query;
      // Awaiting it (its `then`) explains it instead; embedding it as a fragment never calls `then`.
      const explain = async () => {
        const statement = oneLine(strings);
        const entry = { query: label(), statement };
        if (UNEXPLAINABLE.test(strings[0] ?? "")) {
          out.push({ ...entry, plan: null, skipped: "not explainable" });
          return STAND_IN;
        }
        out.push({ ...entry, plan: null });
        const [row] = await target(
          withPrefix(strings, "explain (format json) "),
          ...(values as never[]),
        );
        const plan = row ? Object.values(row)[0] : null;
        out[out.length - 1] = { ...entry, plan };
        return STAND_IN;
      };
      return Object.assign(query, {
        // biome-ignore lint/suspicious/noThenProperty: this is the query's own then, replaced
        then: (ok?: (v: unknown) => unknown, ko?: (e: unknown) => unknown) =>
          explain().then(ok, ko),
      });
    },
    get: (target, key, receiver) => {
      if (key === "begin") {
        return (...args: unknown[]) => {
          const cb = args.find((a) => typeof a === "function") as (tx: Sql) => Promise<unknown>;
          return cb(explaining);
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
  await run(explaining).catch((error: unknown) => {
    // The stand-in rows can make a function give up after its last statement (a count
    // it expected): what was explained by then is kept. A failed EXPLAIN is not hidden.
    if (out.at(-1)?.plan === null && !out.at(-1)?.skipped) throw error;
  });
  return out;
};
