import { describe, expect, it } from "vitest";
import { verdictOf } from "../../src/scale-test/check.ts";
import { runInput } from "../../src/scale-test/schema.ts";
import { lastTradingDays } from "../../src/scale-test/tradingDays.ts";

describe("run input", () => {
  it("fills documented defaults and refuses unknown fields and bad values with their paths", () => {
    expect(runInput.parse({ profile: "cache" })).toMatchObject({
      profile: "cache",
      quick: false,
      symbol: "ES",
      tf: "1m",
      concurrency: 10,
    });
    const bad = runInput.safeParse({ profile: "nope", tf: "7m", concurrency: 1, colour: "red" });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join(".") || i.code);
    expect(paths).toEqual(expect.arrayContaining(["profile", "tf", "concurrency"]));
    expect(bad.error?.issues.some((i) => i.code === "unrecognized_keys")).toBe(true);
  });

  it("refuses a range that ends before it starts", () => {
    const r = runInput.safeParse({
      profile: "cache",
      ranges: [{ start: "2013-10-09T00:00:00Z", end: "2013-10-08T00:00:00Z" }],
    });
    expect(r.error?.issues[0]?.path).toEqual(["ranges", 0, "end"]);
  });
});

describe("verdict", () => {
  it("is FAIL without checks and when any check failed", () => {
    const ok = { name: "a", step: "s", expected: "= 1", actual: 1, pass: true };
    expect(verdictOf([])).toBe("FAIL");
    expect(verdictOf([ok])).toBe("PASS");
    expect(verdictOf([ok, { ...ok, pass: false }])).toBe("FAIL");
  });
});

describe("last trading days", () => {
  it("counts weekdays back from the end", () => {
    expect(
      lastTradingDays({ start: "2020-01-01T00:00:00Z", end: "2026-11-25T15:00:00.000Z" }, 7),
    ).toEqual({ start: "2026-11-17T00:00:00.000Z", end: "2026-11-25T15:00:00.000Z" });
  });

  it("is clipped to the data the provider has", () => {
    const available = { start: "2013-10-06T22:00:00.000Z", end: "2013-10-11T21:15:00.000Z" };
    expect(lastTradingDays(available, 7)).toEqual(available);
  });
});
