import type { ExplainedStatement, RelationSize } from "../../dbData.ts";

/** The fields of an EXPLAIN (FORMAT JSON) node this judge reads. */
interface PlanNode {
  readonly "Node Type"?: string;
  readonly "Relation Name"?: string;
  readonly "Index Name"?: string;
  readonly "Index Cond"?: string;
  readonly Filter?: string;
  readonly Plans?: readonly PlanNode[];
}

/** A statement that reads a whole large relation. */
export interface FullScan {
  readonly query: string;
  readonly table: string;
  readonly index: string | null;
  /** The planner's row estimate for what is read (the table, or the index). */
  readonly rows: number;
}

const isNode = (x: unknown): x is PlanNode => typeof x === "object" && x !== null;

/** Every node of a plan document (`[{ "Plan": … }]`), depth first. */
export const nodesOf = (plan: unknown): PlanNode[] => {
  const roots = Array.isArray(plan) ? plan : [plan];
  const walk = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).filter(isNode).flatMap(walk)];
  return roots
    .map((r) => (isNode(r) && "Plan" in r ? (r as { Plan: unknown }).Plan : r))
    .filter(isNode)
    .flatMap(walk);
};

const INDEX_SCANS = new Set(["Index Scan", "Index Only Scan"]);

/**
 * Scans that read a whole relation of more than `threshold` rows: a Seq Scan of a large
 * table, or an index scan with no Index Cond but a Filter (it walks the whole index,
 * throwing rows away). An index scan without a condition and without a filter only reads
 * what a Limit above it takes, and a partial index is judged by its own size.
 */
export const fullScans = (
  statements: readonly ExplainedStatement[],
  relations: readonly RelationSize[],
  threshold: number,
): FullScan[] => {
  const size = new Map(relations.map((r) => [`${r.kind}:${r.name}`, r.rows]));
  return statements.flatMap((s) =>
    nodesOf(s.plan).flatMap((n): FullScan[] => {
      const table = n["Relation Name"];
      if (!table) return [];
      const tableRows = size.get(`table:${table}`) ?? 0;
      if (n["Node Type"] === "Seq Scan" && tableRows > threshold) {
        return [{ query: s.query, table, index: null, rows: tableRows }];
      }
      if (INDEX_SCANS.has(n["Node Type"] ?? "") && !n["Index Cond"] && n.Filter) {
        const index = n["Index Name"] ?? null;
        const rows = (index === null ? undefined : size.get(`index:${index}`)) ?? tableRows;
        if (rows > threshold) return [{ query: s.query, table, index, rows }];
      }
      return [];
    }),
  );
};

/** `claimJobs: Seq Scan on jobs (100000 rows)` */
export const describeScan = (f: FullScan): string =>
  f.index
    ? `${f.query}: every entry of ${f.index} on ${f.table}, filtered (${f.rows} rows)`
    : `${f.query}: Seq Scan on ${f.table} (${f.rows} rows)`;
