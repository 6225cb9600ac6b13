import { describe, expect, it } from "@effect/vitest";
import fc from "fast-check";
import {
  barsCacheKey,
  instrumentRoot,
  normaliseRange,
  resolveSymbol,
} from "../src/bars/request.ts";
import { TIMEFRAME_NS } from "../src/bars/types.ts";

const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

describe("resolveSymbol", () => {
  it("maps a root to the front-month continuous contract", () => {
    expect(resolveSymbol("es")).toEqual({ symbol: "ES.c.0", stypeIn: "continuous" });
    expect(resolveSymbol("NQ.c.0")).toEqual({ symbol: "NQ.c.0", stypeIn: "continuous" });
    expect(resolveSymbol("ESZ3")).toEqual({ symbol: "ESZ3", stypeIn: "raw_symbol" });
  });
  it("rejects what is not a futures symbol", () => {
    for (const bad of ["", "ES Z3", "E5", "TOOLONG", "ES.x.0", "1ES", "ES;DROP"]) {
      expect(resolveSymbol(bad)).toBeUndefined();
    }
  });
});

describe("normaliseRange", () => {
  it("snaps outward to whole bars", () => {
    const r = normaliseRange(ns("2013-10-07T00:02:30Z"), ns("2013-10-07T00:11:00Z"), "5m");
    expect(r).toEqual({ start: ns("2013-10-07T00:00:00Z"), end: ns("2013-10-07T00:15:00Z") });
  });
  it("refuses empty and over-long ranges", () => {
    expect(normaliseRange(5n, 5n, "1m")).toBe("empty");
    expect(normaliseRange(ns("2013-01-01T00:00Z"), ns("2013-03-01T00:00Z"), "1m")).toBe("too_long");
  });
  it("always covers the request with bar-aligned bounds (property)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 62n }),
        fc.bigInt({ min: 1n, max: 10n * 86_400n * 10n ** 9n }),
        fc.constantFrom("1m" as const, "5m" as const),
        (start, len, tf) => {
          const r = normaliseRange(start, start + len, tf);
          if (typeof r === "string") return false;
          const step = TIMEFRAME_NS[tf];
          return (
            r.start <= start && r.end >= start + len && r.start % step === 0n && r.end % step === 0n
          );
        },
      ),
    );
  });
});

describe("barsCacheKey", () => {
  it("is the same for every request that normalises to the same range", () => {
    const q = (s: string, e: string) => {
      const r = normaliseRange(ns(s), ns(e), "1m");
      if (typeof r === "string") throw new Error(r);
      return barsCacheKey({
        dataset: "GLBX.MDP3",
        symbol: { symbol: "ES.c.0", stypeIn: "continuous" },
        tf: "1m",
        ...r,
      });
    };
    expect(q("2013-10-07T00:00:10Z", "2013-10-07T01:00:00Z")).toBe(
      q("2013-10-07T00:00:00Z", "2013-10-07T00:59:30Z"),
    );
    expect(q("2013-10-07T00:00:00Z", "2013-10-07T01:00:00Z")).toBe(
      "bars:v1:{GLBX.MDP3:ES.c.0:1m:2013-10-07T00:00:00.000Z:2013-10-07T01:00:00.000Z}",
    );
  });
});

describe("instrumentRoot", () => {
  it("finds the product root of roots, continuous symbols and contracts", () => {
    expect(instrumentRoot("ES")).toBe("ES");
    expect(instrumentRoot("es.c.0")).toBe("ES");
    expect(instrumentRoot("ESZ3")).toBe("ES");
    expect(instrumentRoot("MNQH24")).toBe("MNQ");
    expect(instrumentRoot("ES;DROP")).toBeUndefined();
  });
});
