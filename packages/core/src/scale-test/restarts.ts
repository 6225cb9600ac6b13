import { z } from "zod";

/**
 * Run parameter `restarts`: the dependencies a run restarts mid-run (cache: Redis, after
 * the sustain; jobs: Postgres, with jobs in flight), only where the platform may restart
 * them; elsewhere "not measured".
 */
export const restartsParam = z.array(z.enum(["redis", "postgres"])).max(2);
