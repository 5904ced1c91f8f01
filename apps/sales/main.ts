import { runService } from "../http/service.js";
import { salesService } from "./service.js";

export const run = () => runService(salesService);
