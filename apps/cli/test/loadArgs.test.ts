import { describe, expect, it } from "vitest";
import { parse } from "../src/cli.ts";
import { ArgumentError } from "../src/errors.ts";
import { runInputFrom } from "../src/runArgs.ts";

const input = (argv: string[]) => runInputFrom(parse(["run", "--profile", "load", ...argv]).values);

const refusal = (argv: string[]): ArgumentError => {
  try {
    input(argv);
  } catch (error) {
    if (error instanceof ArgumentError) return error;
    throw error;
  }
  throw new Error(`accepted: ${argv.join(" ")}`);
};

describe("load flags", () => {
  it("reach the run input's load params: rates, durations in seconds, gates, capacity, mix", () => {
    expect(
      input([
        "--levels",
        "5,10,25,50",
        "--level-duration",
        "3m",
        "--cooldown",
        "30s",
        "--achieved",
        "96,95,92,90",
        "--p95",
        "50,75,150,300",
        "--sustained",
        "10",
        "--sustained-duration",
        "15m",
        "--find-capacity",
        "--capacity-start",
        "60",
        "--mix",
        "18:1:1",
      ]).load,
    ).toEqual({
      levels: [5, 10, 25, 50],
      levelDurationS: 180,
      cooldownS: 30,
      achievedPct: [96, 95, 92, 90],
      p95Ms: [50, 75, 150, 300],
      sustainedRps: 10,
      sustainedDurationS: 900,
      findCapacity: true,
      capacityStartRps: 60,
      mix: { barsCached: 18, barsNew: 1, backtests: 1 },
    });
  });

  it("leave the seed defaults to the profile when none is given", () => {
    expect(input(["--quick"]).load).toBeUndefined();
  });

  it("bad values are refused naming the flag", () => {
    expect(refusal(["--levels", "10,5"]).flag).toBe("--levels");
    expect(refusal(["--levels", "5,x"]).flag).toBe("--levels");
    expect(refusal(["--level-duration", "3 minutes"]).flag).toBe("--level-duration");
    expect(refusal(["--levels", "5,10", "--p95", "50,75,150"]).flag).toBe("--p95");
    expect(refusal(["--mix", "18:1"]).flag).toBe("--mix");
  });
});
