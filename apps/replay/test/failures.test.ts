import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KnobsInput, ReplayControlError } from "../src/client.ts";
import { startTestReplay, type TestReplay, windowParams } from "./support.ts";

/** Injected failures and knob validation, asserted by statuses and counts. */
let replay: TestReplay;
beforeAll(async () => {
  replay = await startTestReplay();
});
afterAll(async () => {
  await replay?.close();
});

const range = (hour: number) => ({
  start: `2013-10-09T${String(hour).padStart(2, "0")}:00:00.000Z`,
  end: `2013-10-09T${String(hour).padStart(2, "0")}:30:00.000Z`,
});

describe("knobs: injected failures", () => {
  it("injects 429 with Retry-After for the next N matching requests, then serves normally", async () => {
    const limited = range(5);
    await replay.control.setKnobs({
      match: limited,
      fail: { status: 429, count: 2, retryAfterSec: 7 },
    });
    for (let i = 0; i < 2; i++) {
      const res = await replay.getRange(windowParams(limited.start, limited.end));
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("7");
      expect(await res.json()).toEqual({
        detail: "API rate limit exceeded. Retry after 7 seconds.",
      });
    }
    // Another range was never limited.
    expect((await replay.getRange(windowParams(range(6).start, range(6).end))).status).toBe(200);
    expect((await replay.getRange(windowParams(limited.start, limited.end))).status).toBe(200);
    const stats = await replay.control.stats({ symbol: "ES.c.0", ...limited });
    expect(stats.matched).toMatchObject({
      get_range: 3,
      injected: 2,
      byStatus: { "429": 2, "200": 1 },
    });
    const knobs = await replay.control.knobs();
    expect(knobs.rules[0]?.fail).toEqual({ status: 429, count: 2, retryAfterSec: 7, remaining: 0 });
  });

  it("injects a 500 (any range when no match is given), counted like any answer", async () => {
    await replay.control.setKnobs({ fail: { status: 500, count: 1 } });
    const failed = await replay.getRange(windowParams(range(7).start, range(7).end));
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ detail: "Internal Server Error" });
    expect((await replay.getRange(windowParams(range(7).start, range(7).end))).status).toBe(200);
    expect((await replay.control.stats(range(7))).matched).toMatchObject({
      injected: 1,
      byStatus: { "500": 1, "200": 1 },
    });
    await replay.control.setKnobs({});
    expect(await replay.control.knobs()).toEqual({
      defaultLatencyMs: 0,
      rules: [],
    });
  });

  it("bad knob input is a 400 naming every offending field, and changes nothing", async () => {
    await replay.control.setKnobs({ latencyMs: 5 });
    // Input the typed client would not compile, sent through it to reach the server's check.
    const rejected = (bad: unknown) =>
      replay.control.setKnobs(bad as KnobsInput).then(
        () => expect.fail("accepted"),
        (e: unknown) => {
          expect(e).toBeInstanceOf(ReplayControlError);
          const err = e as ReplayControlError;
          expect(err.status).toBe(400);
          return JSON.parse(err.body) as { error: { code: string; fields: { field: string }[] } };
        },
      );
    const body = await rejected({
      latencyMs: -1,
      match: { start: "someday" },
      fail: { status: 418, count: 0 },
      colour: "red",
    });
    expect(body.error.code).toBe("BAD_REQUEST");
    expect(body.error.fields.map((f) => f.field).sort()).toEqual([
      "colour",
      "fail.count",
      "fail.status",
      "latencyMs",
      "match.start",
    ]);
    const only429 = await rejected({ fail: { status: 500, count: 1, retryAfterSec: 3 } });
    expect(only429.error.fields.map((f) => f.field)).toEqual(["fail.retryAfterSec"]);
    // Not JSON at all: only a raw request can send that.
    const notJson = await fetch(`${replay.url}/_replay/knobs`, {
      method: "POST",
      body: "latency=5",
    });
    expect(notJson.status).toBe(400);
    expect((await replay.control.knobs()).rules).toEqual([{ latencyMs: 5 }]);
    await replay.control.setKnobs({});
  });
});
