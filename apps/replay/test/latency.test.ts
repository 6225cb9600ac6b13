import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestFilter } from "../src/client.ts";
import { startTestReplay, type TestReplay, windowParams } from "./support.ts";

/** Added latency, asserted by order (one request still pending while another answered), never by timings. */
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

/** Starts a request and reports whether it has answered yet. */
const track = (res: Promise<Response>) => {
  const t = {
    done: false,
    res: res.then((r) => {
      t.done = true;
      return r;
    }),
  };
  return t;
};

const untilPending = async (r: TestReplay, filter: RequestFilter) => {
  for (let i = 0; i < 200; i++) {
    if ((await r.control.stats(filter)).matched.pending > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the slow request never arrived");
};

describe("knobs: added latency", () => {
  it("added latency holds only the matching range: it is still pending when another range has answered", async () => {
    const slow = range(1);
    const fast = range(2);
    expect(await replay.control.setKnobs({ latencyMs: 2_000, match: slow })).toEqual({
      defaultLatencyMs: 0,
      rules: [{ latencyMs: 2_000, match: slow }],
    });
    const held = track(replay.getRange(windowParams(slow.start, slow.end)));
    await untilPending(replay, { symbol: "ES.c.0", ...slow });
    const other = await replay.getRange(windowParams(fast.start, fast.end));
    expect(other.status).toBe(200);
    expect(held.done).toBe(false);
    expect((await replay.control.stats({ symbol: "ES.c.0", ...slow })).matched).toMatchObject({
      get_range: 1,
      pending: 1,
    });
    expect((await held.res).status).toBe(200);
    expect((await replay.control.stats({ symbol: "ES.c.0", ...slow })).matched).toMatchObject({
      pending: 0,
      byStatus: { "200": 1 },
    });
    await replay.control.setKnobs({});
  });

  it("the default latency (REPLAY_LATENCY_MS) applies unless a rule sets its own", async () => {
    const slowDefault = await startTestReplay({ latencyMs: 2_000 });
    try {
      const quick = range(4);
      await slowDefault.control.setKnobs({ latencyMs: 0, match: quick });
      const held = track(slowDefault.getRange(windowParams(range(3).start, range(3).end)));
      await untilPending(slowDefault, range(3));
      expect((await slowDefault.getRange(windowParams(quick.start, quick.end))).status).toBe(200);
      expect(held.done).toBe(false);
      expect((await held.res).status).toBe(200);
    } finally {
      await slowDefault.close();
    }
  });
});
