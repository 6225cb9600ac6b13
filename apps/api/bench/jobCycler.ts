import { connect } from "@scaleproof/db/client";
import { claimJobs } from "@scaleproof/db/queries/claimJobs";
import { completeJob } from "@scaleproof/db/queries/completeJob";
import { heartbeatJob } from "@scaleproof/db/queries/heartbeatJob";

/**
 * Bench helper process: `loops` concurrent workers doing what an instance's worker does
 * to the queue (claim a batch, one heartbeat per job, fenced completion) with the
 * project's query functions, until the queue is empty. Prints {completed}.
 */
const [url, name, loops] = process.argv.slice(2) as [string, string, string];
const sql = connect(url, { max: Number(loops) + 1, applicationName: `bench-${name}` });
const loop = async (worker: string) => {
  let done = 0;
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
    if (jobs.length === 0) return done;
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
      if (await completeJob(sql, h, { trades: 0 })) done++;
    }
  }
};
const counts = await Promise.all(Array.from({ length: Number(loops) }, (_, i) => loop(`w${i}`)));
console.log(JSON.stringify({ completed: counts.reduce((a, b) => a + b, 0) }));
await sql.end({ timeout: 5 });
