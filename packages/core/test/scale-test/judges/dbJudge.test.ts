import { describe, expect, it } from "vitest";
import type { ExplainedStatement, RelationSize } from "../../../src/scale-test/dbData.ts";
import type { PreflightEvidence } from "../../../src/scale-test/preflight/evidence.ts";
import { budgetOf, judgeExhaustion } from "../../../src/scale-test/preflight/judge.ts";
import { describeScan, fullScans, nodesOf } from "../../../src/scale-test/profiles/db/plans.ts";

const node = (over: Record<string, unknown>) => ({ "Plan Rows": 1, ...over });
const stmt = (query: string, root: Record<string, unknown>): ExplainedStatement => ({
  query,
  statement: "…",
  plan: [{ Plan: root }],
});
const SIZES: RelationSize[] = [
  { name: "jobs", kind: "table", rows: 100_000 },
  { name: "jobs_claimable", kind: "index", rows: 40 },
  { name: "jobs_pkey", kind: "index", rows: 100_000 },
  { name: "job_queue_gate", kind: "table", rows: 0 },
];

describe("plan judge", () => {
  it("walks nested plans depth first", () => {
    const plan = [
      {
        Plan: node({
          "Node Type": "A",
          Plans: [node({ "Node Type": "B", Plans: [node({ "Node Type": "C" })] })],
        }),
      },
    ];
    expect(nodesOf(plan).map((n) => n["Node Type"])).toEqual(["A", "B", "C"]);
    expect(nodesOf(null)).toEqual([]);
  });

  it("flags a Seq Scan of a large table, not of a small one", () => {
    const scans = fullScans(
      [
        stmt(
          "claimJobs",
          node({
            "Node Type": "Limit",
            Plans: [node({ "Node Type": "Seq Scan", "Relation Name": "jobs", Filter: "x" })],
          }),
        ),
        stmt("lockJobQueue", node({ "Node Type": "Seq Scan", "Relation Name": "job_queue_gate" })),
      ],
      SIZES,
      10_000,
    );
    expect(scans).toEqual([{ query: "claimJobs", table: "jobs", index: null, rows: 100_000 }]);
    expect(describeScan(scans[0] ?? ({} as never))).toBe(
      "claimJobs: Seq Scan on jobs (100000 rows)",
    );
    expect(
      fullScans(
        [stmt("claimJobs", node({ "Node Type": "Seq Scan", "Relation Name": "jobs" }))],
        SIZES,
        100_000,
      ),
    ).toEqual([]);
  });

  it("flags a filtered index scan without a condition by the index's own size (partial indexes are small)", () => {
    const walk = (index: string) =>
      stmt(
        "q",
        node({
          "Node Type": "Index Scan",
          "Relation Name": "jobs",
          "Index Name": index,
          Filter: "(status = 'queued')",
        }),
      );
    expect(fullScans([walk("jobs_claimable")], SIZES, 10_000)).toEqual([]);
    const [scan] = fullScans([walk("jobs_pkey")], SIZES, 10_000);
    expect(scan).toEqual({ query: "q", table: "jobs", index: "jobs_pkey", rows: 100_000 });
    expect(describeScan(scan ?? ({} as never))).toBe(
      "q: every entry of jobs_pkey on jobs, filtered (100000 rows)",
    );
  });

  it("leaves index scans with a condition, and unfiltered ones under a limit, alone", () => {
    const scans = fullScans(
      [
        stmt(
          "getJob",
          node({
            "Node Type": "Index Scan",
            "Relation Name": "jobs",
            "Index Name": "jobs_pkey",
            "Index Cond": "(id = 1)",
          }),
        ),
        stmt(
          "latest",
          node({
            "Node Type": "Limit",
            Plans: [
              node({
                "Node Type": "Index Scan",
                "Relation Name": "jobs",
                "Index Name": "jobs_pkey",
              }),
            ],
          }),
        ),
      ],
      SIZES,
      10_000,
    );
    expect(scans).toEqual([]);
  });
});

const evidence = (over: Partial<PreflightEvidence> = {}): PreflightEvidence => ({
  expected: 2,
  probes: 2,
  unreachable: 0,
  instances: [
    { instanceId: "i1", status: 200 },
    { instanceId: "i2", status: 200 },
  ],
  pools: [],
  settings: { maxConnections: 100, superuserReserved: 3, reserved: 0, runnerPoolMax: 20 },
  margin: 5,
  ...over,
});
const pool = (instanceId: string, max: number) => ({
  instanceId,
  bootId: "b",
  max,
  total: 0,
  idle: 0,
  listener: 1,
  inFlight: 0,
  waiting: 0,
  status: "healthy" as const,
  exhaustion: { connectTimeouts: 0, tooManyConnections: 0 },
});

describe("connection budget", () => {
  it("counts every expected instance: pool + listener + spare, against max_connections less the reserve", () => {
    const b = budgetOf(
      evidence({ pools: [pool("i1", 20), pool("i2", 20)] }),
      evidence().settings ?? ({} as never),
    );
    expect(b).toMatchObject({ instances: 2, needed: 44, available: 92 });
    expect(b.sum).toBe("2 instances x (pool 20 + 1 listener + 1 spare) = 44");
  });

  it("counts an instance that was expected but not seen with the largest pool, and names unequal pools", () => {
    const b = budgetOf(evidence({ expected: 3, pools: [pool("i1", 10), pool("i2", 30)] }), {
      maxConnections: 100,
      superuserReserved: 3,
      reserved: 2,
      runnerPoolMax: 10,
    });
    expect(b.needed).toBe(12 + 32 + 32);
    expect(b.sum).toBe("(10 + 2) + (30 + 2) + (30 + 2) = 76");
    expect(b.available).toBe(90);
    expect(b.limit).toBe(
      "max_connections 100 - superuser_reserved_connections 3 - reserved_connections 2 - margin 5 = 90",
    );
  });

  it("exhaustion: the delta of the cluster's counters; unreadable counters are not a zero", () => {
    expect(judgeExhaustion(7, 7).checks[0]).toMatchObject({ actual: 0, pass: true });
    expect(judgeExhaustion(7, 9).checks[0]).toMatchObject({ actual: 2, pass: false });
    expect(judgeExhaustion(null, 9).checks[0]).toMatchObject({ actual: null, pass: false });
  });
});
