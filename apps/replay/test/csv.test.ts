import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fileLines,
  fileRowsBetween,
  ns,
  startTestReplay,
  type TestReplay,
  windowParams,
} from "./support.ts";

/** CSV answers compared line for line with the recorded file itself. */
let replay: TestReplay;
beforeAll(async () => {
  replay = await startTestReplay();
});
afterAll(async () => {
  await replay?.close();
});

const HEADER = "ts_event,rtype,publisher_id,instrument_id,open,high,low,close,volume";
const START = "2013-10-08T13:30:00Z";
const END = "2013-10-08T15:30:00Z";
const lines = async (res: Response) => (await res.text()).trimEnd().split("\n");

describe("get_range, csv", () => {
  it("a raw contract with map_symbols: exactly the file's rows for the window", async () => {
    const res = await replay.getRange(
      windowParams(START, END, { symbols: "ESZ3", stype_in: "raw_symbol", map_symbols: "true" }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv");
    const body = await lines(res);
    const expected = fileRowsBetween(ns(START), ns(END));
    expect(expected.length).toBeGreaterThan(100);
    expect(body[0]).toBe(`${HEADER},symbol`);
    expect(body.slice(1)).toEqual(expected);
    expect(body[1]).toBe(expected[0]);
    expect(body.at(-1)).toBe(expected.at(-1));
  });

  it("the continuous front month ES.c.0 maps to ESZ3: the same bars, the requested symbol", async () => {
    const plain = await lines(await replay.getRange(windowParams(START, END)));
    const expected = fileRowsBetween(ns(START), ns(END)).map((l) => l.slice(0, l.lastIndexOf(",")));
    expect(plain[0]).toBe(HEADER);
    expect(plain.slice(1)).toEqual(expected);
    const mapped = await lines(
      await replay.getRange(windowParams(START, END, { map_symbols: "true" })),
    );
    expect(mapped.slice(1)).toEqual(expected.map((l) => `${l},ES.c.0`));
  });

  it("start and end as integer nanoseconds give the same answer as ISO 8601", async () => {
    const iso = await (await replay.getRange(windowParams(START, END))).text();
    const nanos = await (
      await replay.getRange(windowParams(String(ns(START)), String(ns(END))))
    ).text();
    expect(nanos).toBe(iso);
  });

  it("end is exclusive: a bar starting exactly at end is left out, one nanosecond later it is in", async () => {
    const barAt = "2013-10-08T14:00:00Z";
    expect(fileRowsBetween(ns(barAt), ns(barAt) + 1n)).toHaveLength(1);
    const upTo = await lines(await replay.getRange(windowParams(START, barAt)));
    expect(upTo.at(-1)?.startsWith(String(ns(barAt)))).toBe(false);
    const past = await lines(await replay.getRange(windowParams(START, String(ns(barAt) + 1n))));
    expect(past.at(-1)?.startsWith(String(ns(barAt)))).toBe(true);
    expect(past).toHaveLength(upTo.length + 1);
  });

  it("the whole dataset range reproduces the recorded file byte for byte", async () => {
    const all = fileLines();
    const first = BigInt(all[1]?.split(",")[0] ?? "0");
    const end = BigInt(all.at(-1)?.split(",")[0] ?? "0") + 60_000_000_000n;
    const res = await replay.getRange(
      windowParams(String(first), String(end), {
        symbols: "ESZ3",
        stype_in: "raw_symbol",
        map_symbols: "true",
      }),
    );
    expect(await res.text()).toBe(`${all.join("\n")}\n`);
    expect(all).toHaveLength(6827);
  });

  it("a gap inside the recorded days (the daily halt) is a 200 with only the header", async () => {
    const res = await replay.getRange(windowParams("2013-10-07T21:20:00Z", "2013-10-07T21:50:00Z"));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`${HEADER}\n`);
  });
});
