export { LatencyChart, type LatencyRow, latencyRows, p95Summary } from "./LatencyChart.tsx";
