#!/usr/bin/env node
// Run queries through themes/default/static/js/search.js against a built
// site's search/ folder, as the browser would, checking every candidate.
//
//   node tests/search/query.js PUBLIC_DIR < queries   (one per line)
//
// Prints one JSON array of page URLs (sorted) per query line.
'use strict';
const fs = require('fs');
const path = require('path');
const search = require(path.join(__dirname, '../../themes/default/static/js/search.js'));

const dir = path.join(process.argv[2], 'search');
const index = new search.Index(
	(p) => Promise.resolve(JSON.parse(fs.readFileSync(path.join(dir, p), 'utf8'))),
	(p) => Promise.resolve(new Uint8Array(fs.readFileSync(path.join(dir, p)))));

(async () => {
	const docs = await index.docs();
	const lines = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.length);
	for (const q of lines) {
		const res = await index.search(q, { check: Infinity });
		console.log(JSON.stringify(res.ids.map((id) => docs.docs[id][0]).sort()));
	}
})().catch((e) => { console.error(e); process.exit(1); });
