import { zoned } from "../../check.ts";
import type { Check, CheckZone } from "../../schema.ts";
import type { Zone } from "./zones.ts";

const TIER: Readonly<Record<Zone, CheckZone>> = { STABLE: "pass", RISK: "risk", FAIL: "fail" };

/**
 * A check judged in seed 002's zones: STABLE passes, RISK is the verdict's RISK tier
 * (between the PASS and FAIL lines), FAIL fails; `zone` null (not measured) fails.
 */
export const zoneCheck = (
  step: string,
  name: string,
  expected: string,
  actual: Check["actual"],
  zone: Zone | null,
  detail: string,
): Check => zoned(step, name, expected, actual, zone === null ? "fail" : TIER[zone], detail);
