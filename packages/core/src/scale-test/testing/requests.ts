import { Effect } from "effect";
import type { TargetResponse } from "../data.ts";
import { TargetUnreachable } from "../errors.ts";
import type { WorldState } from "./world.ts";

/** A response as the in-memory target gives it: defaults for what a test does not set. */
export const response = (over: Partial<TargetResponse> & { status: number }): TargetResponse => ({
  cache: null,
  cacheKey: null,
  instanceId: null,
  bootId: null,
  version: "test",
  bytes: 20,
  durationMs: 1,
  errorCode: null,
  ...over,
});

/** Enqueue with an idempotency key: the same key gets the same job back; 503 while Postgres is down. */
export const enqueue = (world: WorldState, body: unknown) => {
  if (world.down.has("postgres")) {
    const down = response({ status: 503, errorCode: "DATABASE_UNAVAILABLE" });
    return { ...down, json: { error: { code: "DATABASE_UNAVAILABLE" } } };
  }
  const key =
    typeof body === "object" && body !== null && "idempotencyKey" in body
      ? String(body.idempotencyKey)
      : null;
  const known = key === null ? undefined : world.idempotency.get(key);
  const id = known ?? String(world.enqueued.length + 1);
  if (known === undefined) {
    world.enqueued.push(id);
    if (key !== null) world.idempotency.set(key, id);
  }
  const instanceId = world.instances[world.enqueued.length % world.instances.length] ?? "i1";
  return { ...response({ status: 202, instanceId, bootId: "b" }), json: { id, status: "queued" } };
};

/** The switch `failRequest` in force for this request, counted per method and path. */
export const injected = (world: WorldState, method: "GET" | "POST", path: string) =>
  Effect.gen(function* () {
    const slot = `${method} ${path}`;
    const n = (world.requests.get(slot) ?? 0) + 1;
    world.requests.set(slot, n);
    const fail = world.options.failRequest?.(method, path, n);
    if (fail === "unreachable") {
      return yield* new TargetUnreachable({ url: "http://fake", message: "connection reset" });
    }
    return fail === undefined ? null : response({ status: fail, errorCode: `HTTP_${fail}` });
  });
