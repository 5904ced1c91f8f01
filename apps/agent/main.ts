import { runService } from "../http/service.js";
import { agentService } from "./service.js";

export const run = () => runService(agentService);
