import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayControl } from "../src/client.ts";
import { DATA_DIR, DATASET, fileLines, startTestReplay, type TestReplay } from "./support.ts";

/** The typed control client: answers parsed with the server's schemas, failures named. */
let replay: TestReplay;
let impostor: Server;
let impostorUrl: string;
beforeAll(async () => {
  replay = await startTestReplay();
  // Answers 200 `{}` to everything: not the replay's shape.
  impostor = createServer((_req, res) => res.writeHead(200).end("{}"));
  await new Promise<void>((resolve) => impostor.listen(0, "127.0.0.1", resolve));
  impostorUrl = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await replay?.close();
  impostor?.close();
});

describe("replayControl", () => {
  it("health names the folder and the bars it loaded", async () => {
    const health = await replay.control.health();
    expect(health.dataDir).toBe(DATA_DIR);
    expect(health.datasets).toEqual([
      {
        dataset: DATASET,
        contracts: ["ESZ3"],
        bars: fileLines().length - 1,
        start: expect.stringMatching(/^2013-10-06T22:00:00/),
        end: expect.stringMatching(/^2013-10-11T21:1/),
      },
    ]);
  });

  it("an answer of the wrong shape is an error naming the route and the fields", async () => {
    await expect(replayControl(impostorUrl).health()).rejects.toThrow(
      /replay GET \/_replay\/health: unexpected answer: .*status/s,
    );
    await expect(replayControl(impostorUrl).count({})).rejects.toThrow(/unexpected answer/);
  });

  it("an unreachable upstream is an error naming its address", async () => {
    const closed = await startTestReplay();
    await closed.close();
    await expect(replayControl(closed.url).reset()).rejects.toThrow(
      `replay POST /_replay/reset (${closed.url})`,
    );
  });
});
