import { describe, expect, it } from "vitest";
import { ingestLevelRows } from "../src/IngestLevelsChart/IngestLevelsChart.tsx";
import { chartRows, decodeSeries } from "../src/TimeSeriesChart/series.ts";
import { uploadFigures } from "../src/UploadThroughput/UploadThroughput.tsx";
import { rssPeaks } from "../src/WritePaths/WritePaths.tsx";

describe("the write profiles' figures from a run's metrics", () => {
  it("reads each ingest level (also inside a full run), in rate order", () => {
    expect(
      ingestLevelRows({
        "ingest.level_25.offered_rps": 25,
        "ingest.level_25.achieved_rps": 24.2,
        "ingest.level_25.achieved_pct": 96.8,
        "ingest.level_25.gate_pct": 92,
        "ingest.level_5.achieved_rps": 5,
        "ingest.level_5.ack_p95_ms": 40,
        "ingest.sent": 450,
      }),
    ).toEqual([
      { rate: 5, offered: null, achieved: 5, achievedPct: null, gatePct: null },
      { rate: 25, offered: 25, achieved: 24.2, achievedPct: 96.8, gatePct: 92 },
    ]);
    expect(ingestLevelRows({ "part/ingest.level_2.5.offered_rps": 2.5 })[0]?.rate).toBe(2.5);
  });

  it("decodes a series metric into chart rows, skipping what is malformed", () => {
    const points = decodeSeries("i1:0=0,1=2.5,2=x;i2:0=1,2=3;broken");
    expect(points).toEqual([
      { name: "i1", s: 0, v: 0 },
      { name: "i1", s: 1, v: 2.5 },
      { name: "i2", s: 0, v: 1 },
      { name: "i2", s: 2, v: 3 },
    ]);
    expect(chartRows(points)).toEqual([
      { s: 0, i1: 0, i2: 1 },
      { s: 1, i1: 2.5 },
      { s: 2, i2: 3 },
    ]);
    expect(decodeSeries(null)).toEqual([]);
    expect(decodeSeries("")).toEqual([]);
  });

  it("reads MB/s and each instance's peak rss, and nothing for a run without uploads", () => {
    const m = {
      "uploads.mb_s": 10.5,
      "uploads.upload_p50_mb_s": 1,
      "uploads.concurrent_count": 12,
      "uploads.size_mb": 10,
      "uploads.i1.rss_peak_mb": 256.4,
      "uploads.i2.rss_peak_mb": 258.3,
      "uploads.soak.i1.rss_mb_per_h": 4,
      "uploads.rss_peak_total_mb": 514.7,
    };
    expect(uploadFigures(m)).toEqual({
      burstMbS: 10.5,
      perUploadMbS: 1,
      soakMbS: null,
      concurrent: 12,
      sizeMb: 10,
    });
    expect(rssPeaks(m)).toEqual({ i1: 256.4, i2: 258.3 });
    expect(uploadFigures({ "latency.p95_ms": 3 })).toBeNull();
  });
});
