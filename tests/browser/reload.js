#!/usr/bin/env node
// Live reload of `gazette serve` in headless Chromium.
//
//   node tests/browser/reload.js BASE_URL SITE_PATH MARKDOWN_FILE [HEADING LANG]
//
// Opens SITE_PATH, edits MARKDOWN_FILE and expects the page to reload with
// the new text; breaks its front matter and expects the error overlay naming
// the file and line; fixes it and expects the overlay gone and the new text.
// With HEADING, the overlay must start with it (the site's language) and
// carry lang=LANG, set in a font stack with a Chinese font in it when LANG
// is Chinese.
// Exit 1 with a PROBLEM line on the first failure.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const [base, sitePath, file, heading, lang] = process.argv.slice(2);
const original = fs.readFileSync(file, 'utf8');
const rel = 'content/' + file.split('/content/')[1];

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

// Poll fn in the page until it returns true; survives reloads in between.
async function until(page, what, fn, arg, ms = 10000) {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		try {
			if (await page.evaluate(fn, arg)) return;
		} catch (e) {
			// the page is navigating; try again
		}
		await sleep(50);
	}
	throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

async function connected(page) {
	await until(page, 'the event stream to open',
		() => !!(window.__gazette && window.__gazette.events.readyState === 1));
}

async function main() {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
	});
	try {
		const page = await browser.newPage();
		const errors = [];
		page.on('pageerror', (e) => errors.push(e.message));
		const res = await page.goto(base + sitePath, { waitUntil: 'load' });
		if (!res || res.status() !== 200) throw new Error(`page answered ${res ? res.status() : 'nothing'}`);
		await connected(page);

		// 1. an edit reloads the page with the new text
		await page.evaluate(() => { window.__before = true; });
		let t0 = Date.now();
		fs.writeFileSync(file, original.replace(/\n---\n/, '\n---\n第一次修改：实时刷新的新正文。\n\n'));
		await until(page, 'the reload with the edited text',
			() => !window.__before && document.body.innerText.includes('第一次修改：实时刷新的新正文。'));
		console.log(`reloaded with the edit in ${Date.now() - t0} ms`);
		await connected(page);

		// 2. broken front matter: an overlay with path:line, the page stays
		fs.writeFileSync(file, original.replace(/^title: .*$/m, 'title: [没有闭合的括号'));
		await until(page, 'the error overlay',
			(want) => {
				const o = document.getElementById('gazette-errors');
				return !!(o && o.textContent.includes(want));
			}, rel + ':');
		const overlay = await page.evaluate(() => {
			const o = document.getElementById('gazette-errors');
			const cs = getComputedStyle(o);
			const r = o.getBoundingClientRect();
			return { text: o.textContent, position: cs.position, w: r.width, h: r.height,
				children: o.children.length, lang: o.lang, font: cs.fontFamily };
		});
		if (!new RegExp(rel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + ':\\d+(:\\d+)?: ').test(overlay.text))
			throw new Error(`the overlay does not name ${rel}:LINE: ${overlay.text}`);
		if (overlay.position !== 'fixed' || overlay.w < 200 || overlay.h < 100)
			throw new Error(`the overlay is not a fixed, visible box: ${JSON.stringify(overlay)}`);
		if (overlay.children !== 0) throw new Error('the overlay holds markup, not text');
		if (heading && !overlay.text.startsWith(heading))
			throw new Error(`the overlay does not start with "${heading}": ${overlay.text}`);
		if (lang && overlay.lang !== lang)
			throw new Error(`the overlay's lang is "${overlay.lang}", not "${lang}"`);
		if (lang && lang.startsWith('zh') && !/CJK SC|YaHei|PingFang/.test(overlay.font))
			throw new Error(`the overlay's font has no Chinese face: ${overlay.font}`);
		if (heading) console.log('overlay heading: ' + overlay.text.split('\n')[0] + ' (' + overlay.font + ')');
		console.log('overlay: ' + overlay.text.split('\n').filter(Boolean).slice(1, 2).join(''));

		// 3. fixed: the overlay goes and the new text shows
		await page.evaluate(() => { window.__before = true; });
		t0 = Date.now();
		fs.writeFileSync(file, original.replace(/\n---\n/, '\n---\n第二次修改：错误修好以后的正文。\n\n'));
		await until(page, 'the reload after the fix',
			() => !window.__before && !document.getElementById('gazette-errors') &&
				document.body.innerText.includes('第二次修改：错误修好以后的正文。'));
		console.log(`reloaded after the fix in ${Date.now() - t0} ms`);
		if (errors.length) throw new Error('script errors: ' + errors.join('; '));
	} finally {
		fs.writeFileSync(file, original);
		await browser.close();
	}
}

main().then(() => console.log('reload: ok'), (e) => {
	console.log('PROBLEM: ' + e.message);
	process.exit(1);
});
