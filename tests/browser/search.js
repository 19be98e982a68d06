#!/usr/bin/env node
// The search page of the sample site in headless Chromium: typing a Chinese
// query (no Enter) finds the expected stories with the match in <mark> in
// titles and snippets, their section, Chinese date, place and thumbnail; a
// phrase only in a summary is found and shown from the summary; each facet
// option's count is the number of results after choosing it; all text of
// the results has WCAG AA contrast in the light and the dark scheme; a ?q=
// address runs the search on load; a phrase in no page offers the looser
// match; an index that fails to load is reported in Chinese with what to
// do; and nothing else goes wrong on the way (console errors, failed
// requests, HTTP errors).
//
//   node tests/browser/search.js BASE_URL
//
// Exit 1 lists every problem.
'use strict';

const { chromium } = require('playwright-core');
const { lowContrast } = require('./contrast');

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

// The marks of each result, once every result has its snippet.
async function marks(page, where) {
	await page.waitForFunction(() => Array.from(document.querySelectorAll('#search-results .search-result'))
		.every((li) => li.querySelector('.search-snippet')), null, { timeout: 15000 }).catch(() => {});
	return page.$$eval('#search-results .search-result', (lis, w) =>
		lis.map((li) => Array.from(li.querySelectorAll(w + ' mark')).map((m) => m.textContent)), where);
}

// Type q into the box as a reader does, without pressing Enter.
async function type(page, q) {
	await page.fill('#search-q', '');
	await page.type('#search-q', q, { delay: 30 });
}

