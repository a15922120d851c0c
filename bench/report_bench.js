/*
 * report_bench.js - how fast a big HTML report opens and zooms in Chromium.
 *
 *   node bench/report_bench.js REPORT.html [ROUNDS]
 *
 * Opens the report ROUNDS times (default 5) in headless Chromium with a
 * fresh profile and prints the median of: wall time from navigation to the
 * page's ready mark, the page's own clock at that mark (from navigation
 * start) and its decode/draw split, then the time of a zoom step (+ key at
 * the pointer: handler plus the next two frames), a pan, a reset to the full
 * view and a category filter change.  Targets for a million events: open
 * <= 1.5 s, zoom step <= 100 ms.  A measurement, not a test.
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const modules = path.resolve(process.env.PLAYWRIGHT_MODULES ||
	path.join(__dirname, '..', 'tests', 'report', 'node_modules'));
const { chromium } = require(path.join(modules, 'playwright-core'));

/* Median of numbers. */
function median(v) {
	const s = v.slice().sort((a, b) => a - b);

	return s.length ? s[s.length >> 1] : NaN;
}

/* Time an action run inside the page, up to two frames after it. */
async function timed(page, action) {
	return page.evaluate(async (what) => {
		const t = performance.now();

		if (what.key)
			document.dispatchEvent(new KeyboardEvent('keydown', { key: what.key, bubbles: true }));
		else
			document.querySelector(what.click).click();
		await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
		return performance.now() - t;
	}, action);
}

/* One round: open, then zoom, pan, reset and filter. */
async function round(ctx, url) {
	const page = await ctx.newPage();
	const t0 = Date.now();

	await page.goto(url);
	await page.waitForSelector('html[data-ready]', { timeout: 300000 });
	const r = { wall: Date.now() - t0 };
	const d = await page.evaluate(() => document.documentElement.dataset);

	r.page = Number(d.openMs);
	Object.assign(r, JSON.parse(d.timings));
	const box = await page.locator('#lanes').boundingBox();

	await page.mouse.move(box.x + box.width * 0.4, box.y + 10);
	r.zoom = [];
	for (let i = 0; i < 6; i++)
		r.zoom.push(await timed(page, { key: '+' }));
	r.zoomOut = await timed(page, { key: '-' });
	r.reset = await timed(page, { key: '0' });
	r.filter = await timed(page, { click: '.chip[data-cat="file"]' });
	r.renderFull = Number(await page.evaluate(() => document.documentElement.dataset.renderMs));
	await page.close();
	return r;
}

/* Open the report ROUNDS times and print medians. */
async function main() {
	const file = path.resolve(process.argv[2]);
	const rounds = Number(process.argv[3] || 5);
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'compendium-bench-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		viewport: { width: 1400, height: 900 },
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const all = [];

	for (let i = 0; i < rounds; i++)
		all.push(await round(ctx, 'file://' + file));
	await ctx.close();
	fs.rmSync(profile, { recursive: true, force: true });
	const med = (k) => median(all.map((r) => r[k]));
	const zooms = [].concat(...all.map((r) => r.zoom));

	console.log('report: ' + file + ' (' + (fs.statSync(file).size / 1e6).toFixed(1) + ' MB), ' + rounds + ' rounds');
	console.log('open, navigation to ready (wall):  ' + med('wall') + ' ms');
	console.log('open, page clock at ready:         ' + med('page') + ' ms  (HTML in ' + med('start') +
		', decode ' + med('decode') + ', cards ' + med('cards') + ', filter ' + med('filter') + ', draw ' + med('draw') + ')');
	console.log('zoom step (+ at pointer, 2 frames): median ' + median(zooms).toFixed(1) + ' ms, max ' +
		Math.max(...zooms).toFixed(1) + ' ms');
	console.log('zoom steps by position (median over rounds): ' + [0, 1, 2, 3, 4, 5].map((k) => median(all.map((r) => r.zoom[k])).toFixed(1)).join(' '));
	console.log('zoom out / reset / category filter: ' + med('zoomOut').toFixed(1) + ' / ' +
		med('reset').toFixed(1) + ' / ' + med('filter').toFixed(1) + ' ms');
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
