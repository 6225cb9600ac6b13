import { describe, expect, it } from "vitest";
import { check, verdictOf, zoned, zoneOf } from "../../src/scale-test/check.ts";
import { check as checkSchema, verdict } from "../../src/scale-test/schema.ts";

const ok = check("s", "a", "= 1", 1, (a) => a === 1);
const bad = check("s", "b", "= 1", 2, (a) => a === 1);
const risky = zoned("s", "c", "< 10 MB/h", "i2 RISK", "risk");

describe("three-tier verdicts: PASS, RISK, FAIL", () => {
  it("a run is FAIL if any check fails, else RISK if any is at risk, else PASS; no checks is FAIL", () => {
    expect(verdictOf([ok])).toBe("PASS");
    expect(verdictOf([ok, risky])).toBe("RISK");
    expect(verdictOf([ok, risky, bad])).toBe("FAIL");
    expect(verdictOf([ok, bad])).toBe("FAIL");
    expect(verdictOf([])).toBe("FAIL");
  });

  it("a RISK check is never `pass: true`, so readers that know only `pass` never take it for a PASS", () => {
    expect(risky).toMatchObject({ pass: false, zone: "risk" });
    expect(zoned("s", "d", "x", 1, "pass")).toMatchObject({ pass: true, zone: "pass" });
    expect(zoneOf(ok)).toBe("pass");
    expect(zoneOf(bad)).toBe("fail");
    expect(zoneOf(risky)).toBe("risk");
  });

  it("the export schema carries the zone, and still reads two-tier checks (no zone) and old verdicts", () => {
    expect(checkSchema.parse(risky).zone).toBe("risk");
    expect(checkSchema.parse(ok).zone).toBeUndefined();
    expect(checkSchema.safeParse({ ...risky, zone: "maybe" }).success).toBe(false);
    expect(verdict.options).toEqual(["PASS", "RISK", "FAIL"]);
  });
});
