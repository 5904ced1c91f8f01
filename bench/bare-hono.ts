// Baseline: the cheapest Hono handler on @hono/node-server, answering a fixed agent-sized JSON body.
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const body = {
  agentCode: "AGT004",
  firstName: "Anura",
  lastName: "Jayasinghe",
  email: "anura.j@moon.lk",
  phone: "+94 77 100 0004",
  branch: "Colombo",
  team: "Alpha",
  status: "active",
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
};
const app = new Hono();
app.get("/agents/:code", (c) => c.json(body));
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0) }, (info) => console.log(`listening ${info.port}`));
