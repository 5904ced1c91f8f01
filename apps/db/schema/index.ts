export * from "./agent.js";
export * from "./notification.js";
export * from "./sales.js";
