// Text contrast as a reader sees it, shared by the browser tests:
//
//   const { lowContrast } = require('./contrast');
//   const problems = await page.evaluate(lowContrast);
//
// Emulate the colour scheme first, and reduced motion: a transition would
// show colours halfway between the schemes.
'use strict';

// Runs in the page: text whose colour on the background behind it is under
// WCAG AA, 4.5:1, or 3:1 for large text (24px, or 18.66px bold). The
// background is the element's and its ancestors' colours laid one over the
// other; text over a picture is left out, as its background is not a colour.
function lowContrast() {
	function rgba(c) {
		let m = /^rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)$/.exec(c);
		if (m) return [m[1] / 255, m[2] / 255, m[3] / 255, m[4] === undefined ? 1 : +m[4]];
		m = /^color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)(?: \/ ([\d.]+))?\)$/.exec(c);
		if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
		return null;
	}
	const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
	const lum = (c) => {
		const l = c.slice(0, 3).map((v) => (v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)));
		return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
	};
	function background(el) {
		const layers = [];
		for (let e = el; e; e = e.parentElement) {
			const cs = getComputedStyle(e);
			if (cs.backgroundImage !== 'none' && e !== el.closest('table')) return null;
			if (e.tagName === 'IMG' || e.tagName === 'PICTURE') return null;
			const c = rgba(cs.backgroundColor);
			if (!c) return null;
			if (c[3] > 0) layers.push(c);
			if (c[3] === 1) break;
		}
		let bg = [1, 1, 1, 1];
		for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
		return bg;
	}
	const out = [];
	const seen = new Set();
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n = walker.nextNode(); n; n = walker.nextNode()) {
		const el = n.parentElement;
		if (!n.data.trim() || !el || seen.has(el)) continue;
		seen.add(el);
		if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
		const r = el.getBoundingClientRect();
		if (r.width <= 1 || r.height <= 1) continue;
		const cs = getComputedStyle(el);
		const fg = rgba(cs.color);
		const bg = background(el);
		if (!fg || !bg) continue;
		const a = lum(over(fg, bg)), b = lum(bg);
		const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
		const size = parseFloat(cs.fontSize), weight = parseInt(cs.fontWeight, 10);
		const need = size >= 24 || (size >= 18.66 && weight >= 700) ? 3 : 4.5;
		if (ratio < need) {
			const what = `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`;
			out.push(`${what} '${n.data.trim().slice(0, 20)}' ${cs.color} on ${bg.slice(0, 3).map((v) => Math.round(v * 255)).join(',')}: ${ratio.toFixed(2)}:1, want ${need}:1`);
		}
	}
	return out;
}

module.exports = { lowContrast };
