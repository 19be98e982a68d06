#!/usr/bin/env node
// How long the search page takes to show results after the last key, in
// headless Chromium: for each query, RUNS fresh loads of /search/ (the
// page's docs.json loaded, nothing else cached), the query typed a key at a
// time, then the time from the last key's input event to the first results
// on the page and to their snippets. The debounce (the page waits for typing to pause)
// is part of the figure.
//
//   node tests/browser/search-timing.js BASE_URL [QUERY…]
//
// Prints a line per query and the worst of all; exit 1 when any first
// results took longer than BUDGET_MS (300).
'use strict';

const { chromium } = require('playwright-core');

const QUERIES = ['村', '养殖', '合作社', '扶贫车间', '致富带头人', '2019', '蜂蜜', '大棚黄瓜'];

(async () => {
	const base = process.argv[2];
	const queries = process.argv.length > 3 ? process.argv.slice(3) : QUERIES;
	const runs = +(process.env.RUNS || 3), budget = +(process.env.BUDGET_MS || 300);
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox'],
	});
	let worst = 0;
	for (const q of queries) {
		const shown = [], snippets = [];
		let found = '';
		for (let r = 0; r < runs; r++) {
			const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
			const page = await context.newPage();
			await page.goto(base + '/search/', { waitUntil: 'load' });
			await page.waitForSelector('#search-form[data-ready="1"]', { timeout: 30000 });
			await page.type('#search-q', q, { delay: 60 });
			// the results of the whole query (typing may pause halfway)
			await page.waitForFunction((q) => {
				const st = document.getElementById('search-status').textContent;
				return st.includes('“' + q + '”') && (/没有找到/.test(st) ||
					document.getElementById('search-form').getAttribute('data-snippets') ===
					document.getElementById('search-form').getAttribute('data-shown'));
			}, q, { timeout: 30000 });
			// from the input event of the last key, which the page notes
			const t = await page.evaluate(() => Object.assign({ now: performance.now() }, window.gazetteSearch.timing));
			shown.push((t.shown || t.now) - t.input);
			snippets.push((t.snippets || t.now) - t.input);
			found = await page.textContent('#search-status');
			await context.close();
		}
		const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
		worst = Math.max(worst, ...shown);
		console.log(`${q.padEnd(6, '　')} first results median ${med(shown).toFixed(0)} ms, max ${Math.max(...shown).toFixed(0)} ms; ` +
			`snippets median ${med(snippets).toFixed(0)} ms  (${found.trim()})`);
	}
	console.log(`slowest first results: ${worst.toFixed(0)} ms (budget ${budget} ms)`);
	await browser.close();
	process.exit(worst > budget ? 1 : 0);
})();
