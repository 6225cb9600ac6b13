export { type CheckRow, ChecksTable } from "./ChecksTable.tsx";
