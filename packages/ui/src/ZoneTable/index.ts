export { type SignalColumn, ZoneTable } from "./ZoneTable.tsx";
