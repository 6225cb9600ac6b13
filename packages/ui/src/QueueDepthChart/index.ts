export { QueueDepthChart } from "./QueueDepthChart.tsx";
