import { afterEach, describe, expect, it } from "vitest";
import { runLevel } from "../../src/load/level.ts";
import { evidenceSigner, requestLineOf, verifyEvidence } from "../../src/runs/evidenceSignature.ts";
import { expectBalanced, fixed, startServer, type TrivialServer } from "./server.ts";

let server: TrivialServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("a level's answers per instance", () => {
  it("are counted by the x-instance-id / x-boot-id that answered, boots in the order seen", async () => {
    // two "instances" behind one port: even requests are i1, odd i2; i2 restarts halfway
    server = await startServer((n, _, res) => {
      const i2 = n % 2 === 1;
      res.writeHead(i2 && n % 10 === 9 ? 500 : 200, {
        "x-instance-id": i2 ? "i2" : "i1",
        "x-boot-id": i2 ? (n < 50 ? "b2" : "b2-again") : "b1",
      });
      res.end("{}");
    });
    const r = await runLevel({
      target: server.url,
      rate: 100,
      durationMs: 1_000,
      arrival: { kind: "constant" },
      workload: fixed(),
      connections: 1,
    });
    expectBalanced(r);
    expect(r.byInstance).toEqual({
      i1: { bootIds: ["b1"], answered: 50, failed: 0, shed: 0 },
      i2: { bootIds: ["b2", "b2-again"], answered: 40, failed: 10, shed: 0 },
    });
  });
});

describe("evidenceSigner", () => {
  it("signs like signEvidence with the run key derived once: every signature verifies", () => {
    const sign = evidenceSigner("admin-token-for-load-tests-0123456789", "run_x");
    const line = requestLineOf("GET", "/api/bars?symbol=ES");
    const a = sign(line);
    const b = sign(line);
    expect(a["x-scale-test-sig"]).not.toBe(b["x-scale-test-sig"]);
    for (const h of [a, b]) {
      expect(
        verifyEvidence(
          "admin-token-for-load-tests-0123456789",
          h["x-scale-test-run"],
          h["x-scale-test-sig"],
          line,
        ),
      ).toEqual({ kind: "valid", runId: "run_x" });
    }
  });
});
