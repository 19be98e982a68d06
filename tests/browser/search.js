#!/usr/bin/env node
// The search page of the sample site in headless Chromium: typing a Chinese
// query finds the expected stories with the match in <mark> and their dates
// in Chinese, a filter narrows the results, a ?q= address runs the search on
// load, and nothing goes wrong on the way (console errors, failed requests,
// HTTP errors).
//
//   node tests/browser/search.js BASE_URL
//
// Exit 1 lists every problem.
'use strict';

const { chromium } = require('playwright-core');

const BEES = '养蜂人孟庆龙的甜蜜事业';
const CUCUMBERS = '大桥村盛成先：一棚黄瓜，三千多元';
const AWARD = '马桥河镇郑兴江：从领奖台走上宣讲台';

async function titles(page) {
	return page.$$eval('#search-results .search-result-title', (els) =>
		els.map((e) => e.textContent.trim()).sort());
}

// Wait until the result titles are exactly want (sorted); false on timeout.
async function waitTitles(page, want) {
	try {
		await page.waitForFunction((w) => {
			const t = Array.from(document.querySelectorAll('#search-results .search-result-title'))
				.map((e) => e.textContent.trim()).sort();
			return JSON.stringify(t) === JSON.stringify(w);
		}, want.slice().sort(), { timeout: 15000 });
		return true;
	} catch (e) {
		return false;
	}
}

async function marks(page) {
	return page.$$eval('#search-results .search-result', (lis) =>
		lis.map((li) => Array.from(li.querySelectorAll('.search-snippet mark')).map((m) => m.textContent)));
}

(async () => {
	const base = process.argv[2];
	const problems = [];
	const bad = (m) => problems.push(m);
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox'],
	});
	const context = await browser.newContext({ locale: 'zh-CN' });
	const page = await context.newPage();
	page.on('console', (msg) => { if (msg.type() === 'error') bad(`console error: ${msg.text()}`); });
	page.on('pageerror', (err) => bad(`script error: ${err.message}`));
	page.on('requestfailed', (req) => bad(`request failed: ${req.url()}`));
	page.on('response', (res) => { if (res.status() >= 400) bad(`HTTP ${res.status()} for ${res.url()}`); });

	try {
		// typing a query
		await page.goto(base + '/search/', { waitUntil: 'load' });
		await page.waitForSelector('#search-form[data-ready="1"]', { timeout: 15000 });
		await page.fill('#search-q', '养蜂');
		await page.press('#search-q', 'Enter');
		if (!await waitTitles(page, [BEES, CUCUMBERS]))
			bad(`养蜂: expected ${BEES} and ${CUCUMBERS}, got ${JSON.stringify(await titles(page))}`);
		const m = await marks(page);
		if (m.length !== 2 || !m.every((l) => l.length && l.every((t) => t === '养蜂')))
			bad(`养蜂: every snippet should have <mark>养蜂</mark>, got ${JSON.stringify(m)}`);
		const status = await page.textContent('#search-status');
		if (!/找到 2 篇/.test(status)) bad(`养蜂: status '${status}'`);
		if (!decodeURIComponent(page.url()).includes('q=养蜂')) bad(`养蜂: the address is ${page.url()}`);
		// readers see 2019年6月8日; the ISO date stays in datetime=
		const dates = await page.$$eval('#search-results .search-result time', (ts) =>
			ts.map((t) => [t.textContent, t.getAttribute('datetime')]));
		if (!dates.length || !dates.every(([text, iso]) => /^\d{4}-\d{2}-\d{2}$/.test(iso) &&
				text === `${+iso.slice(0, 4)}年${+iso.slice(5, 7)}月${+iso.slice(8, 10)}日`))
			bad(`养蜂: result dates ${JSON.stringify(dates)}`);

		// a filter narrows the results
		await page.fill('#search-q', '脱贫');
		await page.press('#search-q', 'Enter');
		await page.waitForFunction(() => document.querySelectorAll('#search-results .search-result').length >= 5,
			null, { timeout: 15000 }).catch(() => {});
		const all = await titles(page);
		if (all.length < 5 || !all.includes(AWARD)) bad(`脱贫: too few results ${JSON.stringify(all)}`);
		await page.selectOption('select[name=township]', '马桥河镇');
		if (!await waitTitles(page, [AWARD]))
			bad(`脱贫 + 马桥河镇: expected only ${AWARD}, got ${JSON.stringify(await titles(page))}`);
		if (!decodeURIComponent(page.url()).includes('township=马桥河镇'))
			bad(`filter not in the address: ${page.url()}`);
		const m2 = await marks(page);
		if (!(m2.length === 1 && m2[0].includes('脱贫'))) bad(`脱贫: marks ${JSON.stringify(m2)}`);

		// a linked search: ?q= in the address
		await page.goto(base + '/search/?q=' + encodeURIComponent('黄瓜'), { waitUntil: 'load' });
		if (!await waitTitles(page, [BEES, CUCUMBERS]))
			bad(`?q=黄瓜: got ${JSON.stringify(await titles(page))}`);
		if ((await page.inputValue('#search-q')) !== '黄瓜') bad('?q=黄瓜: the box does not show the query');
		const m3 = await marks(page);
		if (!m3.every((l) => l.includes('黄瓜'))) bad(`?q=黄瓜: marks ${JSON.stringify(m3)}`);

		// ?q= with a filter that leaves nothing
		await page.goto(base + '/search/?q=' + encodeURIComponent('黄瓜') + '&township=' +
			encodeURIComponent('马桥河镇'), { waitUntil: 'load' });
		await page.waitForFunction(() => /没有找到/.test(document.getElementById('search-status').textContent),
			null, { timeout: 15000 }).catch(() => bad('黄瓜 + 马桥河镇 should find nothing'));
	} catch (e) {
		bad(`exception: ${e.message}`);
	}
	await browser.close();
	for (const p of problems) console.log(`PROBLEM ${p}`);
	process.exit(problems.length ? 1 : 0);
})();
