import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregateBars } from "../src/bars/aggregate.ts";
import { type Bar, TIMEFRAME_NS } from "../src/bars/types.ts";

const MIN = TIMEFRAME_NS["1m"];
const FIVE = TIMEFRAME_NS["5m"];
const T0 = 1381096800000000000n; // 2013-10-06T22:00:00Z, a 5m boundary

/** bigint max/min (Math.max/min take numbers only, so biome's suggestion does not apply). */
const bigMax = (...xs: bigint[]): bigint =>
  xs.reduce((m, x) => {
    if (x > m) return x;
    return m;
  });
const bigMin = (...xs: bigint[]): bigint =>
  xs.reduce((m, x) => {
    if (x < m) return x;
    return m;
  });

const bar = (minute: number, o: number, h: number, l: number, c: number, v: number): Bar => ({
  tsEvent: T0 + BigInt(minute) * MIN,
  open: BigInt(o),
  high: BigInt(h),
  low: BigInt(l),
  close: BigInt(c),
  volume: BigInt(v),
  instrumentId: 7,
});

/** A consistent bar: low <= open, close <= high, prices may be negative (spreads). */
const arbBar = (tsEvent: bigint): fc.Arbitrary<Bar> =>
  fc
    .record({
      a: fc.bigInt({ min: -1_000_000n, max: 1_000_000n }),
      b: fc.bigInt({ min: -1_000_000n, max: 1_000_000n }),
      up: fc.bigInt({ min: 0n, max: 1000n }),
      down: fc.bigInt({ min: 0n, max: 1000n }),
      volume: fc.bigInt({ min: 0n, max: 1n << 40n }),
      instrumentId: fc.integer({ min: 0, max: 3 }),
    })
    .map(({ a, b, up, down, volume, instrumentId }) => ({
      tsEvent,
      open: a,
      close: b,
      high: bigMax(a, b) + up,
      low: bigMin(a, b) - down,
      volume,
      instrumentId,
    }));

/** Time-ordered 1m bars with gaps, as a provider returns them; around T0 or the epoch. */
const arbSeries: fc.Arbitrary<Bar[]> = fc
  .tuple(
    fc.constantFrom(T0, 0n, -7n * MIN),
    fc.uniqueArray(fc.integer({ min: 0, max: 600 }), { maxLength: 120 }),
  )
  .chain(([base, minutes]) =>
    fc.tuple(...[...minutes].sort((x, y) => x - y).map((m) => arbBar(base + BigInt(m) * MIN))),
  );

const arbBucket = fc.constantFrom(MIN, FIVE, 15n * MIN, 60n * MIN, 7n * MIN);

const sum = (bars: readonly Bar[]) => bars.reduce((s, b) => s + b.volume, 0n);
const floorTo = (ts: bigint, bucket: bigint) => {
  const r = ((ts % bucket) + bucket) % bucket;
  return ts - r;
};

describe("aggregateBars", () => {
  it("builds 5m bars from 1m: open first, high max, low min, close last, volume sum", () => {
    const ones = [
      bar(0, 100, 105, 99, 104, 10),
      bar(1, 104, 110, 103, 108, 20),
      bar(4, 108, 109, 95, 97, 5),
      // minutes 5-9 traded nothing: no bar, not a flat one
      bar(10, 97, 98, 96, 98, 1),
      bar(14, 98, 99, 97, 99, 2),
    ];
    expect(aggregateBars(ones, FIVE)).toEqual([
      { tsEvent: T0, open: 100n, high: 110n, low: 95n, close: 97n, volume: 35n, instrumentId: 7 },
      {
        tsEvent: T0 + 10n * MIN,
        open: 97n,
        high: 99n,
        low: 96n,
        close: 99n,
        volume: 3n,
        instrumentId: 7,
      },
    ]);
  });

  it("labels a bucket with its start even when its first bar is later", () => {
    expect(aggregateBars([bar(3, 1, 1, 1, 1, 1)], FIVE)[0]?.tsEvent).toBe(T0);
  });

  it("returns nothing for nothing, and does not modify its input", () => {
    expect(aggregateBars([], FIVE)).toEqual([]);
    const input = [bar(1, 1, 2, 0, 1, 1), bar(0, 5, 6, 4, 5, 1)];
    const copy = structuredClone(input);
    aggregateBars(input, FIVE);
    expect(input).toEqual(copy);
  });

  it("sorts unordered input rather than mixing up open and close", () => {
    const ordered = [bar(0, 1, 9, 1, 2, 1), bar(1, 2, 9, 1, 3, 1), bar(2, 3, 9, 1, 4, 1)];
    const shuffled = [ordered[2], ordered[0], ordered[1]] as Bar[];
    expect(aggregateBars(shuffled, FIVE)).toEqual(aggregateBars(ordered, FIVE));
    expect(aggregateBars(shuffled, FIVE)[0]).toMatchObject({ open: 1n, close: 4n });
  });

  it("refuses a non-positive bucket", () => {
    expect(() => aggregateBars([], 0n)).toThrow(RangeError);
    expect(() => aggregateBars([], -FIVE)).toThrow(RangeError);
  });
});

