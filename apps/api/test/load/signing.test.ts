import { afterEach, describe, expect, it } from "vitest";
import { runLevel } from "../../src/load/level.ts";
import { warmCachedKeys } from "../../src/load/warm.ts";
import { workload } from "../../src/load/workload.ts";
import { requestLineOf, signEvidence, verifyEvidence } from "../../src/runs/evidenceSignature.ts";
import { expectBalanced, ok, startServer, type TrivialServer } from "./server.ts";

const TOKEN = "admin-token-for-load-tests-0123456789";
const RUN = "run-load-1";

let server: TrivialServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("each request carries the caller's headers", () => {
  it("signed as the runner signs: the server verifies every one as evidence of the run", async () => {
    const verdicts: Record<string, number> = {};
    const seen: string[] = [];
    server = await startServer((_, req, res) => {
      const tag = verifyEvidence(
        TOKEN,
        req.headers["x-scale-test-run"] as string | undefined,
        req.headers["x-scale-test-sig"] as string | undefined,
        requestLineOf(req.method ?? "", req.url ?? ""),
      );
      verdicts[tag.kind] = (verdicts[tag.kind] ?? 0) + 1;
      seen.push(`${req.method} ${req.headers["content-type"] ?? "-"}`);
      ok(res, req.method === "POST" ? 202 : 200);
    });
    const w = workload({
      mix: { barsCached: 2, barsNew: 1, backtests: 1 },
      seed: 5,
      idempotencyPrefix: RUN,
    });
    const headersFor = (method: string, path: string) =>
      signEvidence(TOKEN, RUN, requestLineOf(method, path));
    const warmed = await warmCachedKeys({ target: server.url, workload: w, headersFor });
    expect(warmed.map((x) => x.outcome.kind)).toEqual([
      "answered",
      "answered",
      "answered",
      "answered",
    ]);
    const r = await runLevel({
      target: server.url,
      rate: 100,
      durationMs: 400,
      arrival: { kind: "poisson", seed: 1 },
      workload: w,
      headersFor,
    });
    expectBalanced(r);
    expect(r.counts).toMatchObject({ sent: 40, answered: 40 });
    expect(r.byKind).toEqual({
      barsCached: { sent: 20, answered: 20 },
      barsNew: { sent: 10, answered: 10 },
      backtest: { sent: 10, answered: 10 },
    });
    expect(r.statuses).toEqual({ "200": 30, "202": 10 });
    expect(verdicts).toEqual({ valid: 44 });
    expect(seen.filter((s) => s === "POST application/json")).toHaveLength(10);
  });
});
