export { LevelsTable } from "./LevelsTable.tsx";
export { fmt, type LevelView, ZONE_COLOR, type ZoneReading } from "./level.ts";
