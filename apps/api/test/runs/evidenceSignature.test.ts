import { HEADERS } from "@scaleproof/core/wire/headers";
import { describe, expect, it } from "vitest";
import { requestLineOf, signEvidence, verifyEvidence } from "../../src/runs/evidenceSignature.ts";

const TOKEN = "admin-token-for-tests-0123456789";
const LINE = requestLineOf("GET", "/api/bars?symbol=ES&tf=1m");
const NOW = 1_800_000_000_000;

const sign = (runId = "run_a", line = LINE, token = TOKEN, now = NOW) =>
  signEvidence(token, runId, line, now)[HEADERS.runSignature];

describe("run evidence signatures", () => {
  it("the runner's signature verifies", () => {
    expect(verifyEvidence(TOKEN, "run_a", sign(), LINE, NOW)).toEqual({
      kind: "valid",
      runId: "run_a",
    });
  });

  it("an untagged request is no evidence at all", () => {
    expect(verifyEvidence(TOKEN, undefined, undefined, LINE, NOW)).toEqual({ kind: "none" });
  });

  it.each([
    ["unsigned", () => verifyEvidence(TOKEN, "run_a", undefined, LINE, NOW)],
    ["malformed", () => verifyEvidence(TOKEN, "run_a", "v1.x", LINE, NOW)],
    ["stale", () => verifyEvidence(TOKEN, "run_a", sign(), LINE, NOW + 10 * 60_000)],
    ["bad signature", () => verifyEvidence(TOKEN, "run_b", sign("run_a"), LINE, NOW)],
    [
      "bad signature",
      () => verifyEvidence(TOKEN, "run_a", sign(), requestLineOf("POST", "/api/backtests"), NOW),
    ],
    [
      "bad signature",
      () =>
        verifyEvidence(
          TOKEN,
          "run_a",
          sign("run_a", LINE, "another-admin-token-000000000"),
          LINE,
          NOW,
        ),
    ],
  ])("refuses a %s tag", (reason, verify) => {
    expect(verify()).toEqual({ kind: "invalid", runId: expect.any(String), reason });
  });

  it("no admin token, no evidence", () => {
    expect(verifyEvidence(undefined, "run_a", sign(), LINE, NOW).kind).toBe("invalid");
  });
});
