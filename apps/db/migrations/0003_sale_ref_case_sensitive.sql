-- saleRef is the core system's id: `CORE-1` and `core-1` are different sales. Under the default
-- case-insensitive collation they collided on the unique key while comparing unequal in code.
ALTER TABLE `sales` MODIFY `sale_ref` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
