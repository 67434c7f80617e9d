// The README's first command, seen through a real browser: `tamlink-local` with its demo data,
// a headless Chromium signing in on the sandbox's Lark page, chatting with an @mention between a
// colleague (desktop width) and the TAM (Lark's mobile width), Add People, a ticket, an emergency
// the TAM acknowledges from the card in her Lark chat (the sandbox's messenger), the TAM handing
// the ticket to another engineer and resolving it, and the colleague rating it.
//
// Usage: node journey.mjs   (after `cargo build -p tamlink-gateway --bin tamlink-local`)
// Screenshots land in target/browser/.

import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startStack, signIn } from "./stack.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const shots = path.join(root, "target/browser");
mkdirSync(shots, { recursive: true });
const CUSTOMER = "cli_acmerobotics01";
const PROVIDER = "cli_nimbusprovider01";

async function main() {
  const { base, child, sandbox } = await startStack();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    // Ana, at desktop width, lands in her workbench with the service group's chat.
    const ana = await signIn(browser, base, CUSTOMER, "Ana Ortiz", 1280);
    await ana.page.getByText("Acme Robotics").first().waitFor();
    await ana.page.locator("#chat").waitFor();
    await ana.page.locator("#members-open", { hasText: "Members (4)" }).waitFor();

    // She types @Ta, picks Tara from the menu, and sends a message with markup in it.
    const composer = ana.page.locator("#composer-text");
    await composer.click();
    await composer.pressSequentially("@Ta");
    const option = ana.page.locator("#mention-menu li", { hasText: "Tara Lin" });
    await option.waitFor();
    await composer.press("Enter");
    assert.equal(await composer.inputValue(), "@Tara Lin ");
    await composer.pressSequentially("robots stopped reporting <b>since 9am</b>");
    await composer.press("Enter");
    const sent = ana.page.locator("#messages .msg.mine").last();
    await sent.waitFor();
    assert.equal(await sent.locator(".mention").textContent(), "@Tara Lin");
    assert.match(await sent.locator(".text").textContent(), /<b>since 9am<\/b>/, "markup is shown as typed");
    assert.equal(await sent.locator(".text b").count(), 0, "markup never becomes elements");
    assert.equal(await composer.inputValue(), "", "the composer clears after sending");
    await ana.page.screenshot({ path: path.join(shots, "workbench-chat.png"), fullPage: true });

    // Tara, at Lark's mobile width, opens the group from the console and answers.
    const tara = await signIn(browser, base, PROVIDER, "Tara Lin", 390);
    // The page tells the notifier how far she has read (so a mention she read is not sent).
    const readReport = tara.page.waitForRequest(r => r.method() === "POST" && r.url().endsWith("/read"));
    await tara.page.locator(`article.org-card[data-app="${CUSTOMER}"]`).getByRole("link", { name: "Open service group" }).click();
    await tara.page.locator("#messages .msg", { hasText: "robots stopped reporting" }).waitFor();
    const reported = JSON.parse((await readReport).postData());
    assert.ok(reported.seq >= 1, `read report ${JSON.stringify(reported)}`);
    const wide = await tara.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `no sideways scrolling on mobile (page is ${wide}px wide)`);
    // Ana's page follows the group over its chat socket and no longer polls: Tara's answer is
    // pushed to it, in under a second from the moment Tara's post is stored.
    assert.equal(ana.sockets.length, 1, "Ana's page opened its chat socket");
    const sockOpen = ana.sockets[0].at;
    // Long enough that a 3-second poll would have shown itself.
    await ana.page.waitForTimeout(Math.max(0, sockOpen + 4000 - Date.now()));
    const stored = tara.page.waitForResponse(r => r.request().method() === "POST" && r.url().endsWith("/messages"));
    await tara.page.locator("#composer-text").fill("On it, Ana. Checking the telemetry pipeline.");
    await tara.page.locator("#send").click();
    assert.equal((await stored).status(), 201);
    const postedAt = Date.now();
    await ana.page.locator("#messages .msg:not(.mine)", { hasText: "On it, Ana" }).waitFor({ timeout: 5_000 });
    const pushMs = Date.now() - postedAt;
    assert.ok(pushMs < 1000, `pushed in ${pushMs} ms`);
    const quiet = ana.polls.filter(at => at > sockOpen + 1000);
    assert.deepEqual(quiet, [], `no polling while the socket is open (${Date.now() - sockOpen} ms)`);
    console.log(`pushed to Ana's page ${pushMs} ms after Tara's post was stored; no poll in ${Date.now() - sockOpen} ms`);
    await tara.page.locator("#messages .msg.mine", { hasText: "On it, Ana" }).waitFor();
    await tara.page.screenshot({ path: path.join(shots, "console-chat-mobile.png"), fullPage: true });

    // API Gateway ends every connection after 2 hours (or 10 idle minutes): the page polls
    // while it reconnects, then fills whatever it missed; Tara's next line is not lost.
    const closed = await fetch(`${base}/_chat/_local/close-all`, { method: "POST" });
    assert.equal(closed.status, 200);
    await tara.page.locator("#composer-text").fill("Pipeline restarted.");
    await tara.page.locator("#send").click();
    await ana.page.locator("#messages .msg", { hasText: "Pipeline restarted." }).waitFor({ timeout: 10_000 });
    for (let i = 0; ana.sockets.length < 2 && i < 50; i++) await ana.page.waitForTimeout(200);
    assert.equal(ana.sockets.length, 2, "Ana's page reconnected");

    // Behind a proxy that refuses WebSockets, Ben's page falls back to polling.
    const ben = await signIn(browser, base, CUSTOMER, "Ben Brooks", 1024, "en-US", () => {
      window.WebSocket = class {
        constructor() { setTimeout(() => this.onclose && this.onclose({ code: 1006 }), 10); }
        send() {}
        close() {}
      };
    });
    await ben.page.locator("#chat").waitFor();
    await tara.page.locator("#composer-text").fill("Ben, can you see this?");
    await tara.page.locator("#send").click();
    await ben.page.locator("#messages .msg", { hasText: "Ben, can you see this?" }).waitFor({ timeout: 10_000 });
    assert.ok(ben.polls.length > 0, "Ben's page polled");
    assert.deepEqual(ben.errors, [], "no script errors on Ben's page");
    await ben.page.context().close();

    // Group Member Management: colleagues and service team, and Ana may leave.
    await ana.page.locator("#members-open").click();
    await ana.page.locator("#member-service li", { hasText: "Tara Lin" }).waitFor();
    assert.equal(await ana.page.locator("#member-service li").count(), 3);
    await ana.page.locator("#member-colleagues li", { hasText: "Ana Ortiz (you)" }).getByRole("button", { name: "Leave" }).waitFor();
    await ana.page.locator("#members-dialog [data-close]").click();

    // Add People: a 24-hour link to this group, listed as active.
    await ana.page.locator("#add-people").click();
    await ana.page.locator("#invite-create").click();
    const url = ana.page.locator("#invite-url");
    await ana.page.waitForFunction(() => document.getElementById("invite-url").value !== "");
    assert.match(await url.inputValue(), new RegExp(`^${base}/lark/${CUSTOMER}/person/inviteToGroup\\?token=`));
    await ana.page.locator("#invite-list li", { hasText: "By Ana Ortiz" }).waitFor();
    await ana.page.screenshot({ path: path.join(shots, "add-people.png") });
    const link = await url.inputValue();

    // Create Ticket: Ana opens one and lands in its ticket group, with an engineer on it.
    await ana.page.locator("#invite-dialog [data-close]").click();
    await ana.page.locator("#create-ticket").click();
    await ana.page.locator("#t-title").fill("Robots stopped reporting <script>alert(1)</script>");
    await ana.page.locator("#t-severity").selectOption("sev2");
    await ana.page.locator("#t-description").fill("Since 09:12, hall B.");
    await ana.page.getByRole("button", { name: "Open the ticket" }).click();
    await ana.page.locator("#ticket-head").waitFor();
    assert.equal(await ana.page.locator("#ticket-status").textContent(), "Assigned");
    await ana.page.locator("#messages .msg.system", { hasText: "opened #1 (S2 · High)" }).waitFor();
    assert.match(await ana.page.locator("#group-title").textContent(), /^#1 Robots stopped reporting <script>/);
    // Reminder: pressed once, then it waits out its 30 minutes.
    await ana.page.locator("#ticket-remind").click();
    await ana.page.locator("#messages .msg.system", { hasText: "sent reminder 1" }).waitFor();
    assert.ok(await ana.page.locator("#ticket-remind").isDisabled(), "Reminder waits for its cooldown");
    // Emergency: the reason and a confirmation, then the banner says the team is being paged.
    await ana.page.locator("#ticket-emergency").click();
    await ana.page.getByLabel("Business outage").check();
    await ana.page.getByLabel("Yes, our business is affected right now.").check();
    await ana.page.getByRole("button", { name: "Page the service team" }).click();
    await ana.page.locator("#emergency-banner", { hasText: "has been paged once" }).waitFor();
    await ana.page.screenshot({ path: path.join(shots, "ticket-group.png"), fullPage: true });
    // Tara sees it among the open tickets of the console.
    await tara.page.goto(`${base}/lark/${PROVIDER}/workbench`);
    await tara.page.locator("#open-tickets tr.emergency", { hasText: "#1 Robots stopped reporting" }).waitFor();
    // Her phone buzzes: the page in her Lark bot chat (the sandbox's messenger) carries
    // Acknowledge. Pressing it calls tamlink back, signed and encrypted as Lark does; the toast
    // says so and the card turns into the acknowledged one.
    const lark = await (await browser.newContext({ viewport: { width: 390, height: 860 } })).newPage();
    const messenger = `${sandbox}/_sandbox/messenger?user=tara&app_id=${PROVIDER}`;
    const pageCard = lark.locator(".card", { hasText: "EMERGENCY on #1" });
    for (let i = 0; i < 30 && !(await pageCard.count()); i++) {
      await lark.goto(messenger);
      if (!(await pageCard.count())) await lark.waitForTimeout(500);
    }
    const pressed = await pageCard.first().getAttribute("data-message");
    await pageCard.first().getByRole("button", { name: "Acknowledge" }).click();
    await lark.locator(".toast.success", { hasText: "Acknowledged. The pages for #1 stop." }).waitFor();
    const same = lark.locator(`.card[data-message="${pressed}"]`);
    assert.match(await same.textContent(), /Tara Lin acknowledged it/, "the pressed card changed in place");
    assert.equal(await same.getByRole("button", { name: "Acknowledge" }).count(), 0);
    await lark.screenshot({ path: path.join(shots, "lark-messenger-acknowledged.png"), fullPage: true });
    // Ana's workbench shows the acknowledgement.
    await ana.page.reload();
    await ana.page.locator("#emergency-banner", { hasText: "Acknowledged by Tara Lin" }).waitFor();

    // Tara hands the ticket to the other engineer from its page and resolves it; Ana rates it there.
    await tara.page.goto(ana.page.url().replace(CUSTOMER, PROVIDER));
    await tara.page.locator("#ticket-reassign button").click();
    await tara.page.locator("#messages .msg.system", { hasText: "Tara Lin handed #1" }).waitFor();
    await tara.page.screenshot({ path: path.join(shots, "ticket-reassigned.png"), fullPage: true });
    await tara.page.locator(".ticket-move[data-status='resolved']").click();
    await tara.page.locator("#ticket-status", { hasText: "Resolved" }).waitFor();
    await ana.page.reload();
    await ana.page.locator("#ticket-rate input[name=score][value='5']").check();
    await ana.page.locator("#ticket-rate input[name=comment]").fill("Fixed fast, thanks");
    await ana.page.locator("#ticket-rate button[type=submit]").click();
    await ana.page.locator("#ticket-rating", { hasText: "Rated 5/5 by Ana Ortiz" }).waitFor();
    await ana.page.screenshot({ path: path.join(shots, "ticket-rated.png"), fullPage: true });

    // Tara opens Acme's monthly report from the console: the resolution and the rating are in
    // its figures and charts, on her phone and on a desk-sized screen.
    await tara.page.goto(`${base}/lark/${PROVIDER}/workbench`);
    await tara.page.locator(`article.org-card[data-app="${CUSTOMER}"] a.report-link`).click();
    await tara.page.locator("svg.chart").first().waitFor();
    assert.equal(await tara.page.locator("[data-figure=resolved] b").textContent(), "1");
    assert.equal(await tara.page.locator("[data-figure=csat] b").textContent(), "5");
    assert.equal(await tara.page.locator("[data-figure=emergencies] b").textContent(), "1");
    assert.ok((await tara.page.locator("svg.chart").count()) >= 4, "daily, times, SLA and satisfaction charts");
    const reportWide = await tara.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(reportWide <= 390, `the report fits a phone (${reportWide}px wide)`);
    await tara.page.screenshot({ path: path.join(shots, "report-mobile.png"), fullPage: true });
    await tara.page.setViewportSize({ width: 1120, height: 900 });
    await tara.page.screenshot({ path: path.join(shots, "report.png"), fullPage: true });
    const csv = await tara.page.locator("#report-csv").getAttribute("href");
    assert.match(csv, /format=csv/);
    await tara.page.setViewportSize({ width: 390, height: 860 });

    // Ben opens the link: Lark sign-in, then the landing page (he joined at sign-in already).
    const benContext = await browser.newContext({ viewport: { width: 390, height: 860 } });
    const benAgain = await benContext.newPage();
    await benAgain.goto(link);
    await benAgain.getByRole("button", { name: /Ben Brooks/ }).click();
    await benAgain.getByText("You are already in this group").waitFor();

    assert.deepEqual(ana.errors, [], "no script errors on Ana's page");
    assert.deepEqual(tara.errors, [], "no script errors on Tara's page");
    console.log(`browser journey passed; screenshots in ${shots}`);
  } finally {
    await browser.close();
    child.kill("SIGTERM");
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
