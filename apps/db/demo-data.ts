// The insurance scenario from DOMAIN.md: agents, products and authorisations for local development.
// Sales, targets and notifications are demo data of the services that own them.

export const demoAgents = [
  { agentCode: "AGT001", firstName: "Kamal", lastName: "Fernando", email: "kamal.fernando@moon.lk", phone: "+94 77 100 0001", branch: "Trincomalee", team: "Alpha" },
  { agentCode: "AGT002", firstName: "Dilani", lastName: "Wickramasinghe", email: "dilani.w@moon.lk", phone: "+94 77 100 0002", branch: "Badulla", team: "Beta" },
  { agentCode: "AGT003", firstName: "Sunil", lastName: "Rajapaksa", email: "sunil.r@moon.lk", phone: "+94 77 100 0003", branch: "Ratnapura", team: "Gamma" },
  { agentCode: "AGT004", firstName: "Anura", lastName: "Jayasinghe", email: "anura.j@moon.lk", phone: "+94 77 100 0004", branch: "Colombo", team: "Alpha" },
  { agentCode: "AGT005", firstName: "Nimal", lastName: "Perera", email: "nimal.p@moon.lk", phone: "+94 77 100 0005", branch: "Kandy", team: "Beta" },
  { agentCode: "AGT006", firstName: "Ruwan", lastName: "Silva", email: "ruwan.s@moon.lk", phone: "+94 77 100 0006", branch: "Galle", team: "Gamma" },
  { agentCode: "AGT007", firstName: "Chamari", lastName: "Bandara", email: "chamari.b@moon.lk", phone: "+94 77 100 0007", branch: "Matara", team: "Delta" },
  { agentCode: "AGT008", firstName: "Tharindu", lastName: "Kumara", email: "tharindu.k@moon.lk", phone: "+94 77 100 0008", branch: "Jaffna", team: "Alpha" },
  { agentCode: "AGT009", firstName: "Ishara", lastName: "Senanayake", email: "ishara.s@moon.lk", phone: "+94 77 100 0009", branch: "Anuradhapura", team: "Beta" },
  { agentCode: "AGT010", firstName: "Priyanka", lastName: "Dissanayake", email: "priyanka.d@moon.lk", phone: "+94 77 100 0010", branch: "Colombo", team: "Gamma" },
  { agentCode: "AGT011", firstName: "Lahiru", lastName: "Gunawardena", email: "lahiru.g@moon.lk", phone: "+94 77 100 0011", branch: "Kandy", team: "Delta" },
  { agentCode: "AGT012", firstName: "Malini", lastName: "Herath", email: "malini.h@moon.lk", phone: null, branch: "Galle", team: "Delta", status: "inactive" as const },
];

export const demoProducts = [
  { productCode: "LIFE-PLAT", type: "life", name: "Life Insurance – Platinum Plan", targetAmount: "120000.00" },
  { productCode: "VEH-FULL", type: "vehicle", name: "Vehicle Insurance – Full Cover", targetAmount: "90000.00" },
  { productCode: "HEALTH-FAM", type: "health", name: "Health Insurance – Family Plan", targetAmount: "100000.00" },
  { productCode: "LIFE-BASIC", type: "life", name: "Life Insurance – Basic Plan", targetAmount: "60000.00" },
  { productCode: "VEH-TP", type: "vehicle", name: "Vehicle Insurance – Third Party", targetAmount: "30000.00" },
];

/** Which products each demo agent may sell. */
export const demoAuthorisations: Array<[agentCode: string, productCodes: string[]]> = [
  ["AGT001", ["LIFE-BASIC", "VEH-TP"]],
  ["AGT002", ["HEALTH-FAM"]],
  ["AGT003", ["VEH-FULL", "VEH-TP"]],
  ["AGT004", ["LIFE-PLAT", "LIFE-BASIC"]],
  ["AGT005", ["VEH-FULL", "VEH-TP"]],
  ["AGT006", ["HEALTH-FAM"]],
  ["AGT007", ["LIFE-BASIC", "LIFE-PLAT"]],
  ["AGT008", ["VEH-TP"]],
  ["AGT009", ["LIFE-PLAT"]],
  ["AGT010", ["VEH-FULL"]],
  ["AGT011", ["HEALTH-FAM", "VEH-TP"]],
  ["AGT012", ["LIFE-BASIC"]],
];
