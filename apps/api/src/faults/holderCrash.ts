import type { Logger } from "pino";
import type { FaultRegistry } from "./registry.ts";

/**
 * The `cache-holder-crash` fault, one-shot: the fetcher of a bars request (of the fault's
 * `params.runId`, when given) whose provider call has returned kills its own instance
 * before the fill, so it dies holding the lease. Exactly one instance takes the fault
 * (`consume` is atomic); a run's faults spare its runner (`spareInstance`). The cache
 * profile's takeover step proves exactly one waiter then takes the lease over.
 */
export const holderCrash =
  (faults: FaultRegistry, log: Logger) =>
  async (runId: string | undefined): Promise<void> => {
    const fault = faults.find("cache-holder-crash");
    if (!fault) return;
    const want = fault.params.runId;
    if (want !== undefined && want !== runId) return;
    if (!(await faults.consume(fault))) return;
    log.warn(
      { event: "fault_holder_crash", runId },
      "FAULT cache-holder-crash: SIGKILL mid-fetch, holding the lease",
    );
    process.kill(process.pid, "SIGKILL");
    await new Promise(() => {}); // the signal is on its way
  };
