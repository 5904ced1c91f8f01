// The compiled migrate program reads SQL files beside it; tsc copies only code.
import { cpSync } from "node:fs";

cpSync("apps/db/migrations", "dist/apps/db/migrations", { recursive: true });
