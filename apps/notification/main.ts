import { runService } from "../http/service.js";
import { notificationService } from "./service.js";

export const run = () => runService(notificationService);
