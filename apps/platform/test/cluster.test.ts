import { readdir, readFile } from "node:fs/promises";
import { HEADERS } from "@scaleproof/core/wire/headers";
import { replayControl } from "@scaleproof/replay/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oneConnection, send, tally } from "./support/http.ts";
import { eventually, startTestCluster, type TestCluster } from "./support/testCluster.ts";

/**
 * The local platform as `pnpm start` runs it: the replay upstream, HAProxy and two real
 * instance processes sharing the real Redis and Postgres, all at LOG_LEVEL=warn.
 */
let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster("cluster", {
    instances: 2,
    env: { LOG_LEVEL: "warn", CACHE_LEASE_MS: "1000" },
  });
});
afterAll(async () => {
  await c?.close();
});

const pinTo = (id: string) => ({ [HEADERS.routeTo]: id });
const idOf = (x: { headers: Record<string, unknown> }) => x.headers[HEADERS.instanceId] as string;
const sequential = async (n: number, path: string, headers: Record<string, string> = {}) => {
  const agent = oneConnection();
  const answers = [];
  for (let i = 0; i < n; i++) answers.push(await send(c.url + path, { agent, headers }));
  agent.destroy();
  return answers;
};
const statusesOf = (answers: readonly { status: number }[]) =>
  tally(answers.map((x) => String(x.status)));

describe("the local platform", () => {
  it("comes up at LOG_LEVEL=warn: readiness travels over IPC, not in a log line", async () => {
    expect(c.supervisor.live().map((s) => s.instanceId)).toEqual(["i1", "i2"]);
    const instanceLines = c.lines.filter((l) => l.source === "i1" || l.source === "i2");
    expect(instanceLines.filter((l) => l.line.includes('"level":30'))).toEqual([]);
    const view = await c.balancer.view();
    expect(view.map((m) => [m.instanceId, m.status.split(" ")[0]])).toEqual([
      ["i1", "UP"],
      ["i2", "UP"],
    ]);
  });

  it("runs instances with 2 V8 platform threads and 2 malloc arenas (idle rss, issue 17 #5)", async () => {
    const pid = c.supervisor.pid("i1") as number;
    const tasks = await readdir(`/proc/${pid}/task`);
    const names = await Promise.all(
      tasks.map(async (t) => (await readFile(`/proc/${pid}/task/${t}/comm`, "utf8")).trim()),
    );
    expect(names.filter((n) => n === "V8Worker")).toHaveLength(2);
    const environ = (await readFile(`/proc/${pid}/environ`, "utf8")).split("\0");
    expect(environ).toContain("MALLOC_ARENA_MAX=2");
  });

  it("spreads requests over both instances through HAProxy on one kept-alive connection", async () => {
    const answers = await sequential(20, "/ops/health");
    expect(statusesOf(answers)).toEqual({ "200": 20 });
    expect(tally(answers.map(idOf))).toEqual({ i1: 10, i2: 10 });
    expect(new Set(answers.map((x) => x.socket)).size).toBe(1);
  });

  it("health-checks the instances on their public health route", async () => {
    await eventually(
      async () => (await c.balancer.view()).every((m) => m.check === "L7OK"),
      "every instance passed an HTTP health check",
    );
  });

  it("pins a request to the instance named in x-route-to", async () => {
    const answers = await sequential(6, "/ops/health", pinTo("i2"));
    expect(tally(answers.map(idOf))).toEqual({ i2: 6 });
  });

  it("retries GETs in flight on an instance that is SIGKILLed on the other instance", async () => {
    const replay = replayControl(c.replay?.url ?? "");
    const start = "2013-10-09T14:00:00.000Z";
    const end = "2013-10-09T14:30:00.000Z";
    await replay.setKnobs({ latencyMs: 1_500, match: { start, end } });
    const path = `/api/bars?${new URLSearchParams({ symbol: "ES", tf: "1m", start, end })}`;
    const victim = c.supervisor.pid("i2");
    const before = c.supervisor.view().find((s) => s.instanceId === "i2");
    // Three GETs pinned to i2; once i2's fetch reached the upstream they are in flight there.
    const answers = Promise.all([1, 2, 3].map(() => send(c.url + path, { headers: pinTo("i2") })));
    await eventually(
      async () => (await replay.count({ symbol: "ES.c.0", start, end })) >= 1,
      "i2 fetching",
    );
    process.kill(victim as number, "SIGKILL");
    // Once the platform has noticed (before it restarts i2), GETs go elsewhere, pinned or not.
    await eventually(
      () => c.supervisor.view().find((s) => s.instanceId === "i2")?.live === false,
      "i2 noticed dead",
    );
    const after = [
      ...(await sequential(6, "/ops/health")),
      ...(await sequential(3, "/ops/health", pinTo("i2"))),
    ];
    expect(statusesOf(after)).toEqual({ "200": 9 });
    // The GETs that were in flight on i2 were retried on i1.
    const settled = await answers;
    expect(statusesOf(settled)).toEqual({ "200": 3 });
    expect(tally(settled.map(idOf))).toEqual({ i1: 3 });
    // ...and the restarted instance (a new boot) is back in rotation.
    await eventually(() => c.supervisor.live().length === 2, "i2 restarted");
    const back = await send(`${c.url}/ops/health`, { headers: pinTo("i2") });
    expect(idOf(back)).toBe("i2");
    expect(back.headers[HEADERS.bootId]).not.toBe(before?.bootIds.at(-1));
    await replay.setKnobs({});
  });

  it("limit 1 through the control API keeps balanced traffic on i1; null brings i2 back", async () => {
    const limit = (instances: number | null) =>
      send(`${c.control.url}/limit`, {
        method: "POST",
        headers: { [HEADERS.controlToken]: c.control.token },
        body: JSON.stringify({ instances }),
      });
    expect((await limit(1)).status).toBe(200);
    expect(tally((await sequential(8, "/ops/health")).map(idOf))).toEqual({ i1: 8 });
    const instances = await send(`${c.control.url}/instances`, {
      headers: { [HEADERS.controlToken]: c.control.token },
    });
    expect(JSON.parse(instances.body)).toMatchObject({
      limit: 1,
      balancer: [
        { instanceId: "i1", status: expect.stringMatching(/^UP/) },
        { instanceId: "i2", status: expect.stringMatching(/^DRAIN/) },
      ],
    });
    expect((await limit(null)).status).toBe(200);
    expect(tally((await sequential(8, "/ops/health")).map(idOf))).toEqual({ i1: 4, i2: 4 });
  });

  it("adds an instance into rotation and drains it before removing it", async () => {
    await c.supervisor.add("i3");
    expect(tally((await sequential(3, "/ops/health", pinTo("i3"))).map(idOf))).toEqual({ i3: 3 });
    expect(new Set((await sequential(9, "/ops/health")).map(idOf))).toEqual(
      new Set(["i1", "i2", "i3"]),
    );
    const pid = c.supervisor.pid("i3") as number;
    await c.supervisor.remove("i3");
    expect(() => process.kill(pid, 0)).toThrow();
    expect((await c.balancer.view()).map((m) => m.instanceId)).toEqual(["i1", "i2"]);
    const after = await sequential(4, "/ops/health", pinTo("i3"));
    expect(statusesOf(after)).toEqual({ "200": 4 });
    expect(after.map(idOf).includes("i3")).toBe(false);
  });
});

