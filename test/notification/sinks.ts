// Stand-ins for the outside world the delivery worker talks to: a webhook receiver and an SMTP server.
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createTcpServer } from "node:net";

export interface WebhookSink {
  url: string;
  /** Every request received, failed ones included. */
  received: Array<{
    body: Record<string, unknown>;
    idempotencyKey: string | undefined;
    headers: IncomingHttpHeaders;
    answered: number;
  }>;
  close(): Promise<void>;
}

/** Answers 500 to the first `failFirst` requests, 204 after. */
export async function webhookSink(failFirst = 0): Promise<WebhookSink> {
  const received: WebhookSink["received"] = [];
  const server: Server = createHttpServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      const answered = received.length < failFirst ? 500 : 204;
      received.push({
        body: JSON.parse(data),
        idempotencyKey: req.headers["idempotency-key"] as string | undefined,
        headers: req.headers,
        answered,
      });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface SmtpSink {
  url: string;
  messages: Array<{ from: string; to: string[]; data: string }>;
  close(): Promise<void>;
}

/** Just enough SMTP for nodemailer to hand over a message (no TLS, no auth). */
export async function smtpSink(): Promise<SmtpSink> {
  const messages: SmtpSink["messages"] = [];
  const server = createTcpServer((socket) => {
    let buffer = "";
    let inData = false;
    let current = { from: "", to: [] as string[], data: "" };
    socket.write("220 sink ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString();
      for (let at = buffer.indexOf("\r\n"); at >= 0; at = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            messages.push(current);
            current = { from: "", to: [], data: "" };
            socket.write("250 queued\r\n");
          } else current.data += `${line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") socket.write("250 sink\r\n");
        else if (verb === "MAIL") {
          current.from = line.slice(10);
          socket.write("250 ok\r\n");
        } else if (verb === "RCPT") {
          current.to.push(line.slice(8));
          socket.write("250 ok\r\n");
        } else if (verb === "DATA") {
          inData = true;
          socket.write("354 go on\r\n");
        } else if (verb === "QUIT") socket.end("221 bye\r\n");
        else socket.write("250 ok\r\n");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`,
    messages,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
