// The outside world the delivery worker talks to: a webhook receiver and a mail relay.
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";
import { SMTPServer } from "smtp-server";

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
  /** smtp://user:pass@127.0.0.1:port: the relay offers STARTTLS and takes AUTH only after it. */
  url: string;
  /** The relay's self-signed certificate, for SMTP_CA_CERT. */
  caCert: string;
  /** Envelope paths as the SMTP commands carry them (`<a@b>`), the raw message, and how it arrived. */
  messages: Array<{ from: string; to: string[]; data: string; secure: boolean; user: string | undefined }>;
  close(): Promise<void>;
}

/** A mail relay (the smtp-server library) that, like a real one, needs TLS and a login before it takes mail. */
export async function smtpSink(login = { user: "moon-relay", pass: "relay-pass-0123456789" }): Promise<SmtpSink> {
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  const messages: SmtpSink["messages"] = [];
  const server = new SMTPServer({
    key: pems.private,
    cert: pems.cert,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, done) {
      if (auth.username === login.user && auth.password === login.pass) done(null, { user: auth.username });
      else done(new Error("invalid username or password"));
    },
    onData(stream, session, done) {
      let data = "";
      stream.on("data", (c: Buffer) => (data += c.toString()));
      stream.on("end", () => {
        const path = (a: { address: string }) => `<${a.address}>`;
        messages.push({
          from: session.envelope.mailFrom ? path(session.envelope.mailFrom) : "<>",
          to: session.envelope.rcptTo.map(path),
          data,
          secure: session.secure,
          user: session.user as string | undefined,
        });
        done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${login.user}:${login.pass}@127.0.0.1:${port}`,
    caCert: pems.cert,
    messages,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
