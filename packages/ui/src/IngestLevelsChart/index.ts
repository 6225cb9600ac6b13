export { type IngestLevelRow, IngestLevelsChart, ingestLevelRows } from "./IngestLevelsChart.tsx";
