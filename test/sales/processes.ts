// Programs run as real processes (`apps/main.ts <program>`), for restarts and SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { type AddressInfo, createServer } from "node:net";

export interface Program {
  url: string;
  process: ChildProcess;
  output(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export async function startProgram(name: string, env: Record<string, string>): Promise<Program> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, ["--import", "tsx", "apps/main.ts", name], {
    env: { ...process.env, LOG_LEVEL: "info", COLOUR: "blue", VERSION: "test", ...env, PORT: port },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (output.includes('"msg":"listening"')) {
        clearInterval(check);
        resolve();
      }
    }, 25);
    child.once("exit", (code) => {
      clearInterval(check);
      reject(new Error(`${name} exited with ${code} before listening:\n${output}`));
    });
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
