import { Layer } from "effect";
import { Streams } from "../profiles/streams/service.ts";
import { DbEvidence } from "../services/dbEvidence.ts";
import { Evidence } from "../services/evidence.ts";
import { Faults } from "../services/faults.ts";
import { Infra } from "../services/infra.ts";
import { Ingest } from "../services/ingest.ts";
import { JobEvidence } from "../services/jobEvidence.ts";
import { Load } from "../services/load.ts";
import { MemoryEvidence } from "../services/memoryEvidence.ts";
import { Progress } from "../services/progress.ts";
import { Scaler } from "../services/scaler.ts";
import { Target } from "../services/target.ts";
import { Uploads } from "../services/uploads.ts";
import { World, type WorldOptions } from "./world.ts";

/** Every service a profile needs, in memory over one `World` (which the test can read too). */
export const layerTestSystem = (options: WorldOptions = {}) =>
  Layer.mergeAll(
    Target.layerTest,
    Evidence.layerTest,
    Progress.layerTest,
    Faults.layerTest,
    Scaler.layerTest,
    Infra.layerTest,
    JobEvidence.layerTest,
    MemoryEvidence.layerTest,
    Load.layerTest,
    DbEvidence.layerTest,
    Ingest.layerTest,
    Uploads.layerTest,
    Streams.layerTest,
  ).pipe(Layer.provideMerge(World.layer(options)));
