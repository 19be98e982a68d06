#!/usr/bin/env node
// The editing desk in headless Chromium, as its two people use it.
//
//   node tests/browser/desk.js BASE_URL PHOTO
//
// The editor "alice" (password alice-pass-1) logs in, writes a story (its
// title broken with Enter where print breaks it) with a half-width comma between Chinese characters, sees the check's warning
// beside the body's first line and the page in the preview (and, in a
// long paragraph that wraps, the mark beside its line), saves, adds
// PHOTO with caption, credit and alt text, fixes the comma (the warning
// goes), and submits. The reviewer "bob" (bob-pass-1) logs in, opens the
// story from his queue, sees the rendered page and the diff (the title's
// row with its line break, the body's lines, the new photo's thumbnail),
// and approves. The caller checks the published site and git log.
//
// Every screen is used at 390x844: nothing is wider than the screen
// (documentElement.scrollWidth <= 390) and every form control lies within
// it. With DESK_SHOTS=DIR each screen is also photographed at 1280x800 into
// DIR/desk-NAME.png (make screenshots); with PHONE_SHOTS=DIR at 390x844
// into DIR/desk-NAME-390.png. Exit 1 with PROBLEM lines on failure.
'use strict';

const path = require('path');
const { chromium } = require('playwright-core');

const [base, photo] = process.argv.slice(2);
const PHONE = { width: 390, height: 844 };
const WIDE = { width: 1280, height: 800 };
const problems = [];
const bad = (msg) => problems.push(msg);

const TITLE = '春茶开采';
const TITLE_LINES = '春茶\n开采'; // as the editor breaks it for print
const SLUG = 'spring-tea';
const WRONG = '第一段,茶农上山采茶。\n\n第二段写采茶的时间。\n';
const RIGHT = '第一段，茶农上山采茶。\n\n第二段写采茶的时间。\n';
const LONG = '第一段' + '，茶农背着竹篓上山采茶'.repeat(12) + '。\n\n第二段,写采茶的时间。\n';

// What a phone shows of the screen: no sideways scrolling, and every
// control a person must reach inside the screen's width.
async function phoneCheck(page, name) {
	const r = await page.evaluate(() => {
		const out = [];
		for (const el of document.querySelectorAll('input, select, textarea, button, a.button')) {
			if (el.type === 'hidden') continue;
			const b = el.getBoundingClientRect();
			if (b.width === 0 && b.height === 0) continue;
			if (b.left < 0 || b.right > window.innerWidth + 0.5)
				out.push(`${el.tagName.toLowerCase()}[name=${el.name || ''}] spans ${Math.round(b.left)}..${Math.round(b.right)}`);
		}
		return { width: document.documentElement.scrollWidth, out };
	});
	if (r.width > PHONE.width) bad(`${name}: ${r.width} px wide at ${PHONE.width}`);
	for (const o of r.out) bad(`${name}: ${o} at ${PHONE.width} px`);
	if (process.env.PHONE_SHOTS)
		await page.screenshot({ path: path.join(process.env.PHONE_SHOTS, `desk-${name}-390.png`), fullPage: true });
}

// The screen at a desktop's size for the documentation, then back.
async function wideShot(page, name, before) {
	if (!process.env.DESK_SHOTS) return;
	await page.setViewportSize(WIDE);
	if (before) await before();
	await page.waitForTimeout(300);
	await page.screenshot({ path: path.join(process.env.DESK_SHOTS, `desk-${name}.png`) });
	await page.setViewportSize(PHONE);
}

async function login(page, name, password) {
	await page.goto(base + '/desk/', { waitUntil: 'load' });
	if (!page.url().endsWith('/desk/login')) bad(`${name}: /desk/ did not lead to the login page but ${page.url()}`);
	await page.fill('input[name=name]', name);
	await page.fill('input[name=password]', password);
	await Promise.all([page.waitForNavigation(), page.click('form.card button.primary')]);
	if (!page.url().endsWith('/desk/')) throw new Error(`${name} did not get in: ${page.url()}`);
}

