export { HeapChart, type HeapPoint } from "./HeapChart.tsx";
