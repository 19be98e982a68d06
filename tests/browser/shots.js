#!/usr/bin/env node
// Load pages of a served site in headless Chromium at a desktop and a phone
// size, check what a reader would notice, and save full-page screenshots.
//
//   node tests/browser/shots.js BASE_URL NAME=PATH [NAME=PATH ...]
//
// BASE_URL is where the site is served (http://127.0.0.1:PORT); PATH is a
// site path such as /stories/2019/x/ (the page named "story" also gets the
// typography checks). Every page is also checked for images shown from a
// smaller file than their box needs, text under WCAG AA contrast in either
// colour scheme, titles that leave a character or two alone on their last
// line, pager buttons or TV facts that wrap, and (on a phone) term labels
// and photo archive links under 24px tall. The subscribe page's feed
// addresses are links and break only after a / or a . On the home page no story is both in
// the 头条 and among the 最新发布. Screenshots go to $SHOTS_DIR (default $TMPDIR or /tmp)
// as NAME-WIDTH.png; their paths are printed. Exit 1 lists every problem.
'use strict';

const path = require('path');
const { chromium } = require('playwright-core');
const { lowContrast } = require('./contrast');

const VIEWPORTS = [
	{ width: 1280, height: 900 },
	{ width: 375, height: 812 },
];

// Runs in the page: images shown from a srcset whose chosen file has fewer
// pixels across than the box shows (times the device pixel ratio) although
// a larger file was on offer. A wrong `sizes` does this: the browser picks
// the file before layout, from `sizes` alone.
function blurryImages() {
	const dpr = window.devicePixelRatio || 1;
	const out = [];
	const candidates = (set) => set.split(',').map((c) => c.trim().split(/\s+/))
		.map(([u, d]) => ({ url: new URL(u, document.baseURI).href, w: parseInt(d, 10) }));
	for (const img of document.querySelectorAll('img[srcset]')) {
		const r = img.getBoundingClientRect();
		if (!img.complete || !img.currentSrc || r.width === 0) continue;
		// the set the browser chose from: a <source> of the picture or the img's own
		const sets = [img.getAttribute('srcset')];
		if (img.parentElement.tagName === 'PICTURE')
			for (const s of img.parentElement.querySelectorAll('source')) sets.push(s.getAttribute('srcset'));
		let cands = null;
		for (const set of sets) {
			const c = candidates(set || '');
			if (c.some((x) => x.url === img.currentSrc)) { cands = c; break; }
		}
		if (!cands) continue;
		const chosen = cands.find((x) => x.url === img.currentSrc).w;
		const largest = Math.max(...cands.map((x) => x.w));
		// object-fit: cover crops, so the picture is drawn wider than its box
		const natural = img.naturalHeight ? img.naturalWidth / img.naturalHeight : r.width / r.height;
		const drawn = getComputedStyle(img).objectFit === 'cover' ? Math.max(r.width, r.height * natural) : r.width;
		const need = Math.floor(drawn * dpr);
		if (chosen < need && chosen < largest)
			out.push(`${img.getAttribute('src')}: ${chosen}w file shown ${Math.round(r.width)}px wide ` +
				`(needs ${need}w; sizes="${img.getAttribute('sizes')}")`);
	}
	return out;
}

// Runs in the page: headings and titles whose last line holds only one or
// two characters ('…把院子收拾利 / 索'), found from where each character
// lands (Range.getClientRects), so it is what a reader sees.
function orphanedTitles() {
	const out = [];
	const range = document.createRange();
	for (const el of document.querySelectorAll('h1, h2, h3, .card-title, .hero-more a, .prevnext-title')) {
		if (!el.checkVisibility() || el.closest('.visually-hidden')) continue;
		const lines = [];
		let prev = null;
		const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			if (n.parentElement.closest('.visually-hidden')) continue;
			for (let i = 0; i < n.data.length; i++) {
				if (/\s/.test(n.data[i])) continue;
				range.setStart(n, i);
				range.setEnd(n, i + 1);
				const r = range.getClientRects()[0];
				if (!r || r.width === 0) continue;
				if (!prev || r.top >= prev.bottom - 1) lines.push('');
				lines[lines.length - 1] += n.data[i];
				prev = r;
			}
		}
		const last = lines[lines.length - 1] || '';
		if (lines.length > 1 && Array.from(last).length <= 2)
			out.push(`'${lines.join(' / ')}'`);
	}
	return out;
}

// Runs in the page: a title's phrases (phrases() in the layouts: the words
// up to a mark) that a line break parts ('…50个典型 / 案例：'), where a break
// after the mark was there to take.
function brokenPhrases() {
	return Array.from(document.querySelectorAll('.ph'))
		.filter((el) => el.checkVisibility() && el.getClientRects().length > 1)
		.map((el) => `'${el.closest('h1, h2, h3, .card-title').textContent.trim()}' at '${el.textContent}'`);
}