describe("scale-out and scale-in through the control API", () => {
  const control = (method: string, path: string, token: string | null = c.control.token) =>
    send(`${c.control.url}${path}`, {
      method,
      headers: token === null ? {} : { [HEADERS.controlToken]: token },
    });

  it("POST /instances starts one more in rotation; DELETE drains and stops it", async () => {
    const added = await control("POST", "/instances");
    expect(added.status).toBe(201);
    const { instanceId } = JSON.parse(added.body) as { instanceId: string };
    expect(instanceId).toBe("i3");
    expect(new Set((await sequential(9, "/ops/health")).map(idOf))).toEqual(
      new Set(["i1", "i2", "i3"]),
    );
    const pid = c.supervisor.pid("i3") as number;
    expect((await control("DELETE", "/instances/i3")).status).toBe(200);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(new Set((await sequential(6, "/ops/health")).map(idOf))).toEqual(new Set(["i1", "i2"]));
  });

  it("refuses without the token, and an unknown instance", async () => {
    expect((await control("POST", "/instances", "guess")).status).toBe(403);
    expect((await control("DELETE", "/instances/i1", null)).status).toBe(403);
    expect((await control("DELETE", "/instances/i9")).status).toBe(404);
    expect(c.supervisor.live().map((s) => s.instanceId)).toEqual(["i1", "i2"]);
  });
});

describe("the control API", () => {
  const post = (body: string, token?: string) =>
    send(`${c.control.url}/limit`, {
      method: "POST",
      headers: token === undefined ? {} : { [HEADERS.controlToken]: token },
      body,
    });

  it("refuses every route without the cluster's token", async () => {
    expect((await post(JSON.stringify({ instances: 1 }))).status).toBe(403);
    expect((await post(JSON.stringify({ instances: 1 }), "guess")).status).toBe(403);
    expect((await send(`${c.control.url}/instances`)).status).toBe(403);
    expect((await send(`${c.control.url}/nothing-here`)).status).toBe(403);
    // Nothing changed: both instances still get traffic.
    expect(new Set((await sequential(4, "/ops/health")).map(idOf)).size).toBe(2);
  });

  it("names the offending field of a bad body, and refuses a large one", async () => {
    const token = c.control.token;
    for (const body of [
      { instances: 0 },
      { instances: "one" },
      { instances: 1, extra: true },
      {},
    ]) {
      const answer = await post(JSON.stringify(body), token);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({
        error: {
          code: "BAD_REQUEST",
          fields: [expect.objectContaining({ field: expect.any(String) })],
        },
      });
    }
    const notJson = await post("{nope", token);
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.fields).toEqual([
      { field: "(body)", message: "not JSON" },
    ]);
    expect(
      (await post(JSON.stringify({ instances: 1, pad: "x".repeat(5_000) }), token)).status,
    ).toBe(413);
  });
});
