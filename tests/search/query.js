#!/usr/bin/env node
// Run queries through themes/default/static/js/search.js, checking every
// candidate: under node against a built site's search/ folder, or in
// headless Chromium on the site's search page, as a reader's browser runs
// it.
//
//   node tests/search/query.js PUBLIC_DIR < queries   (one per line)
//   CHROMIUM=/usr/bin/chromium node tests/search/query.js BASE_URL < queries
//
// Prints one JSON array of page URLs (sorted) per query line.
'use strict';
const fs = require('fs');
const path = require('path');

const where = process.argv[2];
const lines = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.length);

async function inNode() {
	const search = require(path.join(__dirname, '../../themes/default/static/js/search.js'));
	const dir = path.join(where, 'search');
	const index = new search.Index(
		(p) => Promise.resolve(JSON.parse(fs.readFileSync(path.join(dir, p), 'utf8'))),
		(p) => Promise.resolve(new Uint8Array(fs.readFileSync(path.join(dir, p)))));
	const docs = await index.docs();
	for (const q of lines) {
		const res = await index.search(q, { check: Infinity });
		console.log(JSON.stringify(res.ids.map((id) => docs.docs[id][0]).sort()));
	}
}

async function inChromium() {
	const { chromium } = require(path.join(__dirname, '../browser/node_modules/playwright-core'));
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox'],
	});
	try {
		const page = await browser.newPage();
		await page.goto(where + '/search/', { waitUntil: 'load' });
		await page.waitForSelector('#search-form[data-ready="1"]', { timeout: 15000 });
		const answers = await page.evaluate(async (qs) => {
			const form = document.getElementById('search-form');
			const base = form.getAttribute('data-index');
			const get = (p) => fetch(base + p).then((r) => {
				if (!r.ok) throw new Error(p + ': HTTP ' + r.status);
				return r;
			});
			const index = new window.gazetteSearch.Index((p) => get(p).then((r) => r.json()),
				(p) => get(p).then((r) => r.arrayBuffer()).then((b) => new Uint8Array(b)));
			const docs = await index.docs();
			const out = [];
			for (const q of qs) {
				const res = await index.search(q, { check: Infinity });
				out.push(res.ids.map((id) => docs.docs[id][0]).sort());
			}
			return out;
		}, lines);
		for (const a of answers) console.log(JSON.stringify(a));
	} finally {
		await browser.close();
	}
}

(/^https?:/.test(where) ? inChromium() : inNode()).catch((e) => { console.error(e); process.exit(1); });
