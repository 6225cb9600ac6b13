import { expect } from "vitest";
import type { TestCluster } from "./cluster.ts";
import { runEvidence } from "./ops.ts";
import { parseExposition, total } from "./promText.ts";

/** Enqueues one backtest through the balancer, tagged with the run's evidence; its job id. */
export const submitBacktest = async (
  c: TestCluster,
  runId: string,
  body: Record<string, unknown>,
): Promise<string> => {
  const res = await fetch(`${c.url}/api/backtests`, {
    method: "POST",
    headers: {
      ...runEvidence(runId, "/api/backtests", "POST"),
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
};

/** Polls `done` every 100 ms; throws naming `what` after `tries` polls. */
export const waitUntil = async (what: string, done: () => Promise<boolean>, tries = 600) => {
  for (let i = 0; i < tries; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** One metric of instance i1, summed over the label sets carrying `labels`. */
export const instanceMetric = async (
  c: TestCluster,
  token: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> => {
  const res = await fetch(`${c.instanceUrl("i1")}/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return total(parseExposition(await res.text()), name, labels);
};
