import { z } from "@hono/zod-openapi";
import { agentStatuses } from "../../db/schema/index.js";
import { code, name, timestamp } from "../../http/fields.js";
import { pageQuery, pageSchema } from "../../http/pagination.js";

const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()-]{5,30}$/, "must be a phone number of 6-32 digits, spaces, '-', '(' or ')'")
  .openapi({ example: "+94 77 123 4567" });

const editable = {
  firstName: name(100, "Anura"),
  lastName: name(100, "Jayasinghe"),
  email: z.email("must be an email address").max(254).openapi({ example: "anura.j@moon.lk" }),
  phone: phone.nullable().optional(),
  branch: name(64, "Colombo"),
  team: name(64, "Alpha"),
  status: z.enum(agentStatuses).optional(),
};

export const agentCodeParam = z.object({
  agentCode: code("AGT004").openapi({ param: { name: "agentCode", in: "path" } }),
});

export const createAgentBody = z
  .object({ agentCode: code("AGT004"), ...editable })
  .strict()
  .openapi("NewAgent");

export const updateAgentBody = z
  .object(editable)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "must change at least one field")
  .openapi("AgentChanges");

export const agentSchema = z
  .object({
    agentCode: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string(),
    phone: z.string().nullable(),
    branch: z.string(),
    team: z.string(),
    status: z.enum(agentStatuses),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi("Agent");

export const listAgentsQuery = z.object({
  branch: z.string().max(64).optional(),
  team: z.string().max(64).optional(),
  status: z.enum(agentStatuses).optional(),
  ...pageQuery,
});

export const agentPage = pageSchema(agentSchema).openapi("AgentPage");
