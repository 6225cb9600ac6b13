import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { ADMIN_TOKEN, READ_TOKEN, runCli, TOKEN_ENV } from "../support/ops.ts";
import { createClient } from "../support/trpcClient.ts";

/** Ops are admin-only and refuse bad input with the fields, over REST and tRPC alike. */
let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster("ops-auth", {
    instances: 1,
    env: { ...TOKEN_ENV, FAULTS_ENABLED: "false" },
  });
});
afterAll(async () => {
  await c?.close();
});

const rest = async (method: string, path: string, token?: string, body?: unknown) => {
  const res = await fetch(`${c.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      error?: { code: string; message: string; fields?: { field: string }[] };
    },
  };
};

interface TrpcFailure {
  readonly message: string;
  readonly data: { httpStatus: number; code: string; fields?: { field: string }[] };
}

const trpcError = async (p: Promise<unknown>): Promise<TrpcFailure> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCClientError) return e as unknown as TrpcFailure;
    throw e;
  }
  throw new Error("expected the call to fail");
};

const ROUTES = [
  ["GET", "/ops/scale-test/status"],
  ["GET", "/ops/scale-test/results?runId=run_x"],
  ["GET", "/ops/scale-test/run?profile=cache&quick=true"],
  ["POST", "/ops/scale-test/run"],
] as const;

describe("ops REST routes", () => {
  it.each(ROUTES)(
    "%s %s: 401 without a token or with an unknown one, 403 for a non-admin",
    async (method, path) => {
      const body = method === "POST" ? { profile: "cache", quick: true } : undefined;
      expect((await rest(method, path, undefined, body)).status).toBe(401);
      expect((await rest(method, path, "not-a-token-we-know-0123456789", body)).status).toBe(401);
      const viewer = await rest(method, path, READ_TOKEN, body);
      expect(viewer.status).toBe(403);
      expect(viewer.body.error?.code).toBe("FORBIDDEN");
    },
  );

  it("400 with the offending fields, and nothing started", async () => {
    const bad = await rest("POST", "/ops/scale-test/run", ADMIN_TOKEN, {
      profile: "nope",
      tf: "7m",
      concurrency: 1,
      colour: "red",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.fields?.map((f) => f.field)).toEqual(
      expect.arrayContaining(["profile", "tf", "concurrency", "colour"]),
    );
    const q = await rest("GET", "/ops/scale-test/run?profile=cache&durationMin=abc", ADMIN_TOKEN);
    expect(q.status).toBe(400);
    expect(q.body.error?.fields?.map((f) => f.field)).toEqual(["durationMin"]);
    const notJson = await rest("POST", "/ops/scale-test/run", ADMIN_TOKEN, "{profile");
    expect(notJson.status).toBe(400);
    const badId = await rest("GET", "/ops/scale-test/results?runId=../../etc", ADMIN_TOKEN);
    expect(badId.status).toBe(400);
    expect(badId.body.error?.fields?.map((f) => f.field)).toEqual(["runId"]);
    const missing = await rest("GET", "/ops/scale-test/results?runId=run_missing", ADMIN_TOKEN);
    expect(missing.status).toBe(404);
    const status = await rest("GET", "/ops/scale-test/status", ADMIN_TOKEN);
    expect(status).toEqual({ status: 200, body: null });
  });

  it("400 naming each bad k6 threshold: its syntax, an unknown metric, an aggregation it lacks", async () => {
    const bad = await rest("POST", "/ops/scale-test/run", ADMIN_TOKEN, {
      profile: "cache",
      quick: true,
      thresholds: {
        "cache.hit_rate": ["rate>=0.95", "rate=>0.9"],
        "cache.hit_ratio": ["rate>=0.9"],
        "memory.latency_ms": ["rate<0.01"],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.fields).toEqual([
      { field: "thresholds.cache.hit_rate.1", message: expect.stringContaining('"rate=>0.9"') },
      {
        field: "thresholds.cache.hit_ratio",
        message: expect.stringContaining("unknown threshold metric"),
      },
      { field: "thresholds.memory.latency_ms.0", message: expect.stringContaining("has no rate") },
    ]);
    expect(await rest("GET", "/ops/scale-test/status", ADMIN_TOKEN)).toEqual({
      status: 200,
      body: null,
    });
  });
});

describe("ops over tRPC", () => {
  it("401 / 403 / 400 like REST", async () => {
    const anonymous = await trpcError(createClient(c.url, undefined).scaleTest.status.query());
    expect(anonymous.data.httpStatus).toBe(401);
    const viewer = await trpcError(createClient(c.url, READ_TOKEN).scaleTest.list.query());
    expect(viewer.data.httpStatus).toBe(403);
    const bad = await trpcError(
      createClient(c.url, ADMIN_TOKEN).scaleTest.run.mutate({
        profile: "cache",
        tf: "7m",
      } as never),
    );
    expect(bad.data.httpStatus).toBe(400);
    expect(bad.data.fields?.map((f) => f.field)).toEqual(["tf"]);
  });

  it("fault injection is refused when the deployment did not enable it, even for an admin", async () => {
    const admin = createClient(c.url, ADMIN_TOKEN);
    const e = await trpcError(admin.faults.set.mutate({ name: "cache-no-lock" }));
    expect(e.data.httpStatus).toBe(403);
    expect(e.message).toMatch(/disabled/);
    expect((await admin.faults.list.query()).active).toEqual([]);
    const viewer = await trpcError(createClient(c.url, READ_TOKEN).faults.list.query());
    expect(viewer.data.httpStatus).toBe(403);
  });
});

describe("CLI errors", () => {
  it("exit 2 with a clear message: bad arguments, wrong token, unreachable target", async () => {
    const args = await runCli(["run", "--profile", "cache", "--tf", "7m", "--target", c.url]);
    expect(args.code).toBe(2);
    expect(args.stderr).toMatch(/--tf: /);
    const token = await runCli([
      "status",
      "--target",
      c.url,
      "--token",
      "wrong-token-0123456789abcdef",
    ]);
    expect(token.code).toBe(2);
    expect(token.stderr).toMatch(/UNAUTHORIZED: unknown token/);
    const down = await runCli(["status", "--target", "http://127.0.0.1:9", "--token", ADMIN_TOKEN]);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^error: /);
    const unknown = await runCli(["explode"]);
    expect(unknown.code).toBe(2);
  });
});
