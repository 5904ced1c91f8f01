// Sales written straight into the table, for tests of what other services do once a sale exists.
import type { TestDatabase } from "../databases.js";

export async function insertSaleRow(
  db: TestDatabase,
  row: { saleRef: string; agentCode: string; productCode: string; amount: string },
): Promise<void> {
  await db.handle.pool.query(
    "INSERT INTO sales (sale_ref, agent_code, product_code, amount, sale_date, branch, team) VALUES (?, ?, ?, ?, '2024-03-01', 'Colombo', 'Alpha')",
    [row.saleRef, row.agentCode, row.productCode, row.amount],
  );
}
