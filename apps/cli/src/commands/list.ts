import type { RunView } from "@scaleproof/client/runs";
import {
  PROFILE_NAMES,
  type ProfileName,
  RUN_STATUSES,
  type RunStatus,
} from "@scaleproof/core/scale-test/schema";
import { type CommandLine, wholeNumber } from "../args.ts";
import { ArgumentError } from "../errors.ts";
import { EXIT } from "../exit.ts";
import { table } from "../format.ts";
import { retrying } from "../retrying.ts";
import type { Command } from "./command.ts";

const oneOf = <T extends string>(flag: string, allowed: readonly T[], text: string): T => {
  if (!(allowed as readonly string[]).includes(text)) {
    throw new ArgumentError(flag, `expected one of ${allowed.join(", ")}, got ${text}`);
  }
  return text as T;
};

const listInput = (values: CommandLine["values"]) => ({
  ...(values.limit === undefined ? {} : { limit: wholeNumber("--limit", values.limit, 1, 200) }),
  ...(values.profile === undefined
    ? {}
    : { profile: oneOf<ProfileName>("--profile", PROFILE_NAMES, values.profile) }),
  ...(values.status === undefined
    ? {}
    : { status: oneOf<RunStatus>("--status", RUN_STATUSES, values.status) }),
});

const took = (run: RunView): string => {
  if (!run.startedAt) return "";
  const ms = Date.parse(run.finishedAt ?? new Date().toISOString()) - Date.parse(run.startedAt);
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
};

/** `scaleproof list [--limit N] [--profile P] [--status S]`: recent runs, newest first. */
export const list: Command = {
  options: ["limit", "profile", "status"],
  validate: (values) => {
    listInput(values);
  },
  async run({ client, out, values }) {
    const runs = await retrying(() => client.scaleTest.list.query(listInput(values)));
    if (!runs.length) {
      out.line("no runs");
      return EXIT.pass;
    }
    const { paint } = out;
    const rows = runs.map((r) => [
      r.id,
      r.profile,
      r.status,
      r.verdict === "PASS" ? paint.pass("PASS") : r.verdict ? paint.fail(r.verdict) : "",
      `${r.checks.filter((c) => c.pass).length}/${r.checks.length}`,
      r.createdAt.replace(/\.\d+Z$/, "Z"),
      took(r),
    ]);
    out.line(
      table(["run", "profile", "status", "verdict", "checks", "created", "took"], rows, {
        boxed: out.interactive,
        columns: out.stream.columns,
      }),
    );
    return EXIT.pass;
  },
};
