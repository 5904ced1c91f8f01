/** Monitoring is on by default where there is a cloud cluster to watch, off on a laptop's cluster. */
export const monitoringOnByDefault = (target: string): boolean => target !== "local";
