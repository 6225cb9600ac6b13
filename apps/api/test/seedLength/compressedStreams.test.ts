import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { checkOf } from "../support/ops.ts";
import { COMPRESSED_ENV, fullRun, testMs, withFault } from "./runs.ts";

/**
 * Issue 18, point 3: the streams profile in full (non-quick) mode, compressed, on a real
 * 2-instance cluster: PASS healthy, FAIL with the streams-drop fault planted.
 */
let c: TestCluster;

/** Streams: 20 streams held for a minute (quick: 30 s), then a 30-s baseline without them. */
const STREAMS_MIN = 1;

beforeAll(async () => {
  c = await startTestCluster("compressed-streams", { instances: 2, env: COMPRESSED_ENV });
});
afterAll(async () => {
  await c?.close();
});

describe("compressed full-mode runs of streams on a real 2-instance cluster", () => {
  it(
    "streams, 1 min: PASSes, 20 streams held a minute over both instances, none dropped",
    async () => {
      const { run, failing } = await fullRun(c, "streams", STREAMS_MIN, "streams-pass");
      expect(failing).toEqual([]);
      expect(run.verdict).toBe("PASS");
      // 20 streams connected, over both instances, none dropped
      const connected = checkOf(run, "streams.connected");
      expect(connected.actual).toBe(20);
      expect(connected.detail).toMatch(/^i[12]: [1-9]\d*, i[12]: [1-9]\d*$/);
      expect(checkOf(run, "streams.dropped").actual).toBe(0);
      expect(typeof checkOf(run, "streams.queries_per_subscriber").actual).toBe("number");
    },
    testMs(STREAMS_MIN),
  );

  it(
    "streams, 1 min, every stream ended after 3 events (streams-drop): FAILs naming the drops",
    async () => {
      const { run, failingNames } = await withFault(
        c,
        [{ name: "streams-drop", params: { after: 3 } }],
        () => fullRun(c, "streams", STREAMS_MIN, "streams-drop"),
      );
      expect(run.verdict).toBe("FAIL");
      const dropped = checkOf(run, "streams.dropped");
      expect(dropped).toMatchObject({ actual: 20, pass: false });
      expect(dropped.detail).toMatch(/after 3 events: the server ended the stream/);
      expect(failingNames).toContain("streams.dropped");
    },
    testMs(STREAMS_MIN),
  );
});
