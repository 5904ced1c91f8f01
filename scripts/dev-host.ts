// Where `npm run dev` listens. Its API keys are published in the README, so by default only this
// machine can reach the services; HOST=0.0.0.0 opens them to the network on purpose.
export const devHost = (env: NodeJS.ProcessEnv = process.env): string => env.HOST ?? "127.0.0.1";
