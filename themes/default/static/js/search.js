/*
 * search.js: the site search, in the browser, over the files gazette build
 * writes under /search/ (see generator/search.h). No framework, no server.
 *
 * Tokens follow generator/tokenize.h: a CJK run gives unigrams and bigrams
 * in the index; a query's CJK run of 2+ characters is looked up as its
 * bigrams, 1 character as the unigram; ASCII letters and digits are whole
 * lower-cased words. A page matches when it has every query token; a run of
 * 3+ characters is then checked against the page text itself, so 养羊户
 * finds exactly the pages that contain 养羊户. A page's text is everything
 * a reader sees of it, in the parts generator/searchtext.h describes.
 *
 * The same file runs under node (module.exports) for the recall test.
 */
(function (root) {
	'use strict';

	var SHARDS = 256, GROUP = 16;
	var ABC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
	var PART = '\x1e';
	/* searchtext.h's field kinds, as a reader would name them */
	var KINDS = { 1: '图片说明', 2: '摄影', 3: '作者', 4: '来源', 5: '政策主题', 6: '主管部门', 7: '咨询方式' };
	var TERM = 0x10, TERM_LAST = 0x1d;

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

	/* The query's tokens, what a match must contain as a substring (CJK
	 * runs and words, for checking and highlighting), and its CJK runs. */
	function parseQuery(q) {
		var s = fold(q), tokens = [], terms = [], runs = [], run = [], word = '';
		function endRun() {
			if (run.length === 1) tokens.push(run[0]);
			for (var i = 1; i < run.length; i++) tokens.push(run[i - 1] + run[i]);
			if (run.length) {
				terms.push({ text: run.join(''), check: run.length > 2 });
				runs.push(run);
			}
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
		return { tokens: Array.from(new Set(tokens)), terms: terms, runs: runs };
	}

	/* When a phrase of 4+ characters is in no page: the same query with
	 * each such run cut into its two-character words (大棚黄瓜 → 大棚 黄瓜;
	 * an odd run's last character pairs with the one before it), or null
	 * when it has no such run. */
	function looser(q) {
		var pq = parseQuery(q), words = [], any = false;
		pq.runs.forEach(function (run) {
			if (run.length < 4) { words.push(run.join('')); return; }
			any = true;
			for (var i = 0; i + 1 < run.length; i += 2) words.push(run[i] + run[i + 1]);
			if (run.length % 2) words.push(run[run.length - 2] + run[run.length - 1]);
		});
		pq.terms.forEach(function (t) { if (!isCJK(t.text.codePointAt(0))) words.push(t.text); });
		return any ? Array.from(new Set(words)) : null;
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

	var DIGIT = new Int8Array(128).fill(-1);
	for (var d = 0; d < ABC.length; d++) DIGIT[ABC.charCodeAt(d)] = d;

	/* Postings: doc id delta, count; 5 bits a letter, upper half = more. */
	function decode(s) {
		var out = new Map(), v = 0, scale = 1, doc = 0, delta = -1;
		for (var i = 0; i < s.length; i++) {
			var c = DIGIT[s.charCodeAt(i) & 127];
			v += (c & 31) * scale;
			if (c & 32) { scale *= 32; continue; }
			if (delta < 0) {
				delta = v;
			} else {
				doc += delta;
				out.set(doc - 1, v);
				delta = -1;
			}
			v = 0;
			scale = 1;
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

	/* A page's text in its parts: {title, summary, fields: [{kind, text}],
	 * body}, with each part's offset in the text (at). */
	function splitText(text) {
		var a = text.indexOf(PART), b = a < 0 ? -1 : text.indexOf(PART, a + 1);
		var c = b < 0 ? -1 : text.indexOf(PART, b + 1);
		if (c < 0) return { title: '', summary: '', fields: [], body: text, at: { summary: 0, fields: 0, body: 0 } };
		var fields = [], f = text.slice(b + 1, c), re = /([\x01-\x1d])([^\x01-\x1d]*)/g, m;
		while ((m = re.exec(f))) fields.push({ kind: m[1].charCodeAt(0), text: m[2], at: b + 1 + m.index + 1 });
		return {
			title: text.slice(0, a), summary: text.slice(a + 1, b), fields: fields, body: text.slice(c + 1),
			at: { summary: a + 1, fields: b + 1, body: c + 1 },
		};
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
	/* the text of page id (splitText); the text files are gzipped groups */
	Index.prototype.text = function (id) {
		var path = 'text/' + Math.floor(id / GROUP) + '.bin';
		if (!this.cache.has(path)) this.cache.set(path, this.loadBytes(path).then(inflateJSON));
		return this.cache.get(path).then(function (g) {
			return g[id % GROUP];
		});
	};

	/* True if the text holds every run that the tokens alone cannot vouch
	 * for (3+ characters). */
	function holds(text, terms) {
		var f = fold(text);
		return terms.every(function (t) { return !t.check || f.indexOf(t.text) >= 0; });
	}

	/* Search: resolves to a result {ids (ranked), exact (all were
	 * checked), checked (ids[0, checked) are), terms, docs}. opts.check is
	 * how many candidates to check against the text at most (default 300;
	 * Infinity: all); the rest follow, unchecked, and more() checks them. */
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
		var res = {
			ids: scored.map(function (s) { return s.id; }), checked: 0, terms: pq.terms, docs: docs,
			exact: !pq.terms.some(function (t) { return t.check; }),
		};
		if (res.exact) res.checked = res.ids.length;
		await this.more(res, opts.check === undefined ? 300 : opts.check, opts.cancelled);
		return res;
	};

	/* Check up to n more candidates of res, in place; a page with every
	 * bigram of 养羊户 may still not hold 养羊户. Stops early (res as far as
	 * it got) when cancelled() turns true. */
	Index.prototype.more = async function (res, n, cancelled) {
		var self = this;
		while (!res.exact && n > 0) {
			var from = res.checked, upto = Math.min(res.ids.length, from + Math.min(n, 256));
			var batch = res.ids.slice(from, upto);
			var texts = await Promise.all(batch.map(function (id) { return self.text(id); }));
			if (cancelled && cancelled()) return res;
			var kept = batch.filter(function (id, i) { return holds(texts[i], res.terms); });
			res.ids.splice(from, batch.length, ...kept);
			res.checked = from + kept.length;
			n -= batch.length;
			res.exact = res.checked === res.ids.length;
		}
		return res;
	};

	/* Where the terms first occur in s: [{at, len}] of every match, in
	 * order, not overlapping. */
	function matches(s, terms) {
		var f = fold(s), out = [], i = 0;
		for (;;) {
			var best = -1, len = 0;
			for (var t of terms) {
				var p = f.indexOf(t.text, i);
				if (p >= 0 && (best < 0 || p < best || (p === best && t.text.length > len))) { best = p; len = t.text.length; }
			}
			if (best < 0 || !len) return out;
			out.push({ at: best, len: len });
			i = best + len;
		}
	}

	/* s cut into [{text, mark}] by the matches of terms */
	function highlight(s, terms) {
		var out = [], i = 0;
		matches(s, terms).forEach(function (m) {
			if (m.at > i) out.push({ text: s.slice(i, m.at), mark: false });
			out.push({ text: s.slice(m.at, m.at + m.len), mark: true });
			i = m.at + m.len;
		});
		if (i < s.length) out.push({ text: s.slice(i), mark: false });
		return out;
	}

	/* A snippet of a page's text: about width characters of the body
	 * centred on the first match; else of the summary; else the field that
	 * has it (with its label, fields the docs' taxonomies); a page found
	 * by its title shows its summary or its body's start. Resolves to
	 * {label, parts: [{text, mark}], pre, post}; "\n" in the parts is a
	 * break between blocks. */
	function snippet(text, terms, width, fields) {
		var t = splitText(text), src = null, label = '';
		function first(s) { var m = matches(s, terms); return m.length ? m[0] : null; }
		var m = first(t.body);
		if (m) src = t.body;
		else if (t.summary && (m = first(t.summary))) src = t.summary;
		else {
			for (var f of t.fields) {
				if ((m = first(f.text))) {
					src = f.text;
					/* the last term kind is shared by the taxonomies past the 14th */
					label = f.kind < TERM ? KINDS[f.kind] || ''
						: f.kind === TERM_LAST && (fields || []).length > TERM_LAST - TERM + 1 ? ''
						: ((fields || [])[f.kind - TERM] || {}).label || '';
					/* a credit that says 摄 or 图 names itself, as on the figure */
					if (f.kind === 2 && /[摄图]/.test(f.text)) label = '';
					break;
				}
			}
		}
		if (!src) { src = t.summary || t.body; m = { at: 0, len: 0 }; }
		var start = Math.max(0, Math.min(m.at - ((width - m.len) >> 1), src.length - width));
		if (m.at === 0 && !m.len) start = 0;
		var end = Math.min(src.length, start + width);
		/* no break at either end: a cut there is a block's edge */
		while (start < m.at && src[start] === '\n') start++;
		while (end > m.at + m.len && src[end - 1] === '\n') end--;
		return {
			label: label, parts: highlight(src.slice(start, end), terms),
			pre: start > 0 && src[start - 1] !== '\n', post: end < src.length && src[end] !== '\n',
		};
	}

	/* "2019-06-08" as a reader sees it, 2019年6月8日 (cn_date of the
	 * templates); anything else as it is. */
	function cnDate(d) {
		var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d || '');
		return m ? +m[1] + '年' + +m[2] + '月' + +m[3] + '日' : d;
	}

	var api = { fold: fold, parseQuery: parseQuery, looser: looser, hash: hash, decode: decode, Index: Index,
		splitText: splitText, snippet: snippet, highlight: highlight, cnDate: cnDate, holds: holds };
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
	var note = document.getElementById('search-note');
	var list = document.getElementById('search-results');
	var moreBox = document.getElementById('search-more');
	var facetsBox = document.getElementById('search-facets');
	var toggle = document.getElementById('search-facets-toggle');
	var PAGE = 20, TOP = 10, DEBOUNCE = 100;
	var facets = [];       /* {key, label, values(doc) → [value], name(value)} */
	var chosen = {};       /* facet key → value */
	var finds = {};        /* facet key → what its find box holds */
	var state = null;      /* the results on the page */
	var timing = api.timing = { input: 0, shown: 0, snippets: 0 };
	var shownCount = 0;    /* data-shown: how many times results were shown */

	function el(tag, attrs, text) {
		var e = document.createElement(tag);
		for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
		if (text !== undefined) e.textContent = text;
		return e;
	}

	function marked(parent, parts) {
		parts.forEach(function (part) {
			var bits = part.text.split('\n');
			bits.forEach(function (bit, i) {
				if (i) parent.appendChild(el('span', { class: 'search-sep' }, ' / '));
				if (bit) parent.appendChild(part.mark ? el('mark', {}, bit) : document.createTextNode(bit));
			});
		});
	}

	function setupFacets(docs) {
		var secTitle = new Map(docs.sections.map(function (s) { return [s[0], s[1]]; }));
		facets.push({ key: 'section', label: '栏目', values: function (d) { return d[3] ? [d[3]] : []; },
			name: function (v) { return secTitle.get(v) || v; } });
		docs.fields.forEach(function (f, i) {
			facets.push({ key: f.key, label: f.label, values: function (d) { return d[5 + i]; },
				name: function (v) { return v; } });
		});
		facets.push({ key: 'year', label: '年份', values: function (d) { return d[2] ? [d[2].slice(0, 4)] : []; },
			name: function (v) { return v + '年'; }, byValue: true });
	}

	/* ids kept by every chosen facet but skip's */
	function narrow(docs, ids, skip) {
		var want = facets.filter(function (f) { return f.key !== skip && chosen[f.key]; });
		if (!want.length) return ids;
		return ids.filter(function (id) {
			var d = docs.docs[id];
			return want.every(function (f) { return f.values(d).indexOf(chosen[f.key]) >= 0; });
		});
	}

	function syncURL() {
		var p = new URLSearchParams();
		if (input.value.trim()) p.set('q', input.value.trim());
		facets.forEach(function (f) { if (chosen[f.key]) p.set(f.key, chosen[f.key]); });
		var qs = p.toString();
		history.replaceState(null, '', location.pathname + (qs ? '?' + qs : ''));
	}

	function renderFacets() {
		var docs = state.docs, nchosen = 0;
		facetsBox.textContent = '';
		var head = el('div', { class: 'search-facets-head' });
		head.appendChild(el('h2', {}, '筛选'));
		facets.forEach(function (f) { if (chosen[f.key]) nchosen++; });
		if (nchosen) {
			var clear = el('button', { type: 'button', class: 'search-facets-clear' }, '清除筛选');
			clear.addEventListener('click', function () { chosen = {}; show(); });
			head.appendChild(clear);
		}
		facetsBox.appendChild(head);
		toggle.textContent = nchosen ? '筛选（' + nchosen + '）' : '筛选';
		var any = false;
		facets.forEach(function (f) {
			var counts = new Map();
			narrow(docs, state.base, f.key).forEach(function (id) {
				f.values(docs.docs[id]).forEach(function (v) { counts.set(v, (counts.get(v) || 0) + 1); });
			});
			if (chosen[f.key] && !counts.has(chosen[f.key])) counts.set(chosen[f.key], 0);
			var opts = Array.from(counts.entries()).sort(f.byValue
				? function (a, b) { return a[0] < b[0] ? 1 : -1; }
				: function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
			/* a facet that cannot narrow the results only takes room */
			if (!opts.length || (opts.length === 1 && !chosen[f.key] && opts[0][1] === state.list.length)) return;
			any = true;
			var box = el('section', { class: 'search-facet', 'data-key': f.key });
			box.appendChild(el('h3', {}, f.label));
			var ul = el('ul', { class: 'search-facet-options', 'aria-label': f.label });
			var findText = (finds[f.key] || '').trim();
			var long = opts.length > TOP;
			if (long) {
				var find = el('input', { type: 'search', class: 'search-facet-find', placeholder: '查找' + f.label,
					'aria-label': '查找' + f.label, autocomplete: 'off' });
				find.value = finds[f.key] || '';
				find.addEventListener('input', function () {
					finds[f.key] = find.value;
					fill();
				});
				box.appendChild(find);
			}
			var rest = el('p', { class: 'search-facet-rest' });
			function fill() {
				var ft = fold((finds[f.key] || '').trim());
				var pick = opts.filter(function (o) { return !ft || fold(f.name(o[0])).indexOf(ft) >= 0; });
				var shown = pick.slice(0, ft ? 50 : TOP);
				if (chosen[f.key] && !shown.some(function (o) { return o[0] === chosen[f.key]; }))
					shown.unshift(opts.filter(function (o) { return o[0] === chosen[f.key]; })[0]);
				ul.textContent = '';
				shown.forEach(function (o) {
					var li = el('li');
					var on = chosen[f.key] === o[0];
					var b = el('button', { type: 'button', class: 'search-facet-option', 'aria-pressed': on ? 'true' : 'false',
						'data-value': o[0] });
					b.appendChild(el('span', { class: 'search-facet-name' }, f.name(o[0])));
					b.appendChild(el('span', { class: 'search-facet-count' }, String(o[1])));
					b.addEventListener('click', function () {
						if (chosen[f.key] === o[0]) delete chosen[f.key];
						else chosen[f.key] = o[0];
						/* on a phone the panel folds away again, the results under it */
						if (toggle.offsetParent && facetsBox.classList.contains('open')) {
							setOpen(false);
							show();
							toggle.focus();
							return;
						}
						show(f.key);
					});
					li.appendChild(b);
					ul.appendChild(li);
				});
				rest.textContent = pick.length > shown.length ? '另有 ' + (pick.length - shown.length) + ' 项' +
					(ft ? '' : '，可输入名称查找') : (ft && !pick.length ? '没有匹配的' + f.label : '');
				rest.hidden = !rest.textContent;
			}
			fill();
			box.appendChild(ul);
			box.appendChild(rest);
			facetsBox.appendChild(box);
		});
		if (!any) facetsBox.appendChild(el('p', { class: 'search-facet-none' }, '没有可筛选的条件。'));
	}

	function snippetOf(text) {
		var sn = snippet(text, state.terms, window.innerWidth < 600 ? 72 : 110, state.docs.fields);
		var p = el('p', { class: 'search-snippet' });
		if (sn.label) p.appendChild(el('span', { class: 'search-snippet-label' }, sn.label + '：'));
		if (sn.pre) p.appendChild(document.createTextNode('…'));
		marked(p, sn.parts);
		if (sn.post) p.appendChild(document.createTextNode('…'));
		return p;
	}

	/* one result: title, section · date · place, thumbnail (the snippet
	 * follows) */
	function item(id) {
		var docs = state.docs, d = docs.docs[id];
		var li = el('li', { class: 'search-result' + (d[4] ? ' has-thumb' : '') });
		var body = el('div', { class: 'search-result-body' });
		var h = el('h2', { class: 'search-result-title' });
		var a = el('a', { href: siteRoot + d[0].slice(1) });
		marked(a, highlight(d[1], state.terms));
		h.appendChild(a);
		body.appendChild(h);
		var meta = el('p', { class: 'search-result-meta' });
		var sec = docs.sections.filter(function (s) { return s[0] === d[3]; })[0];
		if (sec) meta.appendChild(el('span', { class: 'search-result-section' }, sec[1]));
		if (d[2]) meta.appendChild(el('time', { datetime: d[2] }, cnDate(d[2])));
		var place = [];
		docs.fields.forEach(function (f, i) {
			if ((f.key === 'township' || f.key === 'village') && d[5 + i].length) place.push(d[5 + i][0]);
		});
		if (place.length) meta.appendChild(el('span', { class: 'search-result-place' }, place.join(' · ')));
		body.appendChild(meta);
		li.appendChild(body);
		if (d[4]) {
			var th = el('a', { class: 'search-result-thumb', href: siteRoot + d[0].slice(1), tabindex: '-1', 'aria-hidden': 'true' });
			th.appendChild(el('img', { src: siteRoot + d[4].slice(1), alt: '', loading: 'lazy', decoding: 'async' }));
			li.appendChild(th);
		}
		return li;
	}

	/* Show the next PAGE results of the current list. One not checked yet
	 * is checked here first; the rest show at once, their snippets as
	 * their text arrives. */
	async function showMore(my, focus) {
		var s = state, want = PAGE, out = [];
		var sure = new Set(s.res.exact ? [] : s.res.ids.slice(0, s.res.checked));
		while (out.length < want && s.next < s.list.length) {
			var ids = s.list.slice(s.next, s.next + want - out.length);
			var doubt = s.res.exact ? [] : ids.filter(function (id) { return !sure.has(id); });
			var texts = await Promise.all(doubt.map(function (id) { return index.text(id); }));
			if (my !== generation) return;
			doubt.forEach(function (id, k) { if (!holds(texts[k], s.terms)) s.dropped.add(id); });
			ids.forEach(function (id) { if (!s.dropped.has(id)) out.push(id); });
			s.next += ids.length;
		}
		var firstNew = null;
		var done = out.map(function (id) {
			var li = item(id);
			if (!firstNew) firstNew = li;
			list.appendChild(li);
			return index.text(id).then(function (text) {
				if (my === generation) li.querySelector('.search-result-body').appendChild(snippetOf(text));
			});
		});
		s.shown += out.length;
		renderMore();
		if (focus && firstNew) firstNew.querySelector('a').focus();
		timing.shown = performance.now();
		form.setAttribute('data-shown', String(++shownCount));
		await Promise.all(done);
		if (my !== generation) return;
		timing.snippets = performance.now();
		form.setAttribute('data-snippets', String(shownCount));
	}

	function renderMore() {
		var s = state, left = s.list.length - s.next;
		moreBox.textContent = '';
		if (left <= 0) return;
		var b = el('button', { type: 'button', class: 'search-more-button' },
			'加载更多（还有' + (s.res.exact ? ' ' : '约 ') + left + ' 篇）');
		b.addEventListener('click', function () { showMore(generation, true); });
		moreBox.appendChild(b);
	}

	function renderStatus() {
		var s = state, q = s.q, n = s.list.length, approx = !s.res.exact;
		var what = q ? '包含“' + (s.loose ? s.loose.join('”和“') : q) + '”的' : '';
		if (s.loose) {
			status.textContent = '没有找到包含“' + q + '”的文章。';
			note.hidden = false;
			note.textContent = n ? '较宽的匹配：下面 ' + n + ' 篇同时含有“' + s.loose.join('”和“') + '”，但不一定连在一起。'
				: '也没有同时含有“' + s.loose.join('”和“') + '”的文章。';
			return;
		}
		note.hidden = true;
		status.textContent = n ? (approx ? '约 ' : '找到 ') + n + ' 篇' + what + '文章' : '没有找到' + what + '文章。';
	}

	/* Lay out the current results with the chosen facets. */
	function show(changed) {
		var s = state;
		s.list = narrow(s.docs, s.base, null).filter(function (id) { return !s.dropped.has(id); });
		s.next = 0;
		s.shown = 0;
		list.textContent = '';
		renderStatus();
		renderFacets();
		if (changed) {
			/* keep the focus on the facet just used */
			var b = facetsBox.querySelector('.search-facet[data-key="' + changed + '"] .search-facet-option');
			if (b) b.focus();
		}
		syncURL();
		return showMore(generation, false);
	}

	var generation = 0;
	async function run() {
		var my = ++generation;
		var docs = await index.docs();
		var q = input.value.trim(), res, loose = null;
		if (!q) {
			var ids = docs.docs.map(function (d, i) { return i; });
			ids.sort(function (a, b) { return docs.docs[b][2] > docs.docs[a][2] ? 1 : docs.docs[b][2] < docs.docs[a][2] ? -1 : a - b; });
			res = { ids: ids, exact: true, terms: [] };
		} else {
			res = await searching(q);
			if (my !== generation) return;
			if (!res.ids.length && res.exact && (loose = looser(q))) {
				res = await index.search(loose.join(' '));
				if (my !== generation) return;
			}
		}
		if (my !== generation) return;
		state = { q: q, docs: docs, res: res, base: res.ids, terms: res.terms, loose: loose, dropped: new Set(),
			list: [], next: 0, shown: 0 };
		if (!q && !facets.some(function (f) { return chosen[f.key]; })) {
			list.textContent = '';
			moreBox.textContent = '';
			note.hidden = true;
			status.textContent = '输入关键词搜索全站，或用筛选条件浏览。';
			renderFacets();
			syncURL();
			return;
		}
		await show();
		if (my !== generation) return;
		if (!res.exact) {
			/* the rest are checked while the reader reads; counts and
			 * filters then become exact */
			await index.more(res, Infinity, function () { return my !== generation; });
			if (my !== generation || !res.exact) return;
			/* what is shown stays; the false candidates among it were
			 * passed over, so the rest starts after the shown ones */
			state.base = res.ids;
			state.list = narrow(docs, state.base, null);
			state.next = state.shown;
			renderStatus();
			renderFacets();
			renderMore();
		}
	}

	/* The search for what is typed starts at once, while the page waits
	 * for the typing to pause before it shows anything: the index files it
	 * needs are on their way by then. A page's worth checked is enough to
	 * show; the rest follow. */
	var pending = null;
	function searching(q) {
		if (!pending || pending.q !== q) {
			var mine = { q: q };
			mine.promise = index.search(q, { check: PAGE, cancelled: function () { return pending !== mine; } });
			pending = mine;
		}
		return pending.promise;
	}

	var timer = 0, composing = false;
	function soon() {
		var q = input.value.trim();
		if (q) searching(q).catch(function () {});
		clearTimeout(timer);
		timer = setTimeout(run, DEBOUNCE);
	}
	form.addEventListener('submit', function (e) {
		e.preventDefault();
		clearTimeout(timer);
		run();
	});
	/* typing: search once the typing pauses, never halfway through a
	 * character being composed in an input method */
	input.addEventListener('input', function (e) {
		timing.input = performance.now();
		if (composing || e.isComposing) return;
		soon();
	});
	input.addEventListener('compositionstart', function () { composing = true; });
	input.addEventListener('compositionend', function () {
		composing = false;
		timing.input = performance.now();
		soon();
	});
	function setOpen(open) {
		toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
		facetsBox.classList.toggle('open', open);
	}
	toggle.addEventListener('click', function () { setOpen(toggle.getAttribute('aria-expanded') !== 'true'); });

	index.docs().then(function (docs) {
		setupFacets(docs);
		var params = new URLSearchParams(location.search);
		input.value = params.get('q') || '';
		facets.forEach(function (f) { if (params.get(f.key)) chosen[f.key] = params.get(f.key); });
		form.setAttribute('data-ready', '1');
		run();
	}).catch(function (err) {
		/* The reader is told, in the page's language, what to do; the cause
		 * (an HTTP status, a blocked fetch) is for whoever looks at the
		 * console. A page opened from disk (file:) cannot fetch its index
		 * at all: that is a site previewed without a web server. */
		if (root.console) root.console.warn('search index: ' + (err && err.message));
		var what = location.protocol === 'file:'
			? '搜索要通过网站地址打开才能使用：直接从电脑上打开的网页文件读不到搜索索引。请用网站地址访问（预览时用 gazette serve 启动本地服务器）。'
			: '搜索索引没有载入，暂时无法搜索。请稍后刷新页面再试；也可以按';
		status.textContent = what;
		if (location.protocol !== 'file:') {
			var a = el('a', { href: siteRoot + 'archive/' }, '归档');
			var b = el('a', { href: siteRoot + 'sitemap/' }, '网站地图');
			status.appendChild(a);
			status.appendChild(document.createTextNode('或'));
			status.appendChild(b);
			status.appendChild(document.createTextNode('浏览。'));
		}
	});
})(typeof window !== 'undefined' ? window : this);