(async () => {
	const base = process.argv[2];
	const problems = [];
	const bad = (m) => problems.push(m);
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox'],
	});
	const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	page.on('console', (msg) => { if (msg.type() === 'error') bad(`console error: ${msg.text()}`); });
	page.on('pageerror', (err) => bad(`script error: ${err.message}`));
	page.on('requestfailed', (req) => bad(`request failed: ${req.url()}`));
	page.on('response', (res) => { if (res.status() >= 400) bad(`HTTP ${res.status()} for ${res.url()}`); });

	try {
		// typing a query: results come without Enter
		await page.goto(base + '/search/', { waitUntil: 'load' });
		await page.waitForSelector('#search-form[data-ready="1"]', { timeout: 15000 });
		await type(page, '养蜂');
		if (!await waitTitles(page, [BEES, CUCUMBERS]))
			bad(`养蜂 typed: expected ${BEES} and ${CUCUMBERS}, got ${JSON.stringify(await titles(page))}`);
		const m = await marks(page, '.search-snippet');
		if (m.length !== 2 || !m.every((l) => l.length && l.every((t) => t === '养蜂')))
			bad(`养蜂: every snippet should have <mark>养蜂</mark>, got ${JSON.stringify(m)}`);
		const tm = (await marks(page, '.search-result-title')).filter((l) => l.length);
		if (JSON.stringify(tm) !== JSON.stringify([['养蜂']]))
			bad(`养蜂: the title ${BEES} should have <mark>养蜂</mark>, got ${JSON.stringify(tm)}`);
		const status = await page.textContent('#search-status');
		if (!/找到 2 篇/.test(status)) bad(`养蜂: status '${status}'`);
		if (!decodeURIComponent(page.url()).includes('q=养蜂')) bad(`养蜂: the address is ${page.url()}`);
		// readers see 2019年6月8日; the ISO date stays in datetime=
		const dates = await page.$$eval('#search-results .search-result time', (ts) =>
			ts.map((t) => [t.textContent, t.getAttribute('datetime')]));
		if (dates.length !== 2 || !dates.every(([text, iso]) => /^\d{4}-\d{2}-\d{2}$/.test(iso) &&
				text === `${+iso.slice(0, 4)}年${+iso.slice(5, 7)}月${+iso.slice(8, 10)}日`))
			bad(`养蜂: result dates ${JSON.stringify(dates)}`);
		const meta = await page.$$eval('#search-results .search-result', (lis) => lis.map((li) => ({
			section: (li.querySelector('.search-result-section') || {}).textContent,
			place: (li.querySelector('.search-result-place') || {}).textContent,
			thumb: !!li.querySelector('.search-result-thumb img'),
		})));
		if (!meta.every((x) => x.section === '脱贫故事' && x.place === '穆棱镇 · 大桥村' && x.thumb))
			bad(`养蜂: section, place and thumbnail ${JSON.stringify(meta)}`);
		await page.waitForFunction(() => Array.from(document.querySelectorAll('.search-result-thumb img'))
			.every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 15000 })
			.catch(() => bad('养蜂: a thumbnail did not load'));
		// the results' section, separators and marks are readable in both schemes
		for (const scheme of ['light', 'dark']) {
			await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
			for (const c of await page.evaluate(lowContrast)) bad(`养蜂, ${scheme}: low contrast: ${c}`);
		}
		await page.emulateMedia({ colorScheme: 'light', reducedMotion: null });

		// a phrase only in a summary: found, and the snippet is the summary's
		await type(page, '卖蜜过上');
		if (!await waitTitles(page, [BEES])) bad(`卖蜜过上 (in a summary only): got ${JSON.stringify(await titles(page))}`);
		const sm = await marks(page, '.search-snippet');
		if (JSON.stringify(sm) !== JSON.stringify([['卖蜜过上']])) bad(`卖蜜过上: snippet marks ${JSON.stringify(sm)}`);

		// a facet's count is the number of results once it is chosen
		await type(page, '脱贫');
		await page.waitForFunction(() => document.querySelectorAll('#search-results .search-result').length >= 5,
			null, { timeout: 15000 }).catch(() => {});
		const all = await titles(page);
		if (all.length < 5 || !all.includes(AWARD)) bad(`脱贫: too few results ${JSON.stringify(all)}`);
		const options = await page.$$eval('.search-facet[data-key=township] .search-facet-option', (bs) =>
			bs.map((b) => [b.getAttribute('data-value'), +b.querySelector('.search-facet-count').textContent]));
		if (!options.length) bad('脱贫: no township facet');
		if (options.some((o) => !o[1])) bad(`脱贫: a township option of 0 is shown ${JSON.stringify(options)}`);
		for (const [value, count] of options) {
			await page.click(`.search-facet[data-key=township] .search-facet-option[data-value="${value}"]`);
			await page.waitForFunction((v) => decodeURIComponent(location.search).includes('township=' + v), value,
				{ timeout: 15000 }).catch(() => {});
			await page.waitForTimeout(100);
			const n = await page.$$eval('#search-results .search-result', (lis) => lis.length);
			if (n !== count) bad(`脱贫 + ${value}: the facet said ${count}, ${n} results shown`);
			if (value === '马桥河镇' && JSON.stringify(await titles(page)) !== JSON.stringify([AWARD]))
				bad(`脱贫 + 马桥河镇: expected only ${AWARD}, got ${JSON.stringify(await titles(page))}`);
			await page.click(`.search-facet[data-key=township] .search-facet-option[data-value="${value}"]`);
			await page.waitForFunction(() => !/township=/.test(location.search), null, { timeout: 15000 })
				.catch(() => bad(`脱贫 + ${value}: choosing it again does not clear it`));
		}
		const secs = await page.$$eval('.search-facet[data-key=section] .search-facet-name', (s) => s.map((e) => e.textContent));
		if (secs.some((s) => /^[a-z]/.test(s))) bad(`栏目 shows raw keys: ${JSON.stringify(secs)}`);

		// a linked search: ?q= in the address
		await page.goto(base + '/search/?q=' + encodeURIComponent('黄瓜'), { waitUntil: 'load' });
		if (!await waitTitles(page, [BEES, CUCUMBERS]))
			bad(`?q=黄瓜: got ${JSON.stringify(await titles(page))}`);
		if ((await page.inputValue('#search-q')) !== '黄瓜') bad('?q=黄瓜: the box does not show the query');
		const m3 = await marks(page, '.search-snippet');
		if (!m3.every((l) => l.includes('黄瓜'))) bad(`?q=黄瓜: marks ${JSON.stringify(m3)}`);

		// ?q= with a filter that leaves nothing
		await page.goto(base + '/search/?q=' + encodeURIComponent('黄瓜') + '&township=' +
			encodeURIComponent('马桥河镇'), { waitUntil: 'load' });
		await page.waitForFunction(() => /没有找到/.test(document.getElementById('search-status').textContent),
			null, { timeout: 15000 }).catch(() => bad('黄瓜 + 马桥河镇 should find nothing'));

		// a phrase in no page: the pages with both of its words, said to be a looser match
		await page.goto(base + '/search/?q=' + encodeURIComponent('大棚黄瓜'), { waitUntil: 'load' });
		await page.waitForFunction(() => !document.getElementById('search-note').hidden, null, { timeout: 15000 })
			.catch(() => bad('大棚黄瓜: no looser-match note'));
		const note = await page.textContent('#search-note');
		if (!/较宽的匹配/.test(note) || !/大棚/.test(note) || !/黄瓜/.test(note)) bad(`大棚黄瓜: note '${note}'`);
		if (!/没有找到包含“大棚黄瓜”/.test(await page.textContent('#search-status'))) bad('大棚黄瓜: status');
		const loose = await titles(page);
		if (!loose.includes(CUCUMBERS)) bad(`大棚黄瓜: looser match ${JSON.stringify(loose)}`);

		// an index that does not load: a Chinese message that says what to do
		// (its own page: the 404s are the point, not a problem)
		const broken = await context.newPage();
		await broken.route((u) => u.pathname.startsWith('/search/') && u.pathname !== '/search/' &&
			!u.pathname.endsWith('.js'), (r) => r.fulfill({ status: 404, body: 'not found' }));
		await broken.goto(base + '/search/?q=' + encodeURIComponent('养蜂'), { waitUntil: 'load' });
		await broken.waitForFunction(() => document.getElementById('search-status').textContent.trim() !== '',
			null, { timeout: 15000 }).catch(() => {});
		const failed = (await broken.textContent('#search-status')).trim();
		if (!/无法搜索/.test(failed) || !/刷新/.test(failed) || /HTTP|[A-Za-z]{4,}/.test(failed))
			bad(`an index that does not load: status '${failed}', want a Chinese message saying what to do`);
		await broken.close();
	} catch (e) {
		bad(`exception: ${e.message}`);
	}
	await browser.close();
	for (const p of problems) console.log(`PROBLEM ${p}`);
	process.exit(problems.length ? 1 : 0);
})();
