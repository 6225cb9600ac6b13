export { type UploadFigures, UploadThroughput, uploadFigures } from "./UploadThroughput.tsx";
