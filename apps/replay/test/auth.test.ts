import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basic, startTestReplay, type TestReplay, windowParams } from "./support.ts";

/** The key check, and the dataset range the instances read before asking for bars. */
let replay: TestReplay;
beforeAll(async () => {
  replay = await startTestReplay();
});
afterAll(async () => {
  await replay?.close();
});

const ok = windowParams("2013-10-08T14:00:00Z", "2013-10-08T14:30:00Z");
const detail = async (res: Response) =>
  ((await res.json()) as { detail: { case?: string; message?: string } }).detail;

describe("auth, like Databento: HTTP Basic, the key as user", () => {
  it("a missing or wrong key is a 401 with Databento's body; the right key passes", async () => {
    for (const key of [null, "not-the-key", ""]) {
      const res = await replay.getRange(ok, key);
      expect(res.status).toBe(401);
      expect(await detail(res)).toMatchObject({
        case: "auth_authentication_failed",
        message: "Authentication failed.",
      });
    }
    const meta = await fetch(`${replay.url}/v0/metadata.get_dataset_range?dataset=GLBX.MDP3`);
    expect(meta.status).toBe(401);
    expect((await replay.getRange(ok)).status).toBe(200);
  });
});

describe("metadata.get_dataset_range", () => {
  it("answers Databento's shape, computed from the recorded bars (last bar + 1 minute)", async () => {
    const res = await fetch(`${replay.url}/v0/metadata.get_dataset_range?dataset=GLBX.MDP3`, {
      headers: { authorization: basic(replay.apiKey) },
    });
    expect(res.status).toBe(200);
    const range = {
      start: "2013-10-06T22:00:00.000000000Z",
      end: "2013-10-11T21:15:00.000000000Z",
    };
    expect(await res.json()).toEqual({ ...range, schema: { "ohlcv-1m": range } });
    const unknown = await fetch(`${replay.url}/v0/metadata.get_dataset_range?dataset=XNAS.ITCH`, {
      headers: { authorization: basic(replay.apiKey) },
    });
    expect(unknown.status).toBe(422);
  });
});
