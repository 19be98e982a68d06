#!/usr/bin/env node
// The related-stories grid of a story fills every row it starts, at
// widths from a phone's to a desktop's: in each row, the cards reach from
// the grid's left edge to its right.
//
//   node tests/browser/related.js BASE_URL PATH
//
// Exit 1 lists every problem.
'use strict';

const { chromium } = require('playwright-core');

(async () => {
	const [base, path] = process.argv.slice(2);
	const problems = [];
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox'],
	});
	try {
		for (const width of [1280, 1100, 1000, 800, 700, 390]) {
			const page = await browser.newPage({ viewport: { width, height: 900 } });
			await page.goto(base + encodeURI(path), { waitUntil: 'load' });
			const rows = await page.$eval('.related .card-grid', (g) => {
				const gr = g.getBoundingClientRect(), by = new Map();
				for (const c of g.children) {
					const r = c.getBoundingClientRect(), top = Math.round(r.top);
					if (!by.has(top)) by.set(top, [gr.right, gr.left]);
					const row = by.get(top);
					row[0] = Math.min(row[0], r.left);
					row[1] = Math.max(row[1], r.right);
				}
				return { n: g.children.length, left: gr.left, right: gr.right, rows: Array.from(by.values()) };
			}).catch(() => null);
			if (!rows) {
				problems.push(`${path} has no related stories`);
				await page.close();
				break;
			}
			rows.rows.forEach(([l, r], i) => {
				if (l > rows.left + 1 || r < rows.right - 1)
					problems.push(`@${width}: row ${i + 1} of ${rows.n} related cards spans ${Math.round(l)}–${Math.round(r)}, ` +
						`the grid ${Math.round(rows.left)}–${Math.round(rows.right)}`);
			});
			await page.close();
		}
	} catch (e) {
		problems.push(`exception: ${e.message}`);
	}
	await browser.close();
	for (const p of problems) console.log(`PROBLEM ${p}`);
	process.exit(problems.length ? 1 : 0);
})();
