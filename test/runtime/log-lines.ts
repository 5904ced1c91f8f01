// A process that logs through createLogger and ends as it is told, for apps/runtime/logger.test.ts:
// `node --import tsx test/runtime/log-lines.ts <lines> <exit|natural|throw|stay>`.
import { createLogger } from "../../apps/runtime/logger.js";

const [count, ending] = [Number(process.argv[2]), process.argv[3]];
const logger = createLogger({ service: "log-lines" });
for (let i = 0; i < count; i++) logger.info({ n: i, padding: "x".repeat(i % 200) }, "line");
if (ending === "exit") process.exit(0);
if (ending === "throw") throw new Error("crashed after logging");
if (ending === "stay") setInterval(() => undefined, 1_000);
