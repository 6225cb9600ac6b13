/**
 * Starts a quick cache run on a scaleproof deployment, waits for it, prints the verdict
 * and exits 0 on PASS, 1 on FAIL, 2 when it could not finish. Uses only the public
 * client, as your own code would.
 *
 *   SCALEPROOF_URL=https://your.app SCALEPROOF_TOKEN=... pnpm exec node examples/start-and-wait.ts
 */
import { waitForRun } from "@scaleproof/client/runs";
import { createClient } from "@scaleproof/client/trpc";

const url = process.env.SCALEPROOF_URL ?? "http://127.0.0.1:8080";
const token = process.env.SCALEPROOF_TOKEN;
if (!token) {
  console.error("set SCALEPROOF_TOKEN to the deployment's admin token");
  process.exit(2);
}

const client = createClient(url, token);
const started = await client.scaleTest.run.mutate({ profile: "cache", quick: true });
console.log(`run ${started.id} started on ${started.runner.instanceId}`);

const run = await waitForRun(client, started.id, {
  intervalMs: 1000,
  onUpdate: (r) => console.log(`  ${Math.round(r.progress * 100)}% ${r.currentStep ?? ""}`),
});
for (const check of run.checks) {
  console.log(
    `${check.pass ? "PASS" : "FAIL"} ${check.name}: ${check.actual} (expected ${check.expected})`,
  );
}
console.log(`run ${run.id} ${run.profile}: ${run.verdict ?? run.status.toUpperCase()}`);
process.exit(run.verdict === "PASS" ? 0 : run.verdict === "FAIL" ? 1 : 2);
