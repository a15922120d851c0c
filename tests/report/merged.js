/*
 * merged.js - the HTML report of a replay of two recordings, in headless
 * Chromium: every process labelled with its host and the pid it had there.
 *
 *   node tests/report/merged.js DIR
 *
 * DIR (made by merged.test) holds merged.html (--replay alpha.rec
 * beta.rec), single.html (alpha.rec alone) and expect.json: each
 * recording's host, processes, events, file bytes, pids and root pid from
 * its own --json summary, and the pid both roots had.  Prints one line per
 * check and "N passed, N failed"; exits 1 on a failure.
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const modules = path.resolve(process.env.PLAYWRIGHT_MODULES || path.join(__dirname, 'node_modules'));
const { chromium } = require(path.join(modules, 'playwright-core'));

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const RUN_BIT = 1 << 22;      /* src/record.h: REC_RUN_SHIFT */
const dir = process.argv[2];
const want = JSON.parse(fs.readFileSync(path.join(dir, 'expect.json'), 'utf8'));
let passed = 0, failed = 0;

/* Record one check. */
function check(name, ok, detail) {
	if (ok) {
		passed++;
		console.log('PASS: ' + name);
	} else {
		failed++;
		console.log('FAIL: ' + name + (detail !== undefined ? ' (' + detail + ')' : ''));
	}
}

/* Open a report; returns the page and the problems it showed. */
async function open(ctx, name) {
	const page = await ctx.newPage();
	const url = 'file://' + path.resolve(dir, name + '.html');
	const problems = [];

	page.on('console', (m) => {
		if (m.type() === 'error' || m.type() === 'warning')
			problems.push(m.type() + ': ' + m.text());
	});
	page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
	page.on('request', (r) => {
		if (r.url() !== url)
			problems.push('request: ' + r.url());
	});
	await page.goto(url);
	await page.waitForSelector('html[data-ready]', { timeout: 60000 });
	return { page, problems };
}

/* Texts of every element matching sel. */
async function texts(page, sel) {
	return page.$$eval(sel, (l) => l.map((x) => x.textContent));
}

/* "alpha:12" of every process of every recording, as its summary lists them. */
function allLabels() {
	const out = [];

	want.runs.forEach((r) => r.pids.forEach((p) => out.push(r.host + ':' + p)));
	return out.sort();
}

/* Numbers of the model's pids (host index above bit 22) found in text. */
function encoded(text) {
	return (text.match(/\d+/g) || []).map(Number).filter((n) => n >= RUN_BIT && n < 256 * RUN_BIT &&
		want.runs.some((r, i) => r.pids.includes(n - i * RUN_BIT) && n >= i * RUN_BIT));
}

/* Lanes, the process filter, the table and the process tree. */
async function labels(page) {
	const pids = (await texts(page, '.lane-label .pid')).sort();
	const shared = want.shared;

	check('a lane per process of both hosts, labelled host:pid ' + JSON.stringify(pids),
		JSON.stringify(pids) === JSON.stringify(allLabels()), JSON.stringify(allLabels()));
	check('both roots shown apart: alpha:' + shared + ' and beta:' + shared,
		pids.includes('alpha:' + shared) && pids.includes('beta:' + shared));
	const opts = (await texts(page, '#f-proc option')).slice(1).map((t) => t.split(' ')[0]).sort();
	check('the process filter offers every host:pid', JSON.stringify(opts) === JSON.stringify(allLabels()),
		JSON.stringify(opts));
	const beta = await page.$$eval('#f-proc option', (o, s) =>
		o.filter((x) => x.textContent.startsWith('beta:' + s + ' ')).map((x) => x.value)[0], shared);
	await page.selectOption('#f-proc', beta);
	const lanes = await texts(page, '.lane-label .pid');
	const cells = await texts(page, '.trow:not([hidden]) .c-pid');
	check('filtered to beta:' + shared + ': its lane alone', JSON.stringify(lanes) === JSON.stringify(['beta:' + shared]),
		JSON.stringify(lanes));
	check('filtered to beta:' + shared + ': every row says beta:' + shared + ' (' + cells.length + ')',
		cells.length > 0 && cells.every((c) => c === 'beta:' + shared), JSON.stringify(cells.slice(0, 5)));
	await page.click('.trow:not([hidden]) >> nth=0');
	const detail = await page.$eval('#detail', (e) => e.textContent);
	check('an event\'s details say pid beta:' + shared, detail.includes(' pid beta:' + shared + ' ') &&
		!encoded(detail).length, detail);
	await page.selectOption('#f-proc', '');
	const tree = (await texts(page, '#v-procs-table td:first-child'))
		.map((t) => t.replace(/^[\s\u00a0\u2514]+/, '').split(' ')[0]).sort();
	check('the process tree lists every host:pid', JSON.stringify(tree) === JSON.stringify(allLabels()),
		JSON.stringify(tree));
	const body = await page.evaluate(() => {
		const parts = [document.body.innerText];

		document.querySelectorAll('option').forEach((o) => parts.push(o.textContent));
		document.querySelectorAll('[title]').forEach((e) => parts.push(e.title));
		return parts.join('\n');
	});
	check('no model pid (host index above the pid bits) anywhere on the page', !encoded(body).length,
		JSON.stringify(encoded(body).slice(0, 5)));
}

