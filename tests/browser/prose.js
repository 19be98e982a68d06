#!/usr/bin/env node
// The running text of story and policy pages as Chromium lays it out, at a
// desktop and a phone size:
//
//   line   no line box of the article starts with 。，、；：？！ (found from
//          where each character lands, Range.getClientRects, so it is what a
//          reader sees whatever the markup);
//   figure every <img> of the article body (.prose) sits in a <figure> with
//          a non-empty <figcaption> (the sample gives every photo a caption);
//   table  every table of the article shows all its columns: none is wider
//          than its box, which would hide the last columns behind a scroll
//          a reader may not guess is there.
//
//   node tests/browser/prose.js BASE_URL PATH [PATH ...]
//
// Exit 1 lists every problem as "PROBLEM <check> <path> @<width>: …".
'use strict';

const { chromium } = require('playwright-core');

const VIEWPORTS = [
	{ width: 1280, height: 900 },
	{ width: 375, height: 812 },
];
const NO_LINE_START = '。，、；：？！';

// Runs in the page: the article's rendered lines that begin with a character
// of bad, each as {first, text}; and the body images not in a captioned figure.
function inspect(bad) {
	const article = document.querySelector('main article.article') || document.querySelector('main');
	if (!article) return { error: 'no <main> element' };

	// Text laid out but kept from sight (visually-hidden labels: 1px boxes
	// where every character is a line of its own) is not a line a reader sees.
	const hiddenCache = new Map();
	function hidden(el) {
		if (!el || el === article.parentElement) return false;
		if (hiddenCache.has(el)) return hiddenCache.get(el);
		const cs = getComputedStyle(el);
		const r = el.getBoundingClientRect();
		const h = cs.visibility === 'hidden' || (cs.clip && cs.clip !== 'auto') ||
			(cs.clipPath && cs.clipPath !== 'none') ||
			(cs.overflow !== 'visible' && (r.width <= 1 || r.height <= 1)) || hidden(el.parentElement);
		hiddenCache.set(el, h);
		return h;
	}

	const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
		acceptNode(n) {
			const p = n.parentElement;
			if (!p || /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE)$/.test(p.tagName)) return NodeFilter.FILTER_REJECT;
			return hidden(p) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
		},
	});
	const range = document.createRange();
	const lines = [];
	let line = null, prev = null;
	for (let node = walker.nextNode(); node; node = walker.nextNode()) {
		const s = node.data;
		for (let i = 0; i < s.length;) {
			const ch = String.fromCodePoint(s.codePointAt(i));
			range.setStart(node, i);
			range.setEnd(node, i + ch.length);
			i += ch.length;
			if (/\s/.test(ch)) {
				if (line && !line.text.endsWith(' ')) line.text += ' ';
				continue;
			}
			const rects = range.getClientRects();
			if (!rects.length) continue;
			const r = rects[0];
			if (r.width === 0 && r.height === 0) continue;
			// the same line box: overlapping mostly in height and further along
			const same = prev && r.left > prev.left &&
				Math.min(r.bottom, prev.bottom) - Math.max(r.top, prev.top) >
					0.5 * Math.min(r.height, prev.height);
			if (!same) {
				line = { first: ch, text: '' };
				lines.push(line);
			}
			line.text += ch;
			prev = r;
		}
	}
	const badLines = lines.filter((l) => bad.includes(l.first))
		.map((l) => ({ first: l.first, text: l.text.trim().slice(0, 40) }));

	const body = article.querySelector('.prose');
	const loose = [];
	for (const img of body ? body.querySelectorAll('img') : []) {
		const fig = img.closest('figure');
		const cap = fig && fig.querySelector('figcaption');
		if (!cap || !cap.textContent.trim())
			loose.push({ src: img.getAttribute('src'), why: fig ? 'its <figure> has no caption' : 'not in a <figure>' });
	}
	const wide = [];
	for (const t of article.querySelectorAll('table')) {
		if (t.scrollWidth > t.clientWidth + 1)
			wide.push({ head: (t.rows[0] ? t.rows[0].textContent : '').trim().replace(/\s+/g, ' ').slice(0, 30), scroll: t.scrollWidth, box: t.clientWidth });
	}
	return { lines: lines.length, badLines, images: body ? body.querySelectorAll('img').length : 0, loose, wide };
}

async function checkPage(browser, base, sitePath, vp, problems) {
	const where = `${sitePath} @${vp.width}`;
	const context = await browser.newContext({ viewport: vp, locale: 'zh-CN' });
	const page = await context.newPage();
	const bad = (check, msg) => problems.push(`${check} ${where}: ${msg}`);

	page.on('pageerror', (err) => bad('page', `script error: ${err.message}`));
	const res = await page.goto(base + encodeURI(sitePath), { waitUntil: 'load' });
	if (!res || res.status() !== 200) bad('page', `answered ${res ? res.status() : 'nothing'}`);
	// the lines are where the web fonts put them
	await page.evaluate(() => document.fonts.ready);

	const r = await page.evaluate(inspect, NO_LINE_START);
	if (r.error) {
		bad('page', r.error);
	} else {
		if (r.lines === 0) bad('line', 'no text found in the article');
		for (const l of r.badLines) bad('line', `a line starts with '${l.first}': ${l.text}`);
		for (const l of r.loose) bad('figure', `<img src="${l.src}">: ${l.why}`);
		for (const t of r.wide) bad('table', `table '${t.head}' is ${t.scroll}px wide in a ${t.box}px box`);
		console.log(`checked ${where}: ${r.lines} lines, ${r.images} body images`);
	}
	await context.close();
}

async function main() {
	const [base, ...paths] = process.argv.slice(2);
	if (!base || paths.length === 0) {
		console.error('usage: prose.js BASE_URL PATH...');
		process.exit(2);
	}
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const problems = [];
	try {
		// one page at a time: the machine running the tests may be small
		for (const p of paths)
			for (const vp of VIEWPORTS)
				await checkPage(browser, base, p, vp, problems);
	} finally {
		await browser.close();
	}
	for (const p of problems) console.log(`PROBLEM ${p}`);
	console.log(`${problems.length} problem(s)`);
	process.exit(problems.length ? 1 : 0);
}

main().catch((err) => {
	console.error(err && err.stack ? err.stack : err);
	process.exit(1);
});
