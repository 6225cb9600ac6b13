import { Scaler } from "@scaleproof/core/scale-test/services";
import { Effect, Layer } from "effect";
import type { InstanceEnv } from "../config/env.ts";

/**
 * The local cluster's front door can narrow traffic to fewer instances (for the scaling
 * check); it tells its instances where and with which token. Anywhere else the runner
 * cannot change the instance count and says so.
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
          const res = await fetch(new URL("/_frontdoor/limit", url), {
            method: "POST",
            headers: { "content-type": "application/json", "x-control-token": token },
            body: JSON.stringify({ instances: n }),
          });
          if (!res.ok)
            throw new Error(`front door refused the limit: ${res.status} ${await res.text()}`);
        }),
    }),
  );
};
