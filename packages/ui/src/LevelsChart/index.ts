export { LevelsChart } from "./LevelsChart.tsx";
