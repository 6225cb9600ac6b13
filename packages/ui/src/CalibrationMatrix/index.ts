export { CalibrationMatrix, type CalibrationRowView } from "./CalibrationMatrix.tsx";