/* The recordings' cards: each one's totals as its own summary has them. */
async function cards(page) {
	const got = await page.$$eval('.card.run', (l) => l.map((c) => Object.assign({ text: c.innerText }, c.dataset)));
	const tot = { processes: 0, events: 0, file_read: 0, file_written: 0 };

	check('a card per recording and one of both', got.length === 3, got.length);
	want.runs.forEach((r, i) => {
		const c = got.find((x) => x.run === String(i)) || {};

		check('card of ' + r.host + ': processes ' + r.processes + ', events ' + r.events + ', file bytes ' +
			r.file_read + ' read, ' + r.file_written + ' written',
			c.host === r.host && +c.processes === r.processes && +c.events === r.events &&
			+c.fileRead === r.file_read && +c.fileWritten === r.file_written,
			JSON.stringify(c));
		check('card of ' + r.host + ' shows its host, command and counts',
			(c.text || '').includes(r.host.toUpperCase()) && c.text.includes(r.command.join(' ')) &&
			c.text.includes('processes ' + r.processes) && c.text.includes('events ' + r.events.toLocaleString('en-US')),
			c.text);
		for (const k of Object.keys(tot))
			tot[k] += r[k];
	});
	const a = got.find((x) => x.run === 'all') || {};
	check('card of both: processes ' + tot.processes + ', events ' + tot.events,
		+a.processes === tot.processes && +a.events === tot.events && +a.fileRead === tot.file_read &&
		+a.fileWritten === tot.file_written, JSON.stringify(a));
	const sub = await page.$eval('#subtitle', (e) => e.textContent);
	check('the subtitle names both recordings', sub.startsWith('2 recordings (alpha, beta)'), sub);
}

/* One recording's report: no label, no recording cards, as before. */
async function single(page) {
	const pids = await texts(page, '.lane-label .pid');
	const r = want.runs[0];

	check('one recording: lanes are plain pids ' + JSON.stringify(pids),
		JSON.stringify(pids.slice().sort()) === JSON.stringify(r.pids.map(String).sort()));
	check('one recording: no recording cards, an Exit card',
		(await page.$$('.card.run')).length === 0 && (await texts(page, '.card h3')).includes('Exit'));
	const body = await page.evaluate(() => document.body.innerText);
	check('one recording: no host label anywhere', !/\balpha:\d/.test(body));
	check('one recording: the title is the command', await page.$eval('#title', (e) => e.textContent) === r.command.join(' '));
}

/* Launch Chromium with a fresh profile and run the checks. */
async function main() {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'compendium-chromium-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		viewport: { width: 1280, height: 900 },
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});

	try {
		let { page, problems } = await open(ctx, 'merged');
		await labels(page);
		await cards(page);
		check('merged: no console errors or requests', problems.length === 0, problems.join(' | '));
		await page.close();
		({ page, problems } = await open(ctx, 'single'));
		await single(page);
		check('single: no console errors or requests', problems.length === 0, problems.join(' | '));
		await page.close();
	} finally {
		await ctx.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
	console.log(passed + ' passed, ' + failed + ' failed');
	process.exit(failed ? 1 : 0);
}

main().catch((e) => {
	console.log('FAIL: harness error: ' + (e && e.stack ? e.stack : e));
	console.log(passed + ' passed, ' + (failed + 1) + ' failed');
	process.exit(1);
});
