/*
 * query.browser.js - the report's search box against --filter, in Chromium.
 *
 *   node tests/report/query.browser.js DIR
 *
 * DIR holds all.html (a report of a real trace, no filter) and, for each
 * expression k of the list below, k.html (the same program traced with
 * --filter EXPR).  Typing EXPR into the search box of all.html, with noise
 * shown, must show exactly as many events as src/query.c kept for k.html;
 * a wrong expression must be shown beside the box with its column, keeping
 * the last good one in force.  Prints one line per check; exits 1 on a
 * failure.
 */
'use strict';

const path = require('path');

const modules = path.resolve(process.env.PLAYWRIGHT_MODULES || path.join(__dirname, 'node_modules'));
const { chromium } = require(path.join(modules, 'playwright-core'));
const EXPRS = require(path.join(__dirname, 'query.exprs.json'));

const dir = process.argv[2];
let failed = 0;

function check(name, ok, detail) {
	if (!ok)
		failed++;
	console.log((ok ? 'PASS: ' : 'FAIL: ') + name + (ok || detail === undefined ? '' : ' (' + detail + ')'));
}

/* The events shown, from "N of M events". */
async function shown(page) {
	const t = await page.textContent('#f-count');

	return Number(t.split(' of ')[0].replace(/,/g, ''));
}

/* Type text into the search box and wait for the refilter. */
async function search(page, text) {
	await page.fill('#f-search', text);
	await page.waitForFunction((q) => document.getElementById('tscroll').dataset.search === q, text);
}

/* The total a filtered report kept. */
async function kept(ctx, k) {
	const page = await ctx.newPage();

	await page.goto('file://' + path.resolve(dir, k + '.html'));
	const total = await page.evaluate(() => JSON.parse(document.getElementById('report-data').textContent).total);
	await page.close();
	return total;
}

(async () => {
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium' });
	const ctx = await browser.newContext();
	const page = await ctx.newPage();
	const errors = [];

	page.on('pageerror', (e) => errors.push(e.message));
	page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
	await page.goto('file://' + path.resolve(dir, 'all.html'));
	await page.check('#f-noise');
	for (let k = 0; k < EXPRS.length; k++) {
		const want = await kept(ctx, k);

		await search(page, EXPRS[k]);
		const got = await shown(page);
		check('search ' + JSON.stringify(EXPRS[k]) + ' shows what --filter kept (' + want + ')',
			got === want, got);
	}
	await search(page, 'type:open');
	const good = await shown(page);
	await search(page, 'type:open bytes>1X');
	check('a wrong expression is shown beside the box with its column',
		(await page.textContent('#f-search-error')) === "unknown size unit 'X' (column 18)",
		await page.textContent('#f-search-error'));
	check('the last good expression stays in force', (await shown(page)) === good, await shown(page));
	await search(page, 'type:open');
	check('the mistake goes once fixed', (await page.textContent('#f-search-error')) === '');
	check('no script error', errors.length === 0, errors.join('; '));
	await browser.close();
	console.log(failed ? failed + ' failed' : 'all passed');
	process.exit(failed ? 1 : 0);
})().catch((e) => {
	console.log('harness error: ' + e.stack);
	process.exit(99);
});
