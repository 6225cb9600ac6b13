import { Scaler } from "@scaleproof/core/scale-test/services/scaler";
import { HEADERS } from "@scaleproof/core/wire/headers";
import { Effect, Layer } from "effect";
import type { InstanceEnv } from "../config/env.ts";

/**
 * The local platform can narrow its load balancer to fewer instances (the scaling
 * check) and add or gracefully stop instances (scale-out and scale-in under load): it
 * gives its instances its control API's address and token. Anywhere else the runner
 * cannot change the instance count and says so (`available: false`).
 */
export const scalerLayer = (env: InstanceEnv): Layer.Layer<Scaler> => {
  const url = env.CLUSTER_CONTROL_URL;
  const token = env.CLUSTER_CONTROL_TOKEN;
  const call = (method: string, path: string, body?: unknown) =>
    Effect.promise(async () => {
      if (!url || !token) throw new Error("this deployment has no platform control API");
      const res = await fetch(new URL(path, url), {
        method,
        headers: { "content-type": "application/json", [HEADERS.controlToken]: token },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) {
        throw new Error(
          `the platform refused ${method} ${path}: ${res.status} ${await res.text()}`,
        );
      }
      return (await res.json()) as unknown;
    });
  return Layer.succeed(
    Scaler,
    Scaler.of({
      available: Boolean(url && token),
      limit: (n) => call("POST", "/limit", { instances: n }).pipe(Effect.asVoid),
      add: call("POST", "/instances").pipe(
        Effect.map((r) => String((r as { instanceId: string }).instanceId)),
      ),
      stop: (instanceId) =>
        call("DELETE", `/instances/${encodeURIComponent(instanceId)}`).pipe(Effect.asVoid),
    }),
  );
};