async function logout(page) {
	await Promise.all([page.waitForNavigation(), page.click('header.bar form button')]);
}

// Type the body and wait for the preview the typing sends.
async function typeBody(page, text) {
	const answered = page.waitForResponse((r) => r.url().endsWith('/desk/preview'), { timeout: 60000 });
	await page.fill('#body', text);
	const res = await answered;
	return res.json();
}

async function main() {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
	});
	try {
		const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
		const page = await context.newPage();
		page.setDefaultTimeout(60000);
		page.on('pageerror', (e) => bad(`script error on ${page.url()}: ${e.message}`));

		// the editor
		await page.goto(base + '/desk/login', { waitUntil: 'load' });
		if ((await page.title()) !== '登录 · 编辑台') bad(`the login page's title is '${await page.title()}'`);
		await phoneCheck(page, 'login');
		await wideShot(page, 'login');
		await login(page, 'alice', 'alice-pass-1');
		await phoneCheck(page, 'list');

		await Promise.all([page.waitForNavigation(), page.click('a[href="/desk/new?kind=story"]')]);
		// the title broken where print breaks it: Enter in its box, which
		// grows a line and does not send the form
		const one = await page.$eval('#title', (t) => t.getBoundingClientRect().height);
		await page.click('#title');
		await page.keyboard.type(TITLE.slice(0, 2));
		await page.keyboard.press('Enter');
		await page.keyboard.type(TITLE.slice(2));
		if (!page.url().includes('/desk/new')) bad(`Enter in the title left the form for ${page.url()}`);
		const typed = await page.$eval('#title', (t) => ({ v: t.value, h: t.getBoundingClientRect().height,
			sh: t.scrollHeight, ch: t.clientHeight }));
		if (typed.v !== TITLE_LINES) bad(`the title box holds ${JSON.stringify(typed.v)}, not ${JSON.stringify(TITLE_LINES)}`);
		if (typed.h < one * 1.5) bad(`the title box did not grow for its second line: ${one} px, then ${typed.h} px`);
		if (typed.sh > typed.ch + 1) bad(`the title box hides a line: ${typed.sh} px of text in ${typed.ch}`);
		const hint = await page.textContent('#title-note');
		if (!hint.includes('回车')) bad(`the title's hint reads '${hint}'`);
		await page.fill('input[name=date]', '2020-04-12');
		// the picker writes the day as the browser's locale does; beside it
		// the day reads as the site's pages give it
		const day = (await page.textContent('#date-zh')).trim();
		if (day !== '2020年4月12日') bad(`the date picker's day reads '${day}', not 2020年4月12日`);
		await page.fill('input[name=slug]', SLUG);
		// the township: free text, with the site's places offered as it is typed
		const offered = await page.$$eval('#townships option', (os) => os.map((o) => o.value));
		if (!offered.includes('穆棱镇')) bad(`the township field offers ${JSON.stringify(offered)}`);
		await page.fill('input[name=township]', '穆棱镇');
		await page.fill('input[name=author]', '县融媒体中心');
		let r = await typeBody(page, WRONG);
		const w = (r.findings || []).filter((f) => f.severity === 'warning' && f.line - r.bodyLine + 1 === 1);
		if (!w.length) bad(`no check warning on the body's first line: ${JSON.stringify(r)}`);
		await page.waitForSelector('#gutter div.w');
		const mark = await page.textContent('#gutter div.w');
		if (!/⚠\s*1$/.test(mark.trim())) bad(`the warning's mark is beside '${mark}', not line 1`);
		const said = await page.textContent('#findings li.warning');
		if (!/^第1行第\d+列：/.test(said)) bad(`the finding reads '${said}'`);
		// a Chinese paragraph is one long line: it wraps in the text area,
		// and the warning's mark stays beside its line
		r = await typeBody(page, LONG);
		await page.waitForSelector('#gutter div.w');
		const wrap = await page.evaluate(() => {
			const t = document.getElementById('body'), g = document.getElementById('gutter');
			const w = g.querySelector('div.w');
			// where line 3 starts: the height of lines 1 and 2 in a copy of the box
			const c = t.cloneNode(false);
			c.style.position = 'absolute';
			c.style.visibility = 'hidden';
			c.style.width = t.getBoundingClientRect().width + 'px';
			c.style.height = '0px';
			c.style.minHeight = '0px';
			t.parentNode.appendChild(c);
			c.value = t.value.split('\n').slice(0, 2).join('\n');
			const top = c.scrollHeight - parseFloat(getComputedStyle(c).paddingBottom);
			c.remove();
			return { sw: t.scrollWidth, cw: t.clientWidth, line: w.textContent,
				 markTop: w.offsetTop - g.firstElementChild.offsetTop +
					  parseFloat(getComputedStyle(t).paddingTop),
				 top, lh: parseFloat(getComputedStyle(t).lineHeight) };
		});
		if (wrap.sw > wrap.cw + 1) bad(`the body scrolls sideways: ${wrap.sw} px of text in ${wrap.cw}`);
		if (!/⚠\s*3$/.test(wrap.line.trim())) bad(`the long body's warning is beside '${wrap.line}', not line 3`);
		if (wrap.top < 3 * wrap.lh) bad(`the long paragraph did not wrap: line 3 starts ${wrap.top} px down`);
		if (Math.abs(wrap.markTop - wrap.top) > 2)
			bad(`the warning's mark is ${wrap.markTop} px down the gutter, its line ${wrap.top} px down the text`);
		r = await typeBody(page, WRONG);
		await page.waitForFunction(() => {
			const m = document.querySelector('#gutter div.w');
			return m && /⚠\s*1$/.test(m.textContent.trim());
		});
		await Promise.all([page.waitForNavigation(), page.click('#page button[value=save]')]);
		if (!page.url().includes('done=saved')) bad(`the save led to ${page.url()}`);

		// the photo, with its caption, credit and alt text
		await page.setInputFiles('#upload input[type=file]', photo);
		await page.fill('#upload input[name=caption]', '茶农在山坡上采摘春茶');
		await page.fill('#upload input[name=credit]', '本站摄影');
		await page.fill('#upload input[name=alt]', '山坡茶园里背着竹篓的茶农');
		await Promise.all([page.waitForNavigation(), page.click('#upload button')]);
		if ((await page.inputValue('input[name=photo0_caption]')) !== '茶农在山坡上采摘春茶')
			bad('the photo is not on the form with its caption');
		// the form sends its first preview on load: the page with its photo
		await page.waitForSelector('#gutter div.w');
		await page.waitForFunction(() => {
			const f = document.getElementById('preview');
			const d = f && f.contentDocument;
			return d && d.body && d.body.textContent.includes('春茶开采') && d.querySelector('img');
		});
		await phoneCheck(page, 'editor');
		await wideShot(page, 'editor', async () => {
			await page.evaluate(() => {
				document.getElementById('body').scrollIntoView({ block: 'start' });
				window.scrollBy(0, -200);
			});
		});

		// the fix takes the warning away
		r = await typeBody(page, RIGHT);
		if ((r.findings || []).some((f) => f.line - r.bodyLine + 1 === 1))
			bad(`the fixed line still has a finding: ${JSON.stringify(r.findings)}`);
		await page.waitForFunction(() => !document.querySelector('#gutter div.w'));
		await Promise.all([page.waitForNavigation(), page.click('#page button[value=submit]')]);
		if (!page.url().includes('done=submitted')) bad(`the submit led to ${page.url()}`);
		if (!(await page.textContent('main')).includes('待审')) bad('the story is not awaiting review after submitting');
		await logout(page);

		// the reviewer
		await login(page, 'bob', 'bob-pass-1');
		await phoneCheck(page, 'queue');
		await wideShot(page, 'list');
		const link = page.locator('a[href^="/desk/review?b="]', { hasText: TITLE });
		if ((await link.count()) !== 1) throw new Error('the story is not in the reviewer\'s queue');
		await Promise.all([page.waitForNavigation(), link.click()]);
		// The page in the frame, read through its document from the screen
		// (same origin): the frame's sandbox allows no scripts, and this
		// needs no script context inside it.
		const seen = await page.waitForFunction(([title, caption]) => {
			const f = document.querySelector('section.preview iframe');
			const d = f && f.contentDocument;
			if (!d || d.readyState !== 'complete') return false;
			const h = [...d.querySelectorAll('h1')].find((x) => x.textContent.includes(title));
			const r = h && h.getBoundingClientRect();
			if (!r || !r.width || !r.height) return false;
			return { caption: [...d.querySelectorAll('figcaption')].some((c) => c.textContent.includes(caption)) };
		}, [TITLE, '茶农在山坡上采摘春茶']).then((h) => h.jsonValue(), () => null);
		if (!seen) {
			// what the reviewer saw instead, for the log
			const r = await page.evaluate(() => {
				const f = document.querySelector('section.preview iframe');
				const d = f && f.contentDocument;
				return { src: f ? f.src : '(no frame)', shows: d && d.body ? d.body.innerText : '(no document)',
					says: document.body.innerText };
			}).catch((x) => ({ src: '?', shows: `(${x})`, says: '' }));
			const one = (t) => t.replace(/\s+/g, ' ');
			throw new Error(`the reviewed page has no h1 '${TITLE}': the frame ${r.src} shows ` +
				`'${one(r.shows).slice(0, 300)}'; the screen at ${page.url()} says '${one(r.says).slice(0, 600)}'`);
		}
		if (!seen.caption) bad('the reviewed page shows no photo caption');
		const added = await page.locator('pre.diff span.add').allTextContents();
		if (!added.some((l) => l.includes('第一段，茶农上山采茶。'))) bad(`the diff does not add the body: ${added.join(' | ')}`);
		const titleRow = page.locator('table.fields tr', { has: page.locator('th', { hasText: '标题' }) });
		if (!(await titleRow.count())) bad('the diff has no row for the title');
		else if ((await titleRow.locator('ins').innerText()) !== TITLE_LINES)
			bad(`the diff's title reads ${JSON.stringify(await titleRow.locator('ins').innerText())}, not broken as the editor broke it`);
		const thumb = page.locator('img.thumb');
		if ((await thumb.count()) !== 1) bad('the diff shows no thumbnail of the new photo');
		else if (!(await thumb.evaluate((i) => i.complete ? i.naturalWidth : new Promise((ok) => { i.onload = () => ok(i.naturalWidth); i.onerror = () => ok(0); }))))
			bad('the new photo\'s thumbnail does not load');
		await phoneCheck(page, 'review');
		await wideShot(page, 'review');
		await page.fill('textarea[name=comment]', '可以发布。');
		await Promise.all([page.waitForNavigation(), page.click('button[value=approve]')]);
		const ok = await page.locator('p.ok').count();
		if (!ok) bad(`the approval did not publish: ${(await page.textContent('main')).slice(0, 400)}`);
		await phoneCheck(page, 'published');
	} finally {
		await browser.close();
	}
}

main().then(() => {
	for (const p of problems) console.log('PROBLEM: ' + p);
	if (problems.length) process.exit(1);
	console.log('desk: editor wrote, fixed and submitted; reviewer approved');
}, (e) => {
	for (const p of problems) console.log('PROBLEM: ' + p);
	console.log('PROBLEM: ' + (e && e.stack || e));
	process.exit(1);
});