describe("aggregateBars properties", () => {
  it("1m -> 1m is the identity on minute-aligned bars", () => {
    fc.assert(
      fc.property(arbSeries, (bars) => {
        expect(aggregateBars(bars, MIN)).toEqual(bars);
      }),
    );
  });

  it("conserves volume", () => {
    fc.assert(
      fc.property(arbSeries, arbBucket, (bars, bucket) => {
        expect(sum(aggregateBars(bars, bucket))).toBe(sum(bars));
      }),
    );
  });

  it("one bar per non-empty bucket, aligned, strictly increasing", () => {
    fc.assert(
      fc.property(arbSeries, arbBucket, (bars, bucket) => {
        const out = aggregateBars(bars, bucket);
        const buckets = new Set(bars.map((b) => floorTo(b.tsEvent, bucket)));
        expect(out.map((b) => b.tsEvent)).toEqual([...buckets]);
        for (const b of out) expect(floorTo(b.tsEvent, bucket)).toBe(b.tsEvent);
        for (let i = 1; i < out.length; i++) {
          expect((out[i] as Bar).tsEvent > (out[i - 1] as Bar).tsEvent).toBe(true);
        }
      }),
    );
  });

  it("each bucket is exactly the OHLCV of its input bars, and stays consistent", () => {
    fc.assert(
      fc.property(arbSeries, arbBucket, (bars, bucket) => {
        for (const out of aggregateBars(bars, bucket)) {
          const members = bars.filter((b) => floorTo(b.tsEvent, bucket) === out.tsEvent);
          const first = members[0] as Bar;
          const last = members.at(-1) as Bar;
          expect(out.open).toBe(first.open);
          expect(out.close).toBe(last.close);
          expect(out.high).toBe(bigMax(...members.map((b) => b.high)));
          expect(out.low).toBe(bigMin(...members.map((b) => b.low)));
          expect(out.volume).toBe(sum(members));
          expect(out.instrumentId).toBe(first.instrumentId);
          const [hi, lo] = out.open > out.close ? [out.open, out.close] : [out.close, out.open];
          expect(out.high >= hi && out.low <= lo).toBe(true);
        }
      }),
    );
  });

  it("aggregating in steps equals aggregating at once (1m -> 5m -> 15m = 1m -> 15m)", () => {
    fc.assert(
      fc.property(arbSeries, (bars) => {
        const fifteen = 15n * MIN;
        expect(aggregateBars(aggregateBars(bars, FIVE), fifteen)).toEqual(
          aggregateBars(bars, fifteen),
        );
      }),
    );
  });

  it("does not depend on input order when timestamps are distinct", () => {
    fc.assert(
      fc.property(
        arbSeries.chain((bars) =>
          fc.tuple(fc.constant(bars), fc.shuffledSubarray(bars, { minLength: bars.length })),
        ),
        arbBucket,
        ([bars, shuffled], bucket) => {
          expect(aggregateBars(shuffled, bucket)).toEqual(aggregateBars(bars, bucket));
        },
      ),
    );
  });
});
