#!/usr/bin/env node
// Finding one's way without search, in headless Chromium on the sample
// site: the photo archive (/photos/) is at most two clicks from the home
// page, and the footer's 网站地图 opens an HTML page (not the crawlers'
// sitemap.xml) that links every section and every taxonomy, each of which
// loads.
//
//   node tests/browser/sitemap.js BASE_URL
//
// Exit 1 lists every problem.
'use strict';

const { chromium } = require('playwright-core');

(async () => {
	const base = process.argv[2];
	const problems = [];
	const bad = (m) => problems.push(m);
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox'],
	});
	const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
	page.on('pageerror', (err) => bad(`script error: ${err.message}`));
	const links = () => page.$$eval('a[href]', (as) => as.map((a) => new URL(a.href, location.href))
		.filter((u) => u.origin === location.origin).map((u) => u.pathname));
	try {
		// /photos/ within two clicks: the home page's links, then theirs
		await page.goto(base + '/', { waitUntil: 'load' });
		const first = Array.from(new Set(await links()));
		let clicks = first.includes('/photos/') ? 1 : 0;
		for (const path of clicks ? [] : first) {
			await page.goto(base + path, { waitUntil: 'load' });
			if ((await links()).includes('/photos/')) { clicks = 2; break; }
		}
		if (!clicks) bad('/photos/ is more than two clicks from the home page');
		await page.goto(base + '/', { waitUntil: 'load' });
		if (clicks === 1) {
			await page.click('a[href$="photos/"]');
			await page.waitForLoadState('load');
			if (new URL(page.url()).pathname !== '/photos/') bad(`the photo archive link went to ${page.url()}`);
			const h1 = await page.textContent('h1');
			if (!/图片档案/.test(h1)) bad(`/photos/ has the heading '${h1}'`);
		}

		// the footer's 网站地图: an HTML page
		await page.goto(base + '/', { waitUntil: 'load' });
		const map = await page.$('footer a:text-is("网站地图")');
		if (!map) throw new Error('no 网站地图 link in the footer');
		await map.click();
		await page.waitForLoadState('load');
		const type = await page.evaluate(() => document.contentType);
		if (type !== 'text/html') bad(`网站地图 opens ${type} (${page.url()})`);
		if ((await page.textContent('h1')) !== '网站地图') bad('网站地图: no heading 网站地图');
		const onMap = new Set(await links());

		// every section and taxonomy, as the search index lists them
		const docs = await (await page.request.get(base + '/search/docs.json')).json();
		const want = docs.sections.map((s) => '/' + s[0] + '/').concat(docs.fields.map((f) => '/' + f.key + '/'),
			['/photos/', '/archive/']);
		for (const u of want) {
			if (!onMap.has(u)) bad(`网站地图 does not link ${u}`);
			const r = await page.request.get(base + u);
			if (r.status() !== 200) bad(`${u} answers ${r.status()}`);
		}
		for (const s of docs.sections)
			if (!(await page.$(`a[href$="/${s[0]}/"]:text-is("${s[1]}")`))) bad(`网站地图: section ${s[0]} is not named ${s[1]}`);
	} catch (e) {
		bad(`exception: ${e.message}`);
	}
	await browser.close();
	for (const p of problems) console.log(`PROBLEM ${p}`);
	process.exit(problems.length ? 1 : 0);
})();
