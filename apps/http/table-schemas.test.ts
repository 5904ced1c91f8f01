import { describe, expect, test } from "vitest";
import { agents, products, sales } from "../db/schema/index.js";
import { apiFormats, createSelectSchema, lengthOf } from "./table-schemas.js";

describe("lengthOf", () => {
  test("reads a VARCHAR's length, also through the exact-collation type", () => {
    expect(lengthOf(agents.firstName)).toBe(100);
    expect(lengthOf(sales.saleRef)).toBe(64);
  });

  test("refuses a column that is not a VARCHAR", () => {
    expect(() => lengthOf(products.targetAmount)).toThrow("column target_amount is not a VARCHAR");
  });
});

describe("apiFormats", () => {
  const sale = createSelectSchema(sales, apiFormats(sales));
  const row = {
    id: 1,
    saleRef: "CORE-1",
    agentCode: "AGT004",
    productCode: "LIFE-PLAT",
    amount: "125000.00",
    saleDate: "2024-03-01",
    branch: "Colombo",
    team: "Alpha",
    createdAt: "2024-03-01T08:30:00.000Z",
    updatedAt: "2024-03-01T08:30:00.000Z",
  };

  test("writes timestamps and money as strings, and reads exact-collation columns as sized strings", () => {
    expect(sale.parse(row)).toEqual(row);
    expect(sale.safeParse({ ...row, createdAt: new Date() }).success).toBe(false);
    expect(sale.safeParse({ ...row, amount: 125000 }).success).toBe(false);
    expect(sale.safeParse({ ...row, saleRef: 1 }).success).toBe(false);
    expect(sale.safeParse({ ...row, saleRef: "x".repeat(65) }).success).toBe(false);
  });

  test("keeps the column's nullability", () => {
    const agent = createSelectSchema(agents, apiFormats(agents));
    expect(agent.shape.phone.safeParse(null).success).toBe(true);
    expect(agent.shape.createdAt.safeParse(null).success).toBe(false);
  });
});
