import { ArgumentError } from "./errors.ts";

const UNIT_MIN = { s: 1 / 60, m: 1, h: 60 } as const;

/**
 * `10m`, `90s`, `1h`, `1.5h` or a bare number of minutes -> minutes. The run input's
 * own bounds (positive, at most 240) are checked by its zod schema afterwards.
 */
export const parseDuration = (flag: string, text: string): number => {
  const m = /^(\d+(?:\.\d+)?)\s*([smh])?$/.exec(text.trim());
  if (!m?.[1]) {
    throw new ArgumentError(
      flag,
      `not a duration: ${JSON.stringify(text)} (use 10m, 90s, 1h or minutes)`,
    );
  }
  const unit = (m[2] ?? "m") as keyof typeof UNIT_MIN;
  return Number(m[1]) * UNIT_MIN[unit];
};
