import { type RunExport, runExport } from "@scaleproof/client/export";

/** A small export as the API writes it (validated by the schema, so it cannot drift). */
export const exportFixture = (over: Partial<RunExport["run"]> = {}): RunExport =>
  runExport.parse({
    schemaVersion: "scaleproof.run/v2",
    exportedAt: "2026-01-02T03:04:10.000Z",
    run: {
      id: "run_20260102030405_abcd",
      profile: "full",
      status: "failed",
      verdict: "FAIL",
      reason: null,
      createdAt: "2026-01-02T03:04:05.000Z",
      startedAt: "2026-01-02T03:04:05.000Z",
      finishedAt: "2026-01-02T03:05:07.500Z",
      ...over,
    },
    parameters: { profile: "full", quick: true },
    environment: {
      targetUrl: "http://127.0.0.1:8080",
      provider: "replay",
      runner: { instanceId: "i1", bootId: "b1", version: "0.1.0" },
      instancesSeen: [
        { instanceId: "i1", bootIds: ["b1"], versions: ["0.1.0"], requests: 10 },
        { instanceId: "i2", bootIds: ["b2"], versions: ["0.1.0"], requests: 12 },
      ],
    },
    checks: [
      {
        name: "cache/stampede.provider_fetch",
        step: "stampede",
        expected: "= 1",
        actual: 3,
        pass: false,
        detail: "3 fetches <one per | instance> & more",
      },
      { name: "jobs/jobs.duplicates", step: "jobs", expected: "= 0", actual: 0, pass: true },
    ],
    metrics: {
      "cache/stampede.provider_fetch_count": 3,
      "jobs/jobs.duplicates_count": 0,
      "load/load.scale_out_above_per_instance_rps": 37.5,
      "load/load.instances_count": 2,
    },
    notes: { scale_ready: "NO" },
    series: {},
    events: { total: 3, byKind: { fetch: 3 }, byStep: { stampede: 3 } },
  });
