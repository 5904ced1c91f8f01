import { servicePort } from "../../contract/index.js";
import type { ServiceDefinition } from "../http/service.js";
import { registerAgentRoutes } from "./agents/handlers.js";
import { registerAuthorisationRoutes } from "./authorisations/handlers.js";
import { registerProductRoutes } from "./products/handlers.js";

export const agentService: ServiceDefinition = {
  name: "agent",
  title: "Moon Agent Tracker: agent service",
  description: "Agents, products and which products each agent is authorised to sell.",
  defaultPort: servicePort("agent"),
  routes: (app, { db }) => {
    registerAgentRoutes(app, db);
    registerProductRoutes(app, db);
    registerAuthorisationRoutes(app, db);
  },
};
