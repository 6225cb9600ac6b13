import { ArgumentError } from "./errors.ts";

/**
 * `START/END[,START/END...]` (ISO instants with an offset, e.g.
 * `2013-10-07T14:00:00Z/2013-10-07T15:00:00Z`) -> the run input's `ranges`. Only the
 * shape is checked here; the instants and their order are the run schema's to judge.
 */
export const parseRanges = (text: string): { start: string; end: string }[] =>
  text.split(",").map((part) => {
    const pieces = part.trim().split("/");
    if (pieces.length !== 2 || !pieces[0] || !pieces[1]) {
      throw new ArgumentError("--ranges", `expected START/END, got ${JSON.stringify(part)}`);
    }
    return { start: pieces[0], end: pieces[1] };
  });
