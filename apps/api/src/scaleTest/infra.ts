import { type Dependency, Infra } from "@scaleproof/core/scale-test/services/infra";
import { HEADERS } from "@scaleproof/core/wire/headers";
import { Effect, Layer } from "effect";
import type { InstanceEnv } from "../config/env.ts";

/** How much longer than the outage itself a restart may take to be answered. */
const RESTART_ANSWER_MS = 120_000;

/**
 * The local platform restarts the dependencies it was told it may (CLUSTER_RESTARTABLE,
 * set by the platform itself) through its control API. Anywhere else nothing is
 * restartable, and the profiles say "not measured".
 */
export const infraLayer = (env: InstanceEnv): Layer.Layer<Infra> => {
  const url = env.CLUSTER_CONTROL_URL;
  const token = env.CLUSTER_CONTROL_TOKEN;
  const named = new Set(env.CLUSTER_RESTARTABLE.split(",").filter(Boolean));
  const may = (name: Dependency) => Boolean(url && token && named.has(name));
  return Layer.succeed(
    Infra,
    Infra.of({
      restartable: { redis: may("redis"), postgres: may("postgres") },
      restart: (name, downMs) =>
        Effect.promise(async () => {
          if (!url || !token || !may(name)) throw new Error(`the platform may not restart ${name}`);
          const path = `/services/${name}/restart`;
          const limitMs = downMs + RESTART_ANSWER_MS;
          const res = await fetch(new URL(path, url), {
            method: "POST",
            headers: { "content-type": "application/json", [HEADERS.controlToken]: token },
            body: JSON.stringify({ downMs }),
            // the platform answers once it is back (it waits up to 30 s for that): a
            // platform that never answers ends the step, not the run's patience
            signal: AbortSignal.timeout(limitMs),
          }).catch((error: unknown) => {
            const timedOut = error instanceof Error && error.name === "TimeoutError";
            throw new Error(
              timedOut
                ? `the platform did not answer POST ${path} within ${limitMs / 1000} s`
                : `the platform's POST ${path} failed: ${error instanceof Error ? error.message : String(error)}`,
            );
          });
          if (!res.ok) {
            throw new Error(`the platform refused POST ${path}: ${res.status} ${await res.text()}`);
          }
          const body = (await res.json()) as { downAt: string; upAt: string };
          return { downAt: Date.parse(body.downAt), upAt: Date.parse(body.upAt) };
        }),
    }),
  );
};
