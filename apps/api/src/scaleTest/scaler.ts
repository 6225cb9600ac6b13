import { Scaler } from "@scaleproof/core/scale-test/services";
import { HEADERS } from "@scaleproof/core/wire/headers";
import { Effect, Layer } from "effect";
import type { InstanceEnv } from "../config/env.ts";

/**
 * The local platform can narrow its load balancer to fewer instances (for the scaling
 * check): it gives its instances its control API's address and token. Anywhere else
 * the runner cannot change the instance count and says so.
 */
export const scalerLayer = (env: InstanceEnv): Layer.Layer<Scaler> => {
  const url = env.CLUSTER_CONTROL_URL;
  const token = env.CLUSTER_CONTROL_TOKEN;
  return Layer.succeed(
    Scaler,
    Scaler.of({
      available: Boolean(url && token),
      limit: (n) =>
        Effect.promise(async () => {
          if (!url || !token) return;
          const res = await fetch(new URL("/limit", url), {
            method: "POST",
            headers: { "content-type": "application/json", [HEADERS.controlToken]: token },
            body: JSON.stringify({ instances: n }),
          });
          if (!res.ok)
            throw new Error(`the platform refused the limit: ${res.status} ${await res.text()}`);
        }),
    }),
  );
};
