import { connect } from "../../src/client.ts";
import { claimJobs } from "../../src/queries/claimJobs.ts";
import { completeJob } from "../../src/queries/completeJob.ts";

/**
 * A separate claimer process for the queue test: `claimers` concurrent loops, each
 * claiming a batch and completing it (fenced) until the queue is empty. Prints one JSON
 * line with how many jobs it completed.
 */
const [url, name, claimers] = process.argv.slice(2) as [string, string, string];
const sql = connect(url, { max: Number(claimers) + 1, applicationName: `claimer-${name}` });
const loop = async (worker: string) => {
  let done = 0;
  for (;;) {
    const jobs = await claimJobs(sql, {
      owner: `${name}/${worker}`,
      instanceId: name,
      bootId: `${name}-boot`,
      worker,
      leaseMs: 60_000,
      limit: 10,
    });
    if (jobs.length === 0) return done;
    for (const j of jobs) {
      const ok = await completeJob(
        sql,
        {
          jobId: j.id,
          owner: `${name}/${worker}`,
          attempt: j.attempt_count,
          instanceId: name,
          bootId: `${name}-boot`,
          worker,
          runId: j.run_id,
        },
        { trades: 0 },
      );
      if (ok) done++;
    }
  }
};
const counts = await Promise.all(Array.from({ length: Number(claimers) }, (_, i) => loop(`w${i}`)));
console.log(JSON.stringify({ name, completed: counts.reduce((a, b) => a + b, 0) }));
await sql.end({ timeout: 5 });
