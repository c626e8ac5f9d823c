// Takes the README screenshots (docs/screenshots/*.png) from a running portal, in Simplified Chinese, at
// phone (375x812) and desktop (1280x900) size. Run by scripts/screenshots.sh, which builds the browser
// tests (their Microsoft.Playwright package ships this Node and playwright-core) and starts ./run.sh
// when the portal is not running. Nothing is downloaded: Chromium is the system one.
//
// Environment: ESIM_PLAYWRIGHT (the playwright-core package folder), ESIM_CHROMIUM, ESIM_PORTAL_URL,
// ESIM_SCREENSHOTS (output folder), ESIM_DEMO_VOUCHERS and ESIM_DEMO_SIMS (the files ./run.sh's seeder writes).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { chromium } = require(process.env.ESIM_PLAYWRIGHT);

const portal = process.env.ESIM_PORTAL_URL || 'http://127.0.0.1:5080';
const out = process.env.ESIM_SCREENSHOTS;
const sizes = { phone: { width: 375, height: 812 }, desktop: { width: 1280, height: 900 } };

// The demo accounts seeded in Development (src/EsimRenewal.Web/Seeding/DemoData.cs).
const traveller = { id: 'traveller@example.com', password: 'Travel-demo-2026' };
const staff = { id: 'staff@example.com', password: 'Staff-demo-2026' };
const admin = { id: 'admin@example.com', password: 'Admin-demo-2026' };
const demoAdminKey = 'DEMOADMINKEYDEMOADMINKEYDEMOADMI'; // DemoData.AdminAuthenticatorKey: public, demo only
const physicalIccidBody = '898110000000000001'; // DemoData.PhysicalIccid without its check digit

function readLines(file) {
  return file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(l => l.trim()) : [];
}

// The current code of a base32 authenticator key (RFC 6238, as scripts/demo-totp.py).
function totp(key, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of key.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const secret = Buffer.from(bits.match(/.{8}/g).map(b => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30000)));
  const digest = crypto.createHmac('sha1', secret).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

async function signIn(page, who) {
  await page.goto(portal + '/account/login');
  await page.fill('[data-testid=identifier]', who.id);
  await page.fill('[data-testid=password]', who.password);
  await Promise.all([page.waitForLoadState('load'), page.click('[data-testid=login-submit]')]);
  if (page.url().includes('/account/login') && await page.locator('[data-testid=two-factor-form]').count() === 0) {
    throw new Error(`Signing in as ${who.id} failed (still on ${page.url()}); is the demo data seeded?`);
  }
}

async function signInWithTwoFactor(page, who, key) {
  await signIn(page, who);
  for (let attempt = 0; attempt < 2 && await page.locator('[data-testid=two-factor-form]').count() > 0; attempt++) {
    if (attempt > 0) await page.waitForTimeout(30000 - Date.now() % 30000 + 1000); // the next code, not the same one again
    await page.fill('[data-testid=two-factor-code]', totp(key));
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid=two-factor-submit]')]);
  }
  if (await page.locator('[data-testid=two-factor-form]').count() > 0) throw new Error(`The two-factor code for ${who.id} was refused.`);
}

// One picture per size of the page as it is now (full page, at most two screens tall); `prepare` runs again after each resize (a form to fill, say).
async function shoot(page, name, prepare) {
  for (const [size, viewport] of Object.entries(sizes)) {
    await page.setViewportSize(viewport);
    if (prepare) await prepare();
    await page.evaluate(() => document.fonts.ready);
    const file = path.join(out, `${name}-${size}.png`);
    // The whole page, but at most two screens tall: long lists would make tall, heavy pictures.
    const height = Math.min(await page.evaluate(() => document.documentElement.scrollHeight), 2 * viewport.height);
    await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: viewport.width, height },
      animations: 'disabled', caret: 'hide' });
    console.log(`  ${path.relative(process.cwd(), file)}`);
  }
}

async function newPage(browser) {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Tokyo', viewport: sizes.phone });
  context.setDefaultTimeout(30000);
  return context.newPage();
}

