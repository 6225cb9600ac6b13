import { z } from "zod";
import { answer } from "../../dataSchema.ts";
import type { DbStats, RelationSize } from "../../dbData.ts";
import type { DbProfileEvidence, StatementEvidence } from "./evidence.ts";

const n = z.number();

/** Its plan is EXPLAIN (FORMAT JSON)'s document, kept as it came. */
const explainedStatement: z.ZodType<StatementEvidence> = z.object({
  query: z.string(),
  statement: z.string(),
  plan: z.json().nullable(),
  skipped: z.string().exactOptional(),
});

const relationSize: z.ZodType<RelationSize> = z.object({
  name: z.string(),
  kind: z.enum(["table", "index"]),
  rows: n,
});

const dbStats: z.ZodType<DbStats> = z.object({
  deadlocks: n,
  rollbacks: n,
  indexes: z.array(z.object({ index: z.string(), table: z.string(), scans: n })),
});

/** The db profile's evidence as JSON (see `DbProfileEvidence`): the gates it ran with, every burst's answers. */
export const dbEvidence: z.ZodType<DbProfileEvidence> = z.object({
  gates: z.object({
    seqScanRows: n,
    creations: n,
    creationP95Ms: n,
    creationWithinS: n,
    coldReads: n,
    coldReadP95Ms: n,
    connectionMargin: n,
  }),
  expected: n.nullable(),
  statements: z.array(explainedStatement),
  relations: z.array(relationSize),
  statsBefore: dbStats,
  statsAfter: dbStats,
  rounds: z.array(
    z.object({
      creations: z.object({
        answers: z.array(answer),
        jobIds: z.array(z.string()),
        wallMs: n,
        deadlocks: n,
      }),
      coldReads: z.object({
        answers: z.array(answer),
        wallMs: n,
        waitingMax: z.record(z.string(), n),
        poolReadings: n,
      }),
    }),
  ),
  jobs: z.object({ accepted: n, ended: n }),
});
