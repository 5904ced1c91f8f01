export * from "./agent.js";
export * from "./sales.js";
export * from "./notification.js";
