import { connect } from "@scaleproof/db/client";
import { claimJobs } from "@scaleproof/db/queries/claimJobs";
import { completeJob } from "@scaleproof/db/queries/completeJob";
import { heartbeatJob } from "@scaleproof/db/queries/heartbeatJob";
import { LeaseBatch } from "../src/jobs/leaseBatch.ts";

/**
 * Bench helper process: `loops` concurrent no-op workers on the lease queue until it is
 * empty. `single`: the instance worker's former per-job path (claim a batch, one heartbeat
 * per job, fenced completion per job). `batched`: one LeaseBatch (local prefetch,
 * batched heartbeat and fenced batched completion, two completion statements in flight). Prints {completed, first, last}
 * (wall-clock ms of the first and last accepted completion).
 */
const [url, name, loops, mode] = process.argv.slice(2) as [string, string, string, string];
const sql = connect(url, {
  max: mode === "batched" ? 5 : Number(loops) + 1, // batched: one claim, one beat, two completions at a time
  applicationName: `bench-${name}`,
});
const now = () => performance.timeOrigin + performance.now();
let first = Number.POSITIVE_INFINITY;
let last = 0;
const done = () => {
  const t = now();
  if (t < first) first = t;
  last = t;
};

const single = async (worker: string) => {
  let n = 0;
  const owner = `${name}/${worker}`;
  for (;;) {
    const jobs = await claimJobs(sql, {
      owner,
      instanceId: name,
      bootId: name,
      worker,
      leaseMs: 30_000,
      limit: 10,
    });
    if (jobs.length === 0) return n;
    for (const j of jobs) {
      const h = {
        jobId: j.id,
        owner,
        attempt: j.attempt_count,
        instanceId: name,
        bootId: name,
        worker,
        runId: j.run_id,
      };
      await heartbeatJob(sql, h, 30_000);
      if (await completeJob(sql, h, { trades: 0 })) {
        n++;
        done();
      }
    }
  }
};

const batch = new LeaseBatch({
  sql,
  instanceId: name,
  bootId: name,
  worker: "b",
  leaseMs: 30_000,
  maxLeases: 1_500, // three claim batches: the next claim need not wait for a completion to commit
  claimBatch: 500,
  completionsInFlight: 2,
});
/** A slot hands its result to the completion batch and takes the next job (like graphile's batched completion). */
const batched = async () => {
  let n = 0;
  const completing: Promise<void>[] = [];
  for (let j = await batch.next(); j; j = await batch.next()) {
    completing.push(
      batch.complete(j, { trades: 0 }).then((accepted) => {
        if (!accepted) return;
        n++;
        done();
      }),
    );
  }
  await Promise.all(completing);
  return n;
};

const workers = Array.from({ length: Number(loops) }, (_, i) =>
  mode === "batched" ? batched() : single(`w${i}`),
);
const counts = await Promise.all(workers);
await batch.close();
console.log(JSON.stringify({ completed: counts.reduce((a, b) => a + b, 0), first, last }));
await sql.end({ timeout: 5 });
