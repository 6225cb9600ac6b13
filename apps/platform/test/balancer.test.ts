import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { HEADERS } from "@scaleproof/core/wire/headers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Balancer } from "../src/haproxy/balancer.ts";
import { haproxyBinary } from "../src/haproxy/binary.ts";
import { type Haproxy, startHaproxy } from "../src/haproxy/process.ts";
import { type FakeInstance, startFakeInstance } from "./support/fakeInstance.ts";
import { oneConnection, send, tally } from "./support/http.ts";

/**
 * The real HAProxy with its real config, driven through its runtime API by the
 * Balancer, in front of two stand-in instances that can die mid-request on cue.
 */
let haproxy: Haproxy;
let balancer: Balancer;
let a: FakeInstance;
let b: FakeInstance;
const haproxyLines: string[] = [];

beforeAll(async () => {
  haproxy = await startHaproxy({
    port: 0,
    slots: 4,
    routeToHeader: HEADERS.routeTo,
    healthPath: "/ops/health",
    onLine: (line) => haproxyLines.push(line),
  });
  balancer = new Balancer(haproxy, 4);
  [a, b] = await Promise.all([startFakeInstance("a"), startFakeInstance("b")]);
  await balancer.admit("a");
  await balancer.admit("b");
});
afterAll(async () => {
  await balancer?.stop();
  await Promise.all([a?.close(), b?.close()]);
});
beforeEach(async () => {
  await balancer.limit(null);
  await balancer.enter("a", a.port);
  await balancer.enter("b", b.port);
  for (const f of [a, b]) {
    f.seen.length = 0;
    f.connections.clear();
  }
});

const pinTo = (id: string) => ({ [HEADERS.routeTo]: id });
const idsOf = (answers: readonly { headers: Record<string, unknown> }[]) =>
  tally(answers.map((x) => x.headers["x-instance-id"] as string | undefined));
const sequential = async (n: number, url: string, headers: Record<string, string> = {}) => {
  const agent = oneConnection();
  const answers = [];
  for (let i = 0; i < n; i++) answers.push(await send(url, { agent, headers }));
  agent.destroy();
  return answers;
};

describe("HAProxy in front of the instances", () => {
  it("runs a config that `haproxy -c` accepts", async () => {
    const { stdout } = await promisify(execFile)(haproxyBinary(), ["-c", "-f", haproxy.configPath]);
    expect(stdout).toContain("Configuration file is valid");
  });

  it("balances over both instances, keeping connections alive on both sides", async () => {
    const answers = await sequential(20, `${balancer.url}/x`);
    expect(answers.every((x) => x.status === 200)).toBe(true);
    expect(idsOf(answers)).toEqual({ a: 10, b: 10 });
    // One client connection for all 20 requests...
    expect(new Set(answers.map((x) => x.socket)).size).toBe(1);
    // ...and the instances' connections were reused rather than opened per request.
    expect(a.connections.size + b.connections.size).toBeLessThan(20);
  });

  it("retries a GET whose instance dies before answering on the other instance", async () => {
    const answer = await send(`${balancer.url}/crash?on=a`, { headers: pinTo("a") });
    expect(answer.status).toBe(200);
    expect(answer.headers["x-instance-id"]).toBe("b");
    expect(a.seen).toEqual([{ method: "GET", url: "/crash" }]);
    expect(b.seen).toEqual([{ method: "GET", url: "/crash" }]);
  });

  it("never replays a POST its instance received: the client gets a 502, nobody else the POST", async () => {
    const answer = await send(`${balancer.url}/crash?on=a`, {
      method: "POST",
      headers: pinTo("a"),
      body: "{}",
    });
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "BAD_GATEWAY" } });
    expect(a.seen).toEqual([{ method: "POST", url: "/crash" }]);
    expect(b.seen).toEqual([]);
  });

  it("pins by x-route-to, also to a drained instance; a downed one falls back to balancing", async () => {
    expect(idsOf(await sequential(6, `${balancer.url}/x`, pinTo("b")))).toEqual({ b: 6 });
    await balancer.limit(1);
    expect(idsOf(await sequential(4, `${balancer.url}/x`, pinTo("b")))).toEqual({ b: 4 });
    await balancer.leave("b");
    expect(idsOf(await sequential(4, `${balancer.url}/x`, pinTo("b")))).toEqual({ a: 4 });
    expect(idsOf(await sequential(2, `${balancer.url}/x`, pinTo("nobody")))).toEqual({ a: 2 });
  });

  it("limit(1) keeps balanced traffic on the first instance; null brings the others back", async () => {
    await balancer.limit(1);
    expect(idsOf(await sequential(8, `${balancer.url}/x`))).toEqual({ a: 8 });
    expect((await balancer.view()).map((m) => [m.instanceId, m.status.split(" ")[0]])).toEqual([
      ["a", "UP"],
      ["b", "DRAIN"],
    ]);
    await balancer.limit(null);
    expect(idsOf(await sequential(8, `${balancer.url}/x`))).toEqual({ a: 4, b: 4 });
  });

  it("answers 503 NO_LIVE_INSTANCE (JSON, Retry-After) when no instance is in rotation", async () => {
    await balancer.leave("a");
    await balancer.leave("b");
    const answer = await send(`${balancer.url}/x`);
    expect(answer.status).toBe(503);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(answer.headers["retry-after"]).toBe("1");
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "NO_LIVE_INSTANCE" } });
  });

  it("drains an instance before letting it go: its request in flight finishes, new ones go elsewhere", async () => {
    const order: string[] = [];
    const slow = send(`${balancer.url}/slow?ms=1000`, { headers: pinTo("a") }).then((x) => {
      order.push("slow answered");
      return x;
    });
    while (a.seen.length === 0) await new Promise((r) => setTimeout(r, 10));
    const drained = balancer.drain("a").then(() => order.push("drained"));
    const statusOfA = async () => (await balancer.view()).find((m) => m.instanceId === "a")?.status;
    while (!(await statusOfA())?.startsWith("DRAIN")) await new Promise((r) => setTimeout(r, 10));
    const during = await sequential(4, `${balancer.url}/x`);
    await drained;
    expect((await slow).status).toBe(200);
    expect(order).toEqual(["slow answered", "drained"]);
    expect(idsOf(during)).toEqual({ b: 4 });
    await balancer.forget("a");
    expect((await balancer.view()).map((m) => m.instanceId)).toEqual(["b"]);
    // Its slot is free again: an instance added later takes it and gets traffic.
    await balancer.admit("a");
    await balancer.enter("a", a.port);
    expect(idsOf(await sequential(4, `${balancer.url}/x`))).toEqual({ a: 2, b: 2 });
  });
});
