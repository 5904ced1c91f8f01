import { z } from "@hono/zod-openapi";
import { agentStatuses, agents } from "../../db/schema/index.js";
import { code, name, nameFilter } from "../../http/fields.js";
import { pageQuery, pageSchema } from "../../http/pagination.js";
import { apiFormats, createInsertSchema, createSelectSchema, lengthOf } from "../../http/table-schemas.js";

export type AgentRow = typeof agents.$inferSelect;

const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()-]{5,30}$/, "must be a phone number of 6-32 digits, spaces, '-', '(' or ')'")
  .openapi({ example: "+94 77 123 4567" });

/** What a client may set: the table's columns under the shared field rules. */
const agentInput = createInsertSchema(agents, {
  agentCode: code("AGT004"),
  firstName: name(lengthOf(agents.firstName), "Anura"),
  lastName: name(lengthOf(agents.lastName), "Jayasinghe"),
  email: z.email("must be an email address").max(lengthOf(agents.email)).openapi({ example: "anura.j@moon.lk" }),
  phone: phone.nullable().optional(),
  branch: name(lengthOf(agents.branch), "Colombo"),
  team: name(lengthOf(agents.team), "Alpha"),
}).omit({ id: true, createdAt: true, updatedAt: true });

export const agentCodeParam = z.object({
  agentCode: code("AGT004").openapi({ param: { name: "agentCode", in: "path" } }),
});

export const createAgentBody = agentInput.strict().openapi("NewAgent");

export const updateAgentBody = agentInput
  .omit({ agentCode: true })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "must change at least one field")
  .openapi("AgentChanges");

export const agentSchema = createSelectSchema(agents, apiFormats(agents)).omit({ id: true }).openapi("Agent");

export const toAgent = (row: AgentRow): z.infer<typeof agentSchema> => ({
  agentCode: row.agentCode,
  firstName: row.firstName,
  lastName: row.lastName,
  email: row.email,
  phone: row.phone,
  branch: row.branch,
  team: row.team,
  status: row.status,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const listAgentsQuery = z.object({
  branch: nameFilter(lengthOf(agents.branch)).optional(),
  team: nameFilter(lengthOf(agents.team)).optional(),
  status: z.enum(agentStatuses).optional(),
  ...pageQuery,
});

export const agentPage = pageSchema(agentSchema).openapi("AgentPage");