// A paid order of the traveller with its receipt: an existing one, or a renewal paid now through the
// Stripe emulator's checkout page with its test card (as tests/EsimRenewal.BrowserTests/Payments does).
async function paidOrder(page, renewUrl) {
  await page.goto(portal + '/orders');
  const links = await page.locator('[data-testid=order-list] a[href^="/orders/"]').evaluateAll(as => as.map(a => a.getAttribute('href')));
  for (const href of links) {
    await page.goto(portal + href);
    if (await page.locator('[data-testid=receipt]').count() > 0) return href;
  }
  console.log('  (no paid order yet: renewing the demo SIM for 30 days through the emulator checkout)');
  await page.goto(portal + renewUrl);
  await page.locator('[data-plan-code=jp-30d-30gb] input[type=radio]').check();
  await page.click('[data-testid=pay]');
  await page.waitForURL(url => !url.href.startsWith(portal));
  await page.fill('#card_number', '4242 4242 4242 4242');
  await page.fill('#expiry', '12 / 34');
  await page.fill('#cvc', '123');
  await page.click('#card-form button[type=submit]');
  await page.waitForURL(url => url.href.startsWith(portal + '/orders/'));
  for (let i = 0; i < 30 && await page.locator('[data-testid=receipt]').count() === 0; i++) {
    await page.waitForTimeout(1000);
    await page.reload();
  }
  if (await page.locator('[data-testid=receipt]').count() === 0) throw new Error('The paid order shows no receipt.');
  return new URL(page.url()).pathname;
}

(async () => {
  fs.mkdirSync(out, { recursive: true });
  const voucher = (readLines(process.env.ESIM_DEMO_VOUCHERS)[0] || '').trim().split(/\s+/)[1];
  const browser = await chromium.launch({
    executablePath: process.env.ESIM_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    // Anonymous: the storefront and a plan.
    const visitor = await newPage(browser);
    await visitor.goto(portal + '/');
    await shoot(visitor, 'storefront');
    await visitor.goto(portal + '/plans/jp-7d-10gb');
    await shoot(visitor, 'plan');

    // Traveller: renewal of the physical SIM, a paid order with its receipt, redeeming a voucher.
    const t = await newPage(browser);
    await signIn(t, traveller);
    await t.goto(portal + '/sims');
    const renewUrl = await t.locator(`[data-iccid^="${physicalIccidBody}"] [data-testid=renew]`).getAttribute('href');
    await t.goto(portal + renewUrl);
    const iccid = (await t.locator('[data-testid=iccid]').innerText()).trim();
    await shoot(t, 'renewal', () => t.locator('[data-plan-code=jp-30d-30gb] input[type=radio]').check());
    const order = await paidOrder(t, renewUrl);
    await t.goto(portal + order);
    await shoot(t, 'order');
    await t.goto(portal + '/redeem');
    if (voucher) {
      await t.fill('[data-testid=voucher-code]', voucher);
      await Promise.all([t.waitForLoadState('load'), t.click('[data-testid=redeem-find]')]);
    } else {
      console.log('  (no demo voucher code left: the redeem page is shown empty)');
    }
    await shoot(t, 'redeem');

    // Staff: postpones two-factor enrolment, then previews a voucher on the traveller's SIM (not redeemed).
    const s = await newPage(browser);
    await signIn(s, staff);
    if (await s.locator('[data-testid=two-factor-later]').count() > 0) {
      await Promise.all([s.waitForLoadState('load'), s.click('[data-testid=two-factor-later]')]);
    }
    await s.goto(portal + '/staff/redeem');
    if (voucher) {
      await s.fill('[data-testid=voucher-code]', voucher);
      await s.fill('[data-testid=iccid]', iccid);
      await Promise.all([s.waitForLoadState('load'), s.click('[data-testid=staff-preview-submit]')]);
    }
    await shoot(s, 'staff-redeem');

    // Admin: signs in with the demo authenticator key; the dashboard.
    const a = await newPage(browser);
    await signInWithTwoFactor(a, admin, demoAdminKey);
    await a.goto(portal + '/admin');
    await shoot(a, 'admin-dashboard');
  } finally {
    await browser.close();
  }
})().catch(error => {
  console.error(error.stack || String(error));
  process.exit(1);
});
