import { mysqlErrorCode } from "./client.js";

export const isDuplicateKey = (err: unknown) => mysqlErrorCode(err) === "ER_DUP_ENTRY";
export const isForeignKeyViolation = (err: unknown) =>
  mysqlErrorCode(err) === "ER_NO_REFERENCED_ROW_2" || mysqlErrorCode(err) === "ER_ROW_IS_REFERENCED_2";
export const isDeadlock = (err: unknown) => mysqlErrorCode(err) === "ER_LOCK_DEADLOCK";
