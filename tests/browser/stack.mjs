// The local stack and a signed-in browser page, for the browser journeys.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });

/** Starts the local stack and resolves with its base URL once it says it is running. */
/** A free port whose next port is free too (the sandbox serves Feishu on its port + 1). */
async function freePair() {
  for (;;) {
    const port = await freePort();
    const next = await new Promise(resolve => {
      const srv = net.createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port + 1, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (next) return port;
  }
}

export async function startStack() {
  const [gateway, sandbox] = [await freePort(), await freePair()];
  const child = spawn(path.join(root, "target/debug/tamlink-local"), [], {
    cwd: root,
    env: { ...process.env, TAMLINK_PORT: String(gateway), TAMLINK_SANDBOX_PORT: String(sandbox), RUST_LOG: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const base = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`stack did not start:\n${out}`)), 90_000);
    child.stdout.on("data", chunk => {
      out += chunk;
      if (out.includes("tamlink is running")) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${gateway}`);
      }
    });
    child.on("exit", code => reject(new Error(`tamlink-local exited with ${code}:\n${out}`)));
  });
  return { base, child, sandbox: `http://127.0.0.1:${sandbox}` };
}

export async function signIn(browser, base, app, person, width, locale = "en-US", init = null) {
  const context = await browser.newContext({ viewport: { width, height: 860 }, locale });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  // The chat sockets the page opens, and its polls of the chat (GET …/messages?after=n).
  const sockets = [], polls = [];
  page.on("websocket", ws => sockets.push({ ws, at: Date.now() }));
  page.on("request", r => r.url().includes("/messages?after=") && polls.push(Date.now()));
  const errors = [];
  page.on("pageerror", e => errors.push(e.message));
  // A script or connection the page's Content-Security-Policy refused is an error of the page.
  page.on("console", m => m.type() === "error" && /Content Security Policy/i.test(m.text()) && errors.push(m.text()));
  page.on("response", r => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
  await page.goto(`${base}/lark/${app}/workbench`);
  assert.match(page.url(), /\/open-apis\/authen\/v1\/authorize/, "the workbench sends a stranger to Lark");
  await page.getByRole("button", { name: new RegExp(person) }).click();
  await page.waitForURL(`${base}/lark/${app}/workbench**`);
  return { page, errors, sockets, polls };
}