// Runs in the page: the pager's links, the 'more' buttons and each run of
// text of a TV episode's facts that wrap onto a second line ('← 上一' / '页'
// in a button on a phone, '（每分钟 250 / 字）').
function wrappedButtons() {
	const out = [];
	const range = document.createRange();
	const runs = Array.from(document.querySelectorAll('.pager a, .more-link a'));
	for (const dd of document.querySelectorAll('.tv-facts dd'))
		for (const n of dd.childNodes) runs.push(n);
	for (const a of runs) {
		range.selectNodeContents(a);
		const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.bottom)));
		if (tops.size > 1) out.push(`'${a.textContent.trim()}' is ${tops.size} lines`);
	}
	return out;
}

// Runs in the page: stories linked more than once from the top of the home
// page, the 头条 and the 最新发布 cards.
function repeatedStories() {
	const seen = new Map();
	for (const a of document.querySelectorAll('.hero-title a, .hero-more a, .latest .card-title a')) {
		const href = new URL(a.getAttribute('href'), document.baseURI).pathname;
		seen.set(href, (seen.get(href) || []).concat(a.textContent.trim()));
	}
	return Array.from(seen.values()).filter((t) => t.length > 1).map((t) => `'${t[0]}' ${t.length} times`);
}

// Runs in the page: label links under 24px tall, hard to hit with a finger:
// the one-character 村 or 人物 over a list of terms (the home page's box,
// a story's terms) and the photo archive's links to a story and an original
// (WCAG 2.5.8 asks 24px or space around; a one-character label is hit by
// its height).
function smallTargets() {
	const out = [];
	for (const a of document.querySelectorAll('.box-subheading a, .term-group dt a, .photo-info a, .breadcrumb a, .site-footer a')) {
		if (!a.checkVisibility()) continue;
		const r = a.getBoundingClientRect();
		if (r.height < 24) out.push(`'${a.textContent.trim().slice(0, 20)}' is ${r.height.toFixed(1)}px tall`);
	}
	return out;
}

// Runs in the page: the subscribe page's feed addresses that are not links,
// or that break onto a new line other than after a / or a .
function feedAddresses() {
	const out = [];
	const range = document.createRange();
	for (const code of document.querySelectorAll('.subscribe-list code')) {
		const text = code.textContent;
		if (!code.closest('a[href]')) out.push(`${text} is not a link`);
		let prev = null, before = '';
		const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			for (let i = 0; i < n.data.length; i++) {
				range.setStart(n, i);
				range.setEnd(n, i + 1);
				const r = range.getClientRects()[0];
				if (!r) continue;
				if (prev && r.top >= prev.bottom - 1 && !/[/.]/.test(before))
					out.push(`${text} breaks after '${before}', inside a word`);
				prev = r;
				before = n.data[i];
			}
		}
	}
	return out;
}

