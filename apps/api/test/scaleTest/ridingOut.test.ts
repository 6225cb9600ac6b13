import { describe, expect, it } from "vitest";
import { DependencyDown, ridingOutAsync } from "../../src/scaleTest/ridingOut.ts";

const refused = () => Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });

describe("riding out a dependency outage", () => {
  it("names the budget it waited, not the default one", async () => {
    const error = await ridingOutAsync(async () => {
      throw refused();
    }, 300).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyDown);
    expect((error as Error).message).toBe("Postgres was unavailable for over 0.3 s (ECONNREFUSED)");
  });

  it("retries what the caller says is an outage, until it answers; anything else at once", async () => {
    let calls = 0;
    const notYet = Object.assign(new Error("no socket file yet"), { code: "ENOENT" });
    const answer = await ridingOutAsync(
      async () => {
        calls += 1;
        if (calls < 3) throw notYet;
        return "up";
      },
      10_000,
      (e) => e === notYet,
    );
    expect(answer).toBe("up");
    expect(calls).toBe(3);
    const other = new Error("bad migration");
    let tries = 0;
    await expect(
      ridingOutAsync(
        async () => {
          tries += 1;
          throw other;
        },
        10_000,
        (e) => e === notYet,
      ),
    ).rejects.toBe(other);
    expect(tries).toBe(1);
  });
});
