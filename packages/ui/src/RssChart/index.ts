export { RssChart } from "./RssChart.tsx";