async function checkPage(browser, base, name, sitePath, vp, shotsDir, problems) {
	const where = `${name} ${sitePath} @${vp.width}`;
	const context = await browser.newContext({ viewport: vp, locale: 'zh-CN' });
	const page = await context.newPage();
	const bad = (msg) => problems.push(`${where}: ${msg}`);

	page.on('console', (msg) => {
		if (msg.type() === 'error') bad(`console error: ${msg.text()}`);
	});
	page.on('pageerror', (err) => bad(`script error: ${err.message}`));
	page.on('requestfailed', (req) =>
		bad(`request failed: ${req.url()} (${req.failure() ? req.failure().errorText : '?'})`));
	page.on('response', (res) => {
		if (res.status() >= 400) bad(`HTTP ${res.status()} for ${res.url()}`);
	});

	const res = await page.goto(base + encodeURI(sitePath), { waitUntil: 'load' });
	if (!res || res.status() !== 200) bad(`page answered ${res ? res.status() : 'nothing'}`);

	// lazy images below the fold would never load in a screenshot run
	await page.evaluate(() => {
		for (const img of document.querySelectorAll('img[loading="lazy"]')) img.loading = 'eager';
	});
	await page.waitForFunction(
		() => Array.from(document.images).every((img) => img.complete),
		null, { timeout: 15000 }).catch(() => bad('images did not finish loading in 15 s'));
	// a loaded image may not be drawn yet (decoding="async"): the screenshot would show its box
	await page.evaluate(() => Promise.all(Array.from(document.images).map((img) => img.decode().catch(() => {}))));

	const facts = await page.evaluate(() => {
		const de = document.documentElement;
		const imgs = Array.from(document.images).map((img) => ({
			src: img.getAttribute('src'),
			alt: img.getAttribute('alt'),
			width: img.naturalWidth,
		}));
		const wide = [];
		if (de.scrollWidth > window.innerWidth) {
			for (const el of document.querySelectorAll('body *')) {
				const r = el.getBoundingClientRect();
				if (r.right > window.innerWidth + 1 && wide.length < 5)
					wide.push(`${el.tagName.toLowerCase()}.${el.className || ''} (right ${Math.round(r.right)})`);
			}
		}
		// the running text of the article, not its byline or captions
		const body = document.querySelector('article .prose > p') ||
			document.querySelector('article p') || document.querySelector('main p');
		let type = null;
		if (body) {
			const cs = getComputedStyle(body);
			type = {
				fontFamily: cs.fontFamily,
				fontSize: parseFloat(cs.fontSize),
				lineHeight: parseFloat(cs.lineHeight),
			};
		}
		return {
			lang: de.lang,
			mains: document.querySelectorAll('main').length,
			h1s: document.querySelectorAll('h1').length,
			imgs,
			scrollWidth: de.scrollWidth,
			wide,
			type,
		};
	});

	if (facts.lang !== 'zh-CN') bad(`<html lang> is ${JSON.stringify(facts.lang)}, want "zh-CN"`);
	if (facts.mains !== 1) bad(`${facts.mains} <main> elements, want 1`);
	if (facts.h1s !== 1) bad(`${facts.h1s} <h1> elements, want 1`);
	for (const img of facts.imgs) {
		if (!img.alt || !img.alt.trim()) bad(`<img src="${img.src}"> has no alt text`);
		if (!(img.width > 0)) bad(`<img src="${img.src}"> did not load (naturalWidth 0)`);
	}
	if (facts.scrollWidth > vp.width)
		bad(`scrolls sideways: scrollWidth ${facts.scrollWidth} > ${vp.width}; too wide: ${facts.wide.join(', ')}`);
	if (name === 'subscribe')
		for (const f of await page.evaluate(feedAddresses)) bad(`feed address: ${f}`);
	if (name === 'home')
		for (const r of await page.evaluate(repeatedStories)) bad(`the 头条 and 最新发布 repeat a story: ${r}`);
	if (name === 'story') {
		const t = facts.type;
		if (!t) {
			bad('no article paragraph found for the typography checks');
		} else {
			if (!t.fontFamily.includes('Noto Serif CJK SC'))
				bad(`article font-family is ${t.fontFamily}; want it to name "Noto Serif CJK SC"`);
			const ratio = t.lineHeight / t.fontSize;
			if (!(ratio >= 1.7 && ratio <= 2.0))
				bad(`article line-height/font-size is ${ratio.toFixed(2)} (${t.lineHeight}px/${t.fontSize}px), want 1.7–2.0`);
		}
	}

	for (const b of await page.evaluate(blurryImages)) bad(`blurry image: ${b}`);
	if (vp.width < 600)
		for (const t of await page.evaluate(smallTargets)) bad(`small tap target: ${t}`);
	for (const b of await page.evaluate(wrappedButtons)) bad(`wraps: ${b}`);
	for (const t of await page.evaluate(orphanedTitles)) bad(`a title ends on a line of one or two characters: ${t}`);
	for (const t of await page.evaluate(brokenPhrases)) bad(`a title breaks inside a phrase: ${t}`);
	for (const scheme of ['light', 'dark']) {
		// without transitions, which would show colours halfway to the scheme's
		await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
		for (const c of await page.evaluate(lowContrast)) bad(`${scheme}: low contrast: ${c}`);
	}
	await page.emulateMedia({ colorScheme: 'light', reducedMotion: null });

	const shot = path.join(shotsDir, `${name}-${vp.width}.png`);
	await page.screenshot({ path: shot, fullPage: true });
	console.log(`screenshot: ${shot}`);
	console.log(`checked ${where}: ${facts.imgs.length} images, scrollWidth ${facts.scrollWidth}` +
		(facts.type ? `, body ${facts.type.fontSize}px/${facts.type.lineHeight}px` : ''));
	await context.close();
}

async function main() {
	const [base, ...pages] = process.argv.slice(2);
	if (!base || pages.length === 0) {
		console.error('usage: shots.js BASE_URL NAME=PATH...');
		process.exit(2);
	}
	const shotsDir = process.env.SHOTS_DIR || process.env.TMPDIR || '/tmp';
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const problems = [];
	try {
		// several pages at once, as full-page screenshots are slow, but not
		// every one: the machine running the tests may be small
		const jobs = [];
		for (const spec of pages) {
			const eq = spec.indexOf('=');
			for (const vp of VIEWPORTS) jobs.push([spec.slice(0, eq), spec.slice(eq + 1), vp]);
		}
		const worker = async () => {
			for (let job = jobs.shift(); job; job = jobs.shift())
				await checkPage(browser, base, job[0], job[1], job[2], shotsDir, problems);
		};
		await Promise.all([worker(), worker(), worker(), worker()]);
	} finally {
		await browser.close();
	}
	for (const p of problems) console.log(`PROBLEM: ${p}`);
	console.log(`${problems.length} problem(s)`);
	process.exit(problems.length ? 1 : 0);
}

main().catch((err) => {
	console.error(err && err.stack ? err.stack : err);
	process.exit(1);
});
