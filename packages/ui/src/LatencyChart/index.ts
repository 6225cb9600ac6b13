export { LatencyChart, type LatencyRow, latencyRows } from "./LatencyChart.tsx";
