import type { Writable } from "node:stream";
import { colour } from "./format.ts";

/**
 * Where the human-readable output goes and how it looks. With `--json -` the export owns
 * stdout, so everything for people goes to stderr. Spinners, box tables and colour only
 * on a terminal without NO_COLOR (and not TERM=dumb); otherwise plain lines a log or a
 * CI step can keep.
 */
export interface Output {
  readonly stream: Writable & { isTTY?: boolean; columns?: number };
  readonly interactive: boolean;
  readonly paint: ReturnType<typeof colour>;
  line(text?: string): void;
}

export const createOutput = (humanToStderr: boolean): Output => {
  const stream = humanToStderr ? process.stderr : process.stdout;
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  const interactive = Boolean(stream.isTTY) && !noColor && process.env.TERM !== "dumb";
  return {
    stream,
    interactive,
    paint: colour(interactive),
    line: (text = "") => {
      stream.write(`${text}\n`);
    },
  };
};
