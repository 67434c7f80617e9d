// tamlink in English and in Simplified Chinese, in a real browser: the same pages (workbench, a
// ticket, the staff console, the setup guide) for a reader whose browser speaks each language, at
// Lark's mobile width. Each page is screenshotted; a Chinese page shows no English catalog string
// (what people typed aside); no page scrolls sideways at 390 px, with Chinese text or with long
// English words; and the page's language switcher turns an English page Chinese.
//
// Usage: node languages.mjs   (after `cargo build -p tamlink-gateway --bin tamlink-local`)

import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { root, signIn, startStack } from "./stack.mjs";

const shots = path.join(root, "target/browser");
mkdirSync(shots, { recursive: true });
const CUSTOMER = "cli_acmerobotics01";
const PROVIDER = "cli_nimbusprovider01";
const WIDTH = 390;

/** The English catalog's whole sentences and labels (no placeholders, not the same in Chinese). */
function englishStrings() {
  const read = lang => {
    const out = new Map();
    for (const f of readdirSync(path.join(root, "shared/locales", lang))) {
      for (const line of readFileSync(path.join(root, "shared/locales", lang, f), "utf8").split("\n")) {
        const m = line.match(/^([a-z0-9-]+) = (.+)$/);
        if (m && !m[2].includes("{")) out.set(m[1], m[2].trim());
      }
    }
    return out;
  };
  const en = read("en"), zh = read("zh-CN");
  // Short words (Lark, TAM, SLA) are names, not sentences; the same in both is not English.
  return [...en].filter(([k, v]) => v !== zh.get(k) && v.length >= 8 && v.includes(" ")).map(([, v]) => v);
}

async function noSidewaysScroll(page, what) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= WIDTH, `${what}: no sideways scrolling at ${WIDTH}px (page is ${wide}px wide)`);
}

async function noEnglish(page, what, english) {
  const text = await page.evaluate(() => document.body.innerText);
  const found = english.filter(s => text.includes(s));
  assert.deepEqual(found, [], `${what}: English catalog strings on a Chinese page`);
}

async function main() {
  const { base, child } = await startStack();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const english = englishStrings();
  assert.ok(english.length > 100, `catalog read (${english.length} strings)`);
  try {
    for (const [lang, locale, tag] of [["en", "en-US", "en"], ["zh", "zh-CN", "zh-CN"]]) {
      const check = async (page, what) => {
        assert.equal(await page.evaluate(() => document.documentElement.lang), tag, `${what}: <html lang>`);
        await noSidewaysScroll(page, `${what} (${lang})`);
        if (lang === "zh") await noEnglish(page, what, english);
        await page.screenshot({ path: path.join(shots, `${what}-${lang}.png`), fullPage: true });
      };
      // A colleague on her phone: the workbench, then a ticket with a long unbroken English word
      // in its title (what people type is shown as typed, and must still fit).
      const person = lang === "en" ? "Ben Brooks" : "Ana Ortiz";
      const ana = await signIn(browser, base, CUSTOMER, person, WIDTH, locale);
      await check(ana.page, "workbench");
      const title = lang === "en"
        ? "Kubernetes-cluster-autoscaler-misconfiguration-in-production-eu-west-1-zone-b"
        : "生产环境集群自动扩缩容配置错误导致机器人遥测数据全部丢失";
      const created = await ana.page.evaluate(async ([app, title]) => {
        const r = await fetch(`/lark/${app}/api/tickets`, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({title, severity: "sev2", description: "Telemetry stopped."})});
        return r.json();
      }, [CUSTOMER, title]);
      await ana.page.goto(`${base}/lark/${CUSTOMER}/workbench?group=${created.group_id}`);
      await ana.page.locator("#ticket-head").waitFor();
      await ana.page.locator("#messages .msg.system").first().waitFor();
      await check(ana.page, "ticket");
      assert.deepEqual(ana.errors, [], `no errors on the colleague's pages (${lang})`);

      // The TAM's console at the same width, and the setup guide a customer's admin opens.
      const tara = await signIn(browser, base, PROVIDER, "Tara Lin", WIDTH, locale);
      await check(tara.page, "console");
      const setup = await tara.page.context().newPage();
      await setup.goto(`${base}/lark/${CUSTOMER}/api/setup`);
      await check(setup, "setup");
      assert.deepEqual(tara.errors, [], `no errors on the TAM's pages (${lang})`);
    }

    // An English reader switches to Chinese with the page's own switcher, and back.
    const ben = await signIn(browser, base, CUSTOMER, "Ben Brooks", 1280, "en-US");
    assert.equal(await ben.page.evaluate(() => document.documentElement.lang), "en");
    await ben.page.selectOption("#lang-switch select", "zh-CN");
    await ben.page.waitForFunction(() => document.documentElement.lang === "zh-CN");
    await ben.page.getByRole("heading", { name: "工单", exact: true }).waitFor();
    await ben.page.selectOption("#lang-switch select", "en");
    await ben.page.waitForFunction(() => document.documentElement.lang === "en");
    await ben.page.getByRole("heading", { name: "Tickets", exact: true }).waitFor();
    console.log(`language journey passed (${english.length} English strings checked); screenshots in ${shots}`);
  } finally {
    await browser.close();
    child.kill("SIGTERM");
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
