import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import type { RunInput } from "../../src/scale-test/schema.ts";
import type { WorldOptions } from "../../src/scale-test/testing/world.ts";
import { checkNamed, simulate, stepsOf } from "./simulate.ts";

const cache = (options: WorldOptions, over: Partial<RunInput> = {}) =>
  simulate({ profile: "cache", quick: true, ...over }, options, "10 minutes");

describe("preflight (every profile, in memory)", () => {
  it.effect(
    "a healthy cluster passes it first, and the run ends with zero pool-exhaustion events",
    () =>
      Effect.gen(function* () {
        const r = yield* cache({});
        expect(r.verdict).toBe("PASS");
        expect(stepsOf(r.world)[0]).toBe("preflight");
        expect(r.checks[0]?.name).toBe("preflight.instances_reachable");
        expect(checkNamed(r, "preflight.instances_reachable").actual).toBe(2);
        const budget = checkNamed(r, "preflight.connection_budget");
        expect(budget.actual).toBe(24);
        expect(budget.expected).toBe(
          "<= 92 (max_connections 100 - superuser_reserved_connections 3 - margin 5 = 92)",
        );
        expect(budget.detail).toBe("2 instances x (pool 10 + 1 listener + 1 spare) = 24");
        expect(r.checks.at(-1)?.name).toBe("pool.exhaustion_events");
        expect(checkNamed(r, "pool.exhaustion_events").actual).toBe(0);
        expect(r.world.checks).toEqual(r.checks);
      }),
  );

  it.effect(
    "refuses a cluster whose pools could exhaust Postgres: FAIL naming the numbers, no traffic",
    () =>
      Effect.gen(function* () {
        const r = yield* cache({ db: { poolMax: 60 } });
        expect(r.verdict).toBe("FAIL");
        expect(r.checks.map((c) => c.name)).toEqual([
          "preflight.instances_reachable",
          "preflight.dependencies",
          "preflight.connection_budget",
        ]);
        expect(checkNamed(r, "preflight.connection_budget")).toMatchObject({
          actual: 124,
          pass: false,
        });
        expect(r.notes?.["preflight.refused"]).toBe(
          "refused by the preflight: preflight.connection_budget 124, expected <= 92 (max_connections 100 - superuser_reserved_connections 3 - margin 5 = 92) (2 instances x (pool 60 + 1 listener + 1 spare) = 124)",
        );
        expect(r.world.barsEvents).toEqual([]);
        expect(stepsOf(r.world)).toEqual(["preflight"]);
      }),
  );

  it.effect("a larger margin asked for by the run tightens the budget", () =>
    Effect.gen(function* () {
      const r = yield* cache({}, { db: { connectionMargin: 80 } });
      expect(r.verdict).toBe("FAIL");
      expect(checkNamed(r, "preflight.connection_budget").expected).toMatch(/^<= 17 /);
    }),
  );

  it.effect("refuses when an expected instance never answers through the balancer", () =>
    Effect.gen(function* () {
      // every second health probe is i2's turn: it never answers
      const r = yield* cache({
        failRequest: (_m, path, n) =>
          path === "/ops/health" && n % 2 === 0 ? "unreachable" : undefined,
      });
      expect(r.verdict).toBe("FAIL");
      const reach = checkNamed(r, "preflight.instances_reachable");
      expect(reach).toMatchObject({ actual: 1, pass: false, expected: ">= 2 (CLUSTER_INSTANCES)" });
      // rounds of 10 probes, 500 ms apart, for the 15 s settle window
      expect(reach.detail).toBe("i1 in 310 probes through the balancer, 155 unanswered");
      // the unseen instance still counts in the budget, with the largest pool seen
      expect(checkNamed(r, "preflight.connection_budget").actual).toBe(24);
      expect(r.world.barsEvents).toEqual([]);
    }),
  );

  it.effect(
    "waits for an instance that is rejoining the balancer (restarted after the last run crashed it)",
    () =>
      Effect.gen(function* () {
        // i2 answers only from the fifth round of probes on (2 s after the first)
        const r = yield* cache({
          failRequest: (_m, path, n) =>
            path === "/ops/health" && n % 2 === 0 && n <= 40 ? "unreachable" : undefined,
        });
        const reach = checkNamed(r, "preflight.instances_reachable");
        expect(reach).toMatchObject({ actual: 2, pass: true });
        expect(reach.detail).toBe("i1, i2 in 42 probes through the balancer, 20 unanswered");
        expect(r.verdict).toBe("PASS");
      }),
  );

  it.effect(
    "asks again when an instance's dependency probe misses once (a busy machine), and passes",
    () =>
      Effect.gen(function* () {
        // i2's first health answer is a 503 (its Redis PING took over 500 ms), then 200s
        const r = yield* cache({ health: (id, n) => (id === "i2" && n === 2 ? 503 : 200) });
        expect(checkNamed(r, "preflight.dependencies")).toMatchObject({ actual: 0, pass: true });
        // i1, i2 (503), i1, i2 (200): the round goes on until i2 answers healthy
        expect(checkNamed(r, "preflight.instances_reachable").detail).toBe(
          "i1, i2 in 4 probes through the balancer",
        );
        expect(r.verdict).toBe("PASS");
      }),
  );

  it.effect("refuses an instance whose dependency stays down for the settle window", () =>
    Effect.gen(function* () {
      const r = yield* cache({ health: (id) => (id === "i2" ? 503 : 200) });
      expect(r.verdict).toBe("FAIL");
      expect(checkNamed(r, "preflight.dependencies")).toMatchObject({
        actual: 1,
        detail: "i2 answers /ops/health 503",
      });
      // rounds of 10 probes, 500 ms apart, for the 15 s settle window
      expect(checkNamed(r, "preflight.instances_reachable").detail).toBe(
        "i1, i2 in 310 probes through the balancer",
      );
      expect(r.world.barsEvents).toEqual([]);
    }),
  );

  it.effect("refuses when the runner cannot reach Postgres", () =>
    Effect.gen(function* () {
      const r = yield* cache({ db: { unreachable: true } });
      expect(r.verdict).toBe("FAIL");
      expect(checkNamed(r, "preflight.dependencies")).toMatchObject({
        actual: 1,
        detail: "the runner cannot read Postgres",
      });
      expect(checkNamed(r, "preflight.connection_budget").actual).toBeNull();
    }),
  );

  it.effect("FAILs a run during which the pool was exhausted, however well the profile went", () =>
    Effect.gen(function* () {
      const r = yield* cache({ db: { exhaustionDuringRun: 3 } });
      expect(r.verdict).toBe("FAIL");
      expect(r.checks.filter((c) => !c.pass).map((c) => [c.name, c.actual])).toEqual([
        ["pool.exhaustion_events", 3],
      ]);
    }),
  );

  it.effect("the full profile runs it once, before its parts", () =>
    Effect.gen(function* () {
      const r = yield* simulate(
        { profile: "full", quick: true, crash: false, jobs: 4 },
        { db: { poolMax: 60 } },
        "5 minutes",
      );
      expect(r.verdict).toBe("FAIL");
      expect(r.checks.filter((c) => c.step === "preflight")).toHaveLength(3);
      expect(stepsOf(r.world)).toEqual(["preflight"]);
    }),
  );
});
