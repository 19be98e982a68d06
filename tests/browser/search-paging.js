#!/usr/bin/env node
// The search page of a generated corpus in headless Chromium, for what
// only a bigger site shows:
//   - a query with more than 20 hits shows all of them after 加载更多, the
//     same pages search.js finds under node (URLS_FILE);
//   - each of the top options of the township and people facets gives as
//     many results as its count said;
//   - at 390x844 the first result's top is within the first screen, the
//     filters folded behind the 筛选 button, which opens them, and choosing
//     one folds them away again;
//   - typing shows results within BUDGET_MS (default 300) of the last key.
//
//   node tests/browser/search-paging.js BASE_URL QUERY URLS_FILE
//
// URLS_FILE: the JSON array of URLs QUERY must find. Exit 1 lists every
// problem; the time from the last key to the results is printed.
'use strict';

const fs = require('fs');
const { chromium } = require('playwright-core');

// Click 加载更多 until every result is on the page; returns their URLs.
async function loadAll(page) {
	for (let i = 0; i < 100; i++) {
		const more = await page.$('#search-more .search-more-button');
		if (!more) break;
		const before = await page.$$eval('#search-results .search-result', (l) => l.length);
		await more.click();
		await page.waitForFunction((n) => document.querySelectorAll('#search-results .search-result').length > n ||
			!document.querySelector('#search-more .search-more-button'), before, { timeout: 15000 });
	}
	return page.$$eval('#search-results .search-result-title a', (as) =>
		as.map((a) => new URL(a.href).pathname));
}

async function waitShown(page, since) {
	await page.waitForFunction((s) => +(document.getElementById('search-form').getAttribute('data-shown') || 0) > s,
		since, { timeout: 15000 });
}

async function shown(page) {
	return +(await page.getAttribute('#search-form', 'data-shown') || 0);
}

(async () => {
	const [base, query, urlsFile] = process.argv.slice(2);
	const want = JSON.parse(fs.readFileSync(urlsFile, 'utf8')).sort();
	const budget = +(process.env.BUDGET_MS || 300);
	const problems = [];
	const bad = (m) => problems.push(m);
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox'],
	});
	const watch = (page) => {
		page.on('console', (msg) => { if (msg.type() === 'error') bad(`console error: ${msg.text()}`); });
		page.on('pageerror', (err) => bad(`script error: ${err.message}`));
		page.on('response', (res) => { if (res.status() >= 400) bad(`HTTP ${res.status()} for ${res.url()}`); });
	};
	try {
		const desk = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
		const page = await desk.newPage();
		watch(page);
		await page.goto(base + '/search/', { waitUntil: 'load' });
		await page.waitForSelector('#search-form[data-ready="1"]', { timeout: 15000 });
		if (want.length <= 20) bad(`${query} should find more than 20 pages for this test, finds ${want.length}`);

		// typing: the time from the last key to the results
		const since = await shown(page);
		await page.type('#search-q', query, { delay: 40 });
		await waitShown(page, since);
		const ms = await page.evaluate(() => window.gazetteSearch.timing.shown - window.gazetteSearch.timing.input);
		console.log(`first results ${ms.toFixed(0)} ms after the last key (${query}, ${want.length} pages)`);
		if (ms > budget) bad(`${query}: results ${ms.toFixed(0)} ms after the last key (budget ${budget})`);
		const first = await page.$$eval('#search-results .search-result', (l) => l.length);
		if (first !== 20) bad(`${query}: ${first} results at first, not 20`);

		// paging: all of them
		const got = (await loadAll(page)).sort();
		if (JSON.stringify(got) !== JSON.stringify(want))
			bad(`${query}: ${got.length} results after paging, ${want.length} expected; ` +
				`missing ${JSON.stringify(want.filter((u) => !got.includes(u)).slice(0, 3))}`);
		if (new Set(got).size !== got.length) bad(`${query}: a result is shown twice`);

		// facets: each top option's count is the number of results it leaves
		for (const key of ['township', 'people']) {
			const opts = await page.$$eval(`.search-facet[data-key=${key}] .search-facet-option`, (bs) =>
				bs.map((b) => [b.getAttribute('data-value'), +b.querySelector('.search-facet-count').textContent]));
			if (!opts.length) bad(`${query}: no ${key} facet`);
			if (opts.length > 10 + 1) bad(`${query}: the ${key} facet shows ${opts.length} options, not the top ten`);
			if (opts.some((o) => o[1] < 1)) bad(`${query}: ${key} shows an option with no results`);
			for (const [value, count] of opts.slice(0, 3)) {
				const s = await shown(page);
				await page.click(`.search-facet[data-key=${key}] .search-facet-option[data-value="${value}"]`);
				await waitShown(page, s).catch(() => {});
				await page.waitForTimeout(50);
				const n = (await loadAll(page)).length;
				if (n !== count) bad(`${query} + ${key} ${value}: the facet said ${count}, ${n} results`);
				const s2 = await shown(page);
				await page.click(`.search-facet[data-key=${key}] .search-facet-option[data-value="${value}"]`);
				await waitShown(page, s2).catch(() => {});
			}
		}
		// the sum of a single-valued facet's counts is the number of results
		const sum = await page.$$eval('.search-facet[data-key=year] .search-facet-count', (cs) =>
			cs.reduce((a, c) => a + +c.textContent, 0));
		if (sum !== want.length) bad(`${query}: the year counts add up to ${sum}, not ${want.length}`);
		await desk.close();

		// a phone: the first result on the first screen, filters folded away
		const phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 },
			isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
		const p2 = await phone.newPage();
		watch(p2);
		await p2.goto(base + '/search/?q=' + encodeURIComponent(query), { waitUntil: 'load' });
		await p2.waitForSelector('#search-results .search-result', { timeout: 15000 });
		const top = await p2.$eval('#search-results .search-result', (li) => li.getBoundingClientRect().top);
		if (top >= 844) bad(`390x844: the first result starts at ${top} px, below the first screen`);
		if (await p2.isVisible('#search-facets')) bad('390x844: the filters are open before 筛选 is pressed');
		await p2.click('#search-facets-toggle');
		if (!await p2.isVisible('.search-facet[data-key=township]')) bad('390x844: 筛选 does not open the filters');
		// choosing an option folds the filters away again, the results first
		const [value, count] = await p2.$eval('.search-facet[data-key=township] .search-facet-option', (b) =>
			[b.getAttribute('data-value'), +b.querySelector('.search-facet-count').textContent]);
		const s3 = await shown(p2);
		await p2.click(`.search-facet[data-key=township] .search-facet-option[data-value="${value}"]`);
		await waitShown(p2, s3).catch(() => {});
		if (await p2.isVisible('#search-facets')) bad('390x844: the filters stay open after choosing one');
		const st = await p2.textContent('#search-status');
		if (!st.includes(` ${count} 篇`)) bad(`390x844: ${value} said ${count}, the status says '${st}'`);
		const top2 = await p2.$eval('#search-results .search-result', (li) => li.getBoundingClientRect().top);
		if (top2 >= 844) bad(`390x844: after choosing ${value} the first result starts at ${top2} px`);
		const wide = await p2.evaluate(() => document.documentElement.scrollWidth);
		if (wide > 390) bad(`390x844: the page scrolls sideways (${wide} px)`);
		console.log(`390x844: first result at ${top.toFixed(0)} px`);
		await phone.close();
	} catch (e) {
		bad(`exception: ${e.message}`);
	}
	await browser.close();
	for (const p of problems) console.log(`PROBLEM ${p}`);
	process.exit(problems.length ? 1 : 0);
})();
