/*
 * search.js: the site search, in the browser, over the files gazette build
 * writes under /search/ (see generator/search.h). No framework, no server.
 *
 * Tokens follow generator/tokenize.h: a CJK run gives unigrams and bigrams
 * in the index; a query's CJK run of 2+ characters is looked up as its
 * bigrams, 1 character as the unigram; ASCII letters and digits are whole
 * lower-cased words. A page matches when it has every query token; a run of
 * 3+ characters is then checked against the page text itself, so 养羊户
 * finds exactly the pages that contain 养羊户.
 *
 * The same file runs under node (module.exports) for the recall test.
 */
(function (root) {
	'use strict';

	var SHARDS = 256, GROUP = 16;
	var ABC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';

	function isCJK(cp) {
		return (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
			(cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af) ||
			(cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3134f);
	}

	/* ASCII lower-cased, full-width letters and digits made ASCII; every
	 * change keeps the string's length, so offsets match the original. */
	function fold(s) {
		return s.replace(/[A-Z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, function (c) {
			var cp = c.charCodeAt(0);
			if (cp < 128) return String.fromCharCode(cp + 32);
			if (cp <= 0xff19) return String.fromCharCode(48 + cp - 0xff10);
			if (cp <= 0xff3a) return String.fromCharCode(97 + cp - 0xff21);
			return String.fromCharCode(97 + cp - 0xff41);
		});
	}

	/* The query's tokens, and what a match must contain as a substring
	 * (CJK runs and words, for checking and highlighting). */
	function parseQuery(q) {
		var s = fold(q), tokens = [], terms = [], run = [], word = '';
		function endRun() {
			if (run.length === 1) tokens.push(run[0]);
			for (var i = 1; i < run.length; i++) tokens.push(run[i - 1] + run[i]);
			if (run.length) terms.push({ text: run.join(''), check: run.length > 2 });
			run = [];
		}
		function endWord() {
			if (word) { tokens.push(word); terms.push({ text: word, check: false }); }
			word = '';
		}
		for (var ch of s) {
			var cp = ch.codePointAt(0);
			if (isCJK(cp)) { endWord(); run.push(ch); }
			else if ((cp >= 48 && cp <= 57) || (cp >= 97 && cp <= 122)) { endRun(); word += ch; }
			else { endRun(); endWord(); }
		}
		endRun();
		endWord();
		return { tokens: Array.from(new Set(tokens)), terms: terms };
	}

	/* FNV-1a over the UTF-8 bytes, as gz_tokenize_hash. */
	function hash(tok) {
		var h = 0x811c9dc5, bytes = unescape(encodeURIComponent(tok));
		for (var i = 0; i < bytes.length; i++) {
			h ^= bytes.charCodeAt(i);
			h = Math.imul(h, 16777619) >>> 0;
		}
		return h >>> 0;
	}

	function shardName(tok) {
		var n = hash(tok) % SHARDS;
		return 'idx/' + (n < 16 ? '0' : '') + n.toString(16) + '.json';
	}

	/* Postings: doc id delta, count; 5 bits a letter, upper half = more. */
	function decode(s) {
		var out = new Map(), vals = [], v = 0, shift = 0, doc = 0;
		for (var i = 0; i < s.length; i++) {
			var c = ABC.indexOf(s[i]);
			v += (c & 31) * Math.pow(2, shift);
			if (c & 32) { shift += 5; continue; }
			vals.push(v);
			v = 0;
			shift = 0;
			if (vals.length === 2) {
				doc += vals[0];
				out.set(doc - 1, vals[1]);
				vals = [];
			}
		}
		return out;
	}

	/* The JSON in bytes that are gzip (1f 8b) or, should the server have
	 * inflated them already, plain UTF-8. */
	async function inflateJSON(bytes) {
		if (bytes.length > 1 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
			var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
			return JSON.parse(await new Response(stream).text());
		}
		return JSON.parse(new TextDecoder().decode(bytes));
	}

	/* An index over loaders: load(path) resolves to the parsed JSON of
	 * search/<path>, loadBytes(path) to its bytes (a Uint8Array). */
	function Index(load, loadBytes) {
		this.load = load;
		this.loadBytes = loadBytes;
		this.cache = new Map();
	}
	Index.prototype.get = function (path) {
		if (!this.cache.has(path)) this.cache.set(path, this.load(path));
		return this.cache.get(path);
	};
	Index.prototype.docs = function () {
		return this.get('docs.json');
	};
	/* title "\n" text of page id; the text files are gzipped groups */
	Index.prototype.text = function (id) {
		var path = 'text/' + Math.floor(id / GROUP) + '.bin';
		if (!this.cache.has(path)) this.cache.set(path, this.loadBytes(path).then(inflateJSON));
		return this.cache.get(path).then(function (g) {
			return g[id % GROUP];
		});
	};

	/* Search: resolves to {ids (ranked), exact (all were checked), terms}.
	 * opts.filter(id) limits the candidates; opts.check is how many to
	 * check against the text at most (Infinity: all). */
	Index.prototype.search = async function (q, opts) {
		opts = opts || {};
		var pq = parseQuery(q), self = this;
		var docs = await this.docs();
		if (!pq.tokens.length) return { ids: [], exact: true, terms: pq.terms, docs: docs };
		var shards = await Promise.all(pq.tokens.map(function (t) { return self.get(shardName(t)); }));
		var lists = pq.tokens.map(function (t, i) {
			return Object.prototype.hasOwnProperty.call(shards[i], t) ? decode(shards[i][t]) : new Map();
		});
		lists.sort(function (a, b) { return a.size - b.size; });
		var scored = [];
		lists[0].forEach(function (count, id) {
			if (opts.filter && !opts.filter(id)) return;
			var score = 0;
			for (var k = 0; k < lists.length; k++) {
				var c = lists[k].get(id);
				if (c === undefined) return;
				score += Math.log(1 + c);
			}
			var title = fold(docs.docs[id][1]);
			for (var t of pq.terms) if (title.indexOf(t.text) >= 0) score += 5;
			scored.push({ id: id, score: score });
		});
		scored.sort(function (a, b) {
			return b.score - a.score || (docs.docs[b.id][2] > docs.docs[a.id][2] ? 1 : -1) || a.id - b.id;
		});
		var ids = scored.map(function (s) { return s.id; });
		var needCheck = pq.terms.some(function (t) { return t.check; });
		var limit = opts.check === undefined ? 300 : opts.check;
		if (!needCheck) return { ids: ids, exact: true, terms: pq.terms, docs: docs };
		/* a page with every bigram of 养羊户 may still not hold 养羊户 */
		var upto = Math.min(ids.length, limit);
		var texts = await Promise.all(ids.slice(0, upto).map(function (id) { return self.text(id); }));
		var kept = [];
		for (var i = 0; i < upto; i++) {
			var f = fold(texts[i]);
			if (pq.terms.every(function (t) { return !t.check || f.indexOf(t.text) >= 0; })) kept.push(ids[i]);
		}
		return { ids: kept.concat(ids.slice(upto)), exact: upto === ids.length, terms: pq.terms, docs: docs };
	};

	/* Pieces of a snippet around the first match: [{text, mark}] */
	function snippet(text, terms, width) {
		var f = fold(text), at = -1;
		for (var t of terms) { at = f.indexOf(t.text); if (at >= 0) break; }
		var nl = text.indexOf('\n');
		if (at < 0) at = nl + 1;
		var start = Math.max(nl + 1, at - (width >> 2)), end = Math.min(text.length, start + width);
		var s = text.slice(start, end), fs = f.slice(start, end), out = [], i = 0;
		while (i < s.length) {
			var best = -1, len = 0;
			for (var t2 of terms) {
				var p = fs.indexOf(t2.text, i);
				if (p >= 0 && (best < 0 || p < best)) { best = p; len = t2.text.length; }
			}
			if (best < 0) { out.push({ text: s.slice(i), mark: false }); break; }
			if (best > i) out.push({ text: s.slice(i, best), mark: false });
			out.push({ text: s.slice(best, best + len), mark: true });
			i = best + len;
		}
		return { pre: start > nl + 1, parts: out, post: end < text.length };
	}

	/* "2019-06-08" as a reader sees it, 2019年6月8日 (cn_date of the
	 * templates); anything else as it is. */
	function cnDate(d) {
		var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d || '');
		return m ? +m[1] + '年' + +m[2] + '月' + +m[3] + '日' : d;
	}

	var api = { fold: fold, parseQuery: parseQuery, hash: hash, decode: decode, Index: Index, snippet: snippet,
		cnDate: cnDate };
	if (typeof module !== 'undefined' && module.exports) { module.exports = api; return; }
	root.gazetteSearch = api;

	/* ---- the page ---- */
	var form = document.getElementById('search-form');
	if (!form) return;
	var base = form.getAttribute('data-index');
	var siteRoot = form.getAttribute('data-root') || '/';
	function fetchOK(path) {
		return fetch(base + path).then(function (r) {
			if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
			return r;
		});
	}
	var index = new Index(function (path) {
		return fetchOK(path).then(function (r) { return r.json(); });
	}, function (path) {
		return fetchOK(path).then(function (r) { return r.arrayBuffer(); }).then(function (b) { return new Uint8Array(b); });
	});
	var input = form.querySelector('input[name=q]');
	var status = document.getElementById('search-status');
	var list = document.getElementById('search-results');
	var filtersBox = document.getElementById('search-filters');
	var selects = {};
	var PAGE = 20;

	function el(tag, attrs, text) {
		var e = document.createElement(tag);
		for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
		if (text !== undefined) e.textContent = text;
		return e;
	}

	function addSelect(name, label, values) {
		var wrap = el('label', { class: 'search-filter' });
		wrap.appendChild(document.createTextNode(label + ' '));
		var sel = el('select', { name: name });
		sel.appendChild(el('option', { value: '' }, '全部'));
		values.forEach(function (v) { sel.appendChild(el('option', { value: v[0] }, v[1])); });
		wrap.appendChild(sel);
		filtersBox.appendChild(wrap);
		selects[name] = sel;
		sel.addEventListener('change', function () { run(true); });
	}

	function counted(values) {
		var m = new Map();
		values.forEach(function (v) { m.set(v, (m.get(v) || 0) + 1); });
		return Array.from(m.entries()).sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
	}

	function setupFilters(docs) {
		var secTitle = new Map(docs.sections.map(function (s) { return [s[0], s[1]]; }));
		var secs = counted(docs.docs.map(function (d) { return d[3]; }).filter(Boolean));
		addSelect('section', '栏目', secs.map(function (c) { return [c[0], (secTitle.get(c[0]) || c[0]) + '（' + c[1] + '）']; }));
		docs.fields.forEach(function (f, i) {
			var all = [];
			docs.docs.forEach(function (d) { all.push.apply(all, d[4 + i]); });
			addSelect(f.key, f.label, counted(all).map(function (c) { return [c[0], c[0] + '（' + c[1] + '）']; }));
		});
		var years = counted(docs.docs.map(function (d) { return d[2].slice(0, 4); }).filter(Boolean));
		years.sort(function (a, b) { return a[0] < b[0] ? 1 : -1; });
		addSelect('year', '年份', years.map(function (c) { return [c[0], c[0] + '年（' + c[1] + '）']; }));
	}

	function filterFn(docs) {
		var want = [];
		Object.keys(selects).forEach(function (k) { if (selects[k].value) want.push([k, selects[k].value]); });
		if (!want.length) return null;
		var col = { section: 3 };
		docs.fields.forEach(function (f, i) { col[f.key] = 4 + i; });
		return function (id) {
			var d = docs.docs[id];
			return want.every(function (w) {
				if (w[0] === 'year') return d[2].slice(0, 4) === w[1];
				var v = d[col[w[0]]];
				return Array.isArray(v) ? v.indexOf(w[1]) >= 0 : v === w[1];
			});
		};
	}

	function syncURL() {
		var p = new URLSearchParams();
		if (input.value.trim()) p.set('q', input.value.trim());
		Object.keys(selects).forEach(function (k) { if (selects[k].value) p.set(k, selects[k].value); });
		var qs = p.toString();
		history.replaceState(null, '', location.pathname + (qs ? '?' + qs : ''));
	}

	var generation = 0;
	async function run(push) {
		var my = ++generation;
		var docs = await index.docs();
		if (push) syncURL();
		var q = input.value.trim(), filter = filterFn(docs), res;
		if (!q) {
			if (!filter) { list.textContent = ''; status.textContent = '输入关键词搜索全站，或用下面的条件筛选。'; return; }
			var ids = [];
			for (var i = 0; i < docs.docs.length; i++) if (filter(i)) ids.push(i);
			ids.sort(function (a, b) { return docs.docs[b][2] > docs.docs[a][2] ? 1 : -1; });
			res = { ids: ids, exact: true, terms: [] };
		} else {
			status.textContent = '正在搜索…';
			res = await index.search(q, { filter: filter || undefined });
		}
		if (my !== generation) return;
		list.textContent = '';
		status.textContent = res.ids.length ? ((res.exact ? '找到 ' : '约 ') + res.ids.length + ' 篇' + (q ? '包含“' + q + '”的' : '') + '文章') : '没有找到' + (q ? '包含“' + q + '”的' : '') + '文章。';
		var shown = res.ids.slice(0, PAGE);
		var texts = await Promise.all(shown.map(function (id) { return index.text(id); }));
		if (my !== generation) return;
		shown.forEach(function (id, k) {
			var d = docs.docs[id];
			var li = el('li', { class: 'search-result' });
			var h = el('h2', { class: 'search-result-title' });
			h.appendChild(el('a', { href: siteRoot + d[0].slice(1) }, d[1]));
			li.appendChild(h);
			if (d[2]) li.appendChild(el('time', { datetime: d[2] }, cnDate(d[2])));
			var sn = snippet(texts[k], res.terms, 120), p = el('p', { class: 'search-snippet' });
			if (sn.pre) p.appendChild(document.createTextNode('…'));
			sn.parts.forEach(function (part) {
				p.appendChild(part.mark ? el('mark', {}, part.text) : document.createTextNode(part.text));
			});
			if (sn.post) p.appendChild(document.createTextNode('…'));
			li.appendChild(p);
			list.appendChild(li);
		});
		if (res.ids.length > PAGE) list.appendChild(el('li', { class: 'search-more' }, '只显示前 ' + PAGE + ' 篇；请加关键词或筛选条件缩小范围。'));
	}

	form.addEventListener('submit', function (e) { e.preventDefault(); run(true); });
	index.docs().then(function (docs) {
		setupFilters(docs);
		var params = new URLSearchParams(location.search);
		input.value = params.get('q') || '';
		Object.keys(selects).forEach(function (k) { if (params.get(k)) selects[k].value = params.get(k); });
		form.setAttribute('data-ready', '1');
		run(false);
	}).catch(function (err) {
		status.textContent = '搜索索引无法载入：' + err.message;
	});
})(typeof window !== 'undefined' ? window : this);
