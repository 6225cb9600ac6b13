export { chartRows, decodeSeries, type SeriesPoint } from "./series.ts";
export { TimeSeriesChart } from "./TimeSeriesChart.tsx";
