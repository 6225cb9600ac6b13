import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReplayControlError } from "../src/client.ts";
import { ns, startTestReplay, type TestReplay, windowParams } from "./support.ts";

/** The upstream's own request count: the figure the cache evidence is checked against. */
let replay: TestReplay;
beforeAll(async () => {
  replay = await startTestReplay({ logCapacity: 5 });
});
afterAll(async () => {
  await replay?.close();
});

const A = { start: "2013-10-10T13:00:00.000Z", end: "2013-10-10T13:30:00.000Z" };
const B = { start: "2013-10-10T14:00:00.000Z", end: "2013-10-10T14:30:00.000Z" };

describe("request counting", () => {
  it("counts every request exactly, by endpoint and status, filterable by symbol and range", async () => {
    await replay.control.reset();
    // The same instants spelt three ways are one range.
    await replay.getRange(windowParams(A.start, A.end));
    await replay.getRange(windowParams(String(ns(A.start)), String(ns(A.end))));
    await replay.getRange(windowParams("2013-10-10 13:00", "2013-10-10T13:30:00+00:00"));
    await replay.getRange(windowParams(A.start, A.end), "wrong-key");
    await replay.getRange(
      windowParams(A.start, A.end, { symbols: "ESZ3", stype_in: "raw_symbol" }),
    );
    await replay.getRange(windowParams(B.start, B.end, { schema: "trades" }));
    await Promise.all(
      Array.from({ length: 6 }, () => replay.getRange(windowParams(B.start, B.end))),
    );
    await fetch(`${replay.url}/v0/metadata.get_dataset_range?dataset=GLBX.MDP3`, {
      headers: { authorization: `Basic ${Buffer.from(`${replay.apiKey}:`).toString("base64")}` },
    });

    const a = await replay.control.stats({ symbol: "ES.c.0", ...A });
    expect(a.matched).toMatchObject({
      get_range: 4,
      pending: 0,
      injected: 0,
      byStatus: { "200": 3, "401": 1 },
    });
    const aNs = await replay.control.stats({
      symbol: "ES.c.0",
      start: String(ns(A.start)),
      end: String(ns(A.end)),
    });
    expect(aNs.matched.get_range).toBe(4);
    expect((await replay.control.stats({ symbol: "ESZ3", ...A })).matched.get_range).toBe(1);
    expect((await replay.control.stats({ symbol: "ES.c.0", ...B })).matched).toMatchObject({
      get_range: 7,
      byStatus: { "200": 6, "422": 1 },
    });
    expect((await replay.control.stats({ start: A.start })).matched.get_range).toBe(5);

    const all = await replay.control.stats();
    expect(all.total).toMatchObject({
      requests: 13,
      byEndpoint: { get_range: 12, get_dataset_range: 1 },
    });
    expect(all.total.byStatus).toEqual({ "200": 11, "401": 1, "422": 1 });
    // Only the last 5 entries are kept, yet every figure above stayed exact.
    expect(all.log).toMatchObject({ capacity: 5, kept: 5, trimmed: 8 });
  });

  it("reset clears the counts", async () => {
    await replay.getRange(windowParams(A.start, A.end));
    await replay.control.reset();
    expect((await replay.control.stats()).total.requests).toBe(0);
    expect((await replay.control.stats({ symbol: "ES.c.0", ...A })).matched.get_range).toBe(0);
  });

  it("a bad stats filter is a 400 naming the field; the client throws it with status and body", async () => {
    const res = await fetch(`${replay.url}/_replay/stats?start=yesterday&colour=red`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { fields: { field: string }[] } };
    expect(body.error.fields.map((f) => f.field).sort()).toEqual(["colour", "start"]);
    const thrown = await replay.control.stats({ start: "yesterday" }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ReplayControlError);
    expect(thrown).toMatchObject({ status: 400, message: expect.stringMatching(/: 400 \{/) });
    expect(JSON.parse((thrown as ReplayControlError).body).error.fields).toEqual([
      { field: "start", message: expect.any(String) },
    ]);
  });

  it("count is the matched get_range figure", async () => {
    await replay.control.reset();
    await replay.getRange(windowParams(A.start, A.end));
    await replay.getRange(windowParams(B.start, B.end));
    expect(await replay.control.count({ symbol: "ES.c.0", ...A })).toBe(1);
    expect(await replay.control.count({})).toBe(2);
  });
});
