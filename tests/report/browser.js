/*
 * browser.js - open compendium-tui HTML reports in headless Chromium and
 * check what a person would see and do.
 *
 *   node tests/report/browser.js DIR
 *
 * DIR holds reports made by tests/report_gen, each NAME.html with the
 * NAME.manifest it printed (what the report must show, counted from the
 * store): small (synthetic, hostile names), thin (cut by --max), big
 * (a million events) and, when tracing worked, real.  Every page must load
 * from file:// with no console error, no failed script and no request but
 * its own; lanes and rows must match the manifest, under category, type
 * and process filters too; zoom
 * must keep the time under the pointer; the last of a million rows must be
 * reachable; hostile names must show as text and run nothing; the longest
 * timed call (synthetic: a thread's read blocked through all the work) must
 * be a bar from its entry to its exit, pickable and described with its
 * duration.
 * Prints one line per check and "N passed, N failed"; exits 1 on a failure.
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const modules = path.resolve(process.env.PLAYWRIGHT_MODULES || path.join(__dirname, 'node_modules'));
const { chromium } = require(path.join(modules, 'playwright-core'));

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const dir = process.argv[2];
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

/* Open a report; returns the page and the lists of problems it showed. */
async function open(ctx, name) {
	const page = await ctx.newPage();
	const url = 'file://' + path.resolve(dir, name + '.html');
	const problems = { console: [], requests: [] };

	page.on('console', (m) => {
		if (m.type() === 'error' || m.type() === 'warning')
			problems.console.push(m.type() + ': ' + m.text());
	});
	page.on('pageerror', (e) => problems.console.push('pageerror: ' + e.message));
	page.on('request', (r) => {
		if (r.url() !== url)
			problems.requests.push(r.url());
	});
	page.on('dialog', (d) => {
		problems.console.push('dialog: ' + d.message());
		d.dismiss();
	});
	const t0 = Date.now();
	await page.goto(url);
	await page.waitForSelector('html[data-ready]', { timeout: 120000 });
	problems.openMs = Date.now() - t0;
	return { page, problems };
}

/* Number in a data attribute of an element. */
async function dataNum(page, sel, key) {
	return Number(await page.$eval(sel, (e, k) => e.dataset[k], key));
}

/* Visible lanes and filtered rows as the page reports them. */
async function counts(page) {
	return {
		lanes: await dataNum(page, '#lanes', 'lanes'),
		lrows: await dataNum(page, '#lanes', 'rows'),
		labels: await page.$$eval('.lane-label', (l) => l.length),
		rows: await dataNum(page, '#tscroll', 'rows'),
	};
}

/* Shown events per the manifest: everything but noise. */
function shown(m) {
	return m.events - m.noise;
}

/* Checks every report must pass. */
async function basics(name, page, problems, m) {
	const c = await counts(page);
	const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (e) => e.content);

	check(name + ': no console errors', problems.console.length === 0, problems.console.join(' | '));
	check(name + ': no network requests', problems.requests.length === 0, problems.requests.join(' '));
	check(name + ': CSP default-src none with script and style hashes',
		/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]{43}='; style-src 'sha256-[A-Za-z0-9+/]{43}='/.test(csp), csp);
	check(name + ': lanes match the trace, a label a row', c.lanes === m.lanes && c.labels === c.lrows,
		c.lanes + '/' + c.labels + '/' + c.lrows + ' vs ' + m.lanes);
	if (m.kept === m.events) {
		check(name + ': rows match the trace', c.rows === shown(m), c.rows + ' vs ' + shown(m));
	} else {
		await page.check('#f-noise');
		const all = (await counts(page)).rows;

		await page.uncheck('#f-noise');
		check(name + ': rows match the events kept', all === m.kept && c.rows <= all, all + ' vs ' + m.kept);
	}
	check(name + ': one script block of code, one of data',
		await page.$$eval('script', (s) => s.map((x) => x.type || 'js').join(',')) === 'application/json,js');
}

/* Turn category chips on or off to leave exactly `only` on (null: all). */
async function onlyCategory(page, only) {
	const chips = await page.$$('.chip');

	for (const chip of chips) {
		const cat = await chip.getAttribute('data-cat');
		const on = (await chip.getAttribute('aria-pressed')) === 'true';

		if (on !== (only === null || cat === only))
			await chip.click();
	}
}

/* Exit rows use the words of the lines and the terminal UI (fmt_wait_status):
 * report_gen's synthetic trace ends pid 102 by SIGKILL and pid 101 with 3. */
async function exitWords(name, page, m) {
	const dets = (await tableRows(page)).map((r) => r.det);
	const form = /^(thread )?(exit \d+|killed by SIG\w+( \(core dumped\))?)$/;

	check(name + ': exit rows are worded like the lines', dets.length && dets.every((d) => form.test(d)),
		JSON.stringify(dets));
	if (m.by_pid['102'])
		check(name + ': a SIGKILL death and an exit 3 read as in the lines',
			dets.includes('killed by SIGKILL') && dets.includes('exit 3'), JSON.stringify(dets));
}

/* Deletes and renames read as in the lines: report_gen's synthetic trace
 * renames "/data/old name.txt" to a name with an escape character, deletes
 * the directory /data/gone, and fails to delete /data/missing. */
async function namesWords(name, page, m) {
	const want = {
		rename: ['/data/old name.txt \u2192 /data/new\\x1b[7m.txt'],
		delete: ['/data/gone (dir)', '/data/missing failed: ENOENT'],
	};

	for (const type of Object.keys(want)) {
		await page.selectOption('#f-type', { label: type });
		const dets = (await tableRows(page)).map((r) => r.det.replace(/  \[[^\]]*\]$/, ''));

		check(name + ': ' + type + ' rows read as in the lines', m.by_type[type] === want[type].length &&
			JSON.stringify(dets) === JSON.stringify(want[type]), JSON.stringify(dets));
	}
	await page.selectOption('#f-type', '');
}

/* Category and process filters change rows and lanes exactly. */
async function filters(name, page, m) {
	for (const cat of ['net', 'file', 'proc']) {
		await onlyCategory(page, cat);
		const c = await counts(page);

		check(name + ': category ' + cat + ' rows', c.rows === m.by_cat[cat].shown, c.rows + ' vs ' + m.by_cat[cat].shown);
		check(name + ': category ' + cat + ' lanes', c.lanes === m.by_cat[cat].lanes, c.lanes + ' vs ' + m.by_cat[cat].lanes);
	}
	await onlyCategory(page, null);
	for (const pid of Object.keys(m.by_pid).slice(0, 3)) {
		await page.selectOption('#f-proc', pid);
		const c = await counts(page);

		check(name + ': process ' + pid + ' rows', c.rows === m.by_pid[pid].shown, c.rows + ' vs ' + m.by_pid[pid].shown);
		check(name + ': process ' + pid + ' lanes', c.lanes === m.by_pid[pid].lanes, c.lanes + ' vs ' + m.by_pid[pid].lanes);
	}
	await page.selectOption('#f-proc', '');
	for (const type of Object.keys(m.by_type).filter((t) => ['connect', 'munmap', 'exit'].includes(t))) {
		await page.selectOption('#f-type', { label: type });
		const c = await counts(page);

		check(name + ': type ' + type + ' rows', c.rows === m.by_type[type], c.rows + ' vs ' + m.by_type[type]);
		if (type === 'exit')
			await exitWords(name, page, m);
	}
	await page.selectOption('#f-type', '');
	await page.check('#f-noise');
	check(name + ': show noise shows every event', (await counts(page)).rows === m.kept, (await counts(page)).rows);
	await page.click('#f-reset');
	check(name + ': reset restores every row', (await counts(page)).rows === shown(m));
}

/* Time under CSS x of the lanes canvas, from the view the page reports. */
async function timeAt(page, x) {
	return page.$eval('#lanes', (cv, px) =>
		Number(cv.dataset.t0) + px / cv.clientWidth * (Number(cv.dataset.t1) - Number(cv.dataset.t0)), x);
}

/* Width of the shown time range. */
async function span(page) {
	return page.$eval('#lanes', (cv) => Number(cv.dataset.t1) - Number(cv.dataset.t0));
}

/* Zoom with Ctrl+wheel and the keys keeps the time under the pointer. */
async function zoom(name, page) {
	const box = await page.locator('#lanes').boundingBox();
	const x = Math.round(box.width * 0.37);

	await page.mouse.move(box.x + x, box.y + 8);
	for (const how of ['ctrl+wheel in', 'key +', 'ctrl+wheel out', 'key -']) {
		const before = await timeAt(page, x), s0 = await span(page);

		if (how.startsWith('ctrl')) {
			await page.keyboard.down('Control');
			await page.mouse.wheel(0, how.endsWith('in') ? -240 : 120);
			await page.keyboard.up('Control');
		} else {
			await page.keyboard.press(how === 'key +' ? '+' : '-');
		}
		await page.waitForFunction((old) => {
			const cv = document.getElementById('lanes');
			return Number(cv.dataset.t1) - Number(cv.dataset.t0) !== old;
		}, s0, { timeout: 5000 }).catch(() => {});
		const after = await timeAt(page, x), s1 = await span(page);

		check(name + ': ' + how + ' changes the range', s1 !== s0, s0 + ' -> ' + s1);
		check(name + ': ' + how + ' keeps the pointer time', Math.abs(after - before) <= s1 * 1e-6 + 1e-3,
			before + ' -> ' + after);
	}
	await page.keyboard.press('0');
}

/* Rows shown in the table: [{index, time, type, det}]. */
async function tableRows(page) {
	return page.$$eval('#tbody .trow', (rows) => rows.filter((r) => !r.hidden).map((r) => ({
		index: Number(r.dataset.index), time: r.children[0].textContent, pid: r.children[1].textContent,
		type: r.children[2].textContent, det: r.children[3].textContent,
		/* elements but the four spans a path is cut with (report.js pathSpans) */
		elements: [...r.children[3].querySelectorAll('*')].filter((e) =>
			!/^p-(pre|head|tail|post)$/.test(e.className) || e.children.length).length,
	})));
}

/* Row click finds the event on the timeline; a timeline click finds it back. */
async function findBothWays(name, page) {
	for (let k = 0; k < 8; k++)
		await page.keyboard.press('+');
	const rows = await tableRows(page);
	const target = rows[Math.min(5, rows.length - 1)];
	const t = Number(target.time.replace(/[+s]/g, '')) * 1e9;

	await page.click('#tbody .trow[data-index="' + target.index + '"]');
	let t0 = await dataNum(page, '#lanes', 't0'), t1 = await dataNum(page, '#lanes', 't1');

	check(name + ': row click selects its event', (await dataNum(page, '#table', 'selected')) === target.index);
	check(name + ': row click brings its time into the timeline', t >= t0 && t <= t1, t + ' in ' + t0 + '..' + t1);
	await page.click('#tbody .trow[data-index="' + rows[0].index + '"]');
	t0 = await dataNum(page, '#lanes', 't0');
	t1 = await dataNum(page, '#lanes', 't1');
	const tid = target.pid.split('/').pop();
	const lb = await page.locator('.lane-label[data-tid="' + tid + '"]').boundingBox();
	const cv = await page.locator('#lanes').boundingBox();

	await page.mouse.click(cv.x + (t - t0) / (t1 - t0) * cv.width, lb.y + lb.height / 2);
	const back = await dataNum(page, '#table', 'selected');
	const selRow = await page.$eval('#tbody .trow.sel', (r) => Number(r.dataset.index)).catch(() => -1);

	check(name + ': timeline click selects the event drawn there', back === target.index, back + ' vs ' + target.index);
	check(name + ': timeline click shows that event in the table', selRow === back, selRow + ' vs ' + back);
	await page.keyboard.press('0');
}

/* Shift+drag selects a range and shows its totals. */
async function rangeSelect(name, page, m) {
	const box = await page.locator('#lanes').boundingBox();

	await page.keyboard.down('Shift');
	await page.mouse.move(box.x + box.width * 0.2, box.y + 5);
	await page.mouse.down();
	await page.mouse.move(box.x + box.width * 0.5, box.y + 5, { steps: 5 });
	await page.mouse.up();
	await page.keyboard.up('Shift');
	const hidden = await page.$eval('#selection', (e) => e.hidden);
	const n = await dataNum(page, '#selection', 'events').catch(() => -1);

	check(name + ': shift+drag shows range totals', !hidden && n > 0 && n < shown(m), n);
	const calls = await page.$eval('#sel-body', (e) => e.textContent);

	check(name + ': range totals count the timed calls and their time', /timed calls [1-9][0-9,]*, [0-9.]+(ns|us|ms|s) in them/.test(calls), calls);
	await page.click('#sel-clear');
}

/* [r, g, b] of the lanes canvas at CSS point (x, y). */
async function pixelAt(page, x, y) {
	return page.$eval('#lanes', (cv, p) => {
		const d = cv.width / cv.clientWidth, copy = document.createElement('canvas');
		const ctx = copy.getContext('2d', { willReadFrequently: true });

		copy.width = copy.height = 1;   /* read a copy: the page's canvas stays GPU-side */
		ctx.drawImage(cv, Math.floor(p[0] * d), Math.floor(p[1] * d), 1, 1, 0, 0, 1, 1);
		return Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3));
	}, [x, y]);
}

/* CSS x of time t (ns) on the lanes canvas as it is drawn now. */
async function xAt(page, t) {
	return page.$eval('#lanes', (cv, tt) =>
		(tt - Number(cv.dataset.t0)) / (Number(cv.dataset.t1) - Number(cv.dataset.t0)) * cv.clientWidth, t);
}

/* The longest call of the small synthetic report (tests/report_gen synth
 * 20000): its start and duration in us, and as the page must write them. */
const SMALL_LONGEST = { start_us: 44, dur_us: 14305, started: '+0.000044s', dur: '14.3ms' };

/* The longest timed call is a bar from entry to exit, found by a click
 * anywhere on it, and its duration is in the table, details and tooltip. */
async function spans(name, page, m) {
	check(name + ': the trace has timed calls', m.spans > 0 && m.longest !== undefined, m.spans);
	if (!m.longest)
		return;
	const L = m.longest, end = Math.round(L.end / 1000) * 1000, start = end - Math.round(L.dur / 1000) * 1000;
	const want = SMALL_LONGEST.dur;

	check(name + ': the longest call is the one the expected texts are about',
		start === SMALL_LONGEST.start_us * 1000 && end - start === SMALL_LONGEST.dur_us * 1000,
		JSON.stringify(L));

	await page.fill('#f-search', 'slow-read');
	await page.waitForFunction(() => document.getElementById('tscroll').dataset.search === 'slow-read',
		null, { timeout: 20000 });
	const row = (await tableRows(page)).find((r) => r.det.includes(L.path));

	check(name + ': a timed call shows its duration in the table', row && row.det.endsWith('[' + want + ']'),
		JSON.stringify(row));
	await page.click('#tbody .trow[data-index="' + row.index + '"]');
	const detail = await page.$eval('#detail', (e) => e.textContent);

	check(name + ': its details say when it started and how long it took',
		detail.includes('started ' + SMALL_LONGEST.started + ', duration ' + want), detail);
	await page.click('#f-reset');
	await page.click('#sel-clear').catch(() => {});
	await page.keyboard.press('0');
	const cv = await page.locator('#lanes').boundingBox();
	const lb = await page.locator('.lane-label[data-tid="' + L.tid + '"]').boundingBox();
	const y = lb.y - cv.y + 7, x0 = await xAt(page, start), x1 = await xAt(page, end);
	const inside = [];

	for (const f of [0.25, 0.5, 0.75])
		inside.push((await pixelAt(page, x0 + f * (x1 - x0), y)).join(','));
	const before = (await pixelAt(page, x0 - 8, y)).join(',');

	check(name + ': the call is drawn as one bar from its start to its end (' + Math.round(x1 - x0) + ' px)',
		x1 - x0 > 50 && inside[0] === inside[1] && inside[1] === inside[2] && inside[0] !== before &&
		before === '240,242,246', inside.join(' | ') + ' before: ' + before);
	check(name + ': the page counts the bars it drew', (await dataNum(page, '#lanes', 'spans')) >= 1);
	await page.mouse.move(cv.x + (x0 + x1) / 2, lb.y + lb.height / 2);
	await page.waitForFunction(() => document.getElementById('lanes').title !== '', null, { timeout: 5000 }).catch(() => {});
	const tip = await page.$eval('#lanes', (e) => e.title);

	check(name + ': hovering the bar shows the call and its duration', tip.includes(L.path) &&
		tip.includes('duration ' + want), tip);
	await page.click('#tbody .trow:not([hidden])');
	await page.mouse.click(cv.x + x0 + (x1 - x0) * 0.3, lb.y + lb.height / 2);
	check(name + ': a click in the middle of the bar selects the call',
		(await dataNum(page, '#table', 'selected')) === row.index, await dataNum(page, '#table', 'selected'));
	for (let k = 0; k < 10; k++)
		await page.keyboard.press('+');
	const mid = await pixelAt(page, (x0 + x1) / 2, y);
	const t0 = await dataNum(page, '#lanes', 't0'), t1 = await dataNum(page, '#lanes', 't1');

	check(name + ': zoomed in with both ends out of view, the bar is still drawn',
		t0 > start && t1 < end && mid.join(',') === inside[1], mid + ' in ' + t0 + '..' + t1);
	await page.keyboard.press('0');
}

/* The hostile names of tests/report_gen, as the page must show them:
 * control, bidi and separator characters and bytes that are not UTF-8 as
 * escape text, markup as plain text. */
const HOSTILE_SHOWN = [
	'/tmp/</script><script>window.__pwned=1</script>.txt',
	'/tmp/<img src=x onerror="window.__pwned=2">.txt',
	'/tmp/bad\\xff\\xfe utf8.txt',
	'/tmp/esc\\x1b[31mred.txt',
	'/tmp/evil\\u{202E}txt.exe',
	'/tmp/line\\u{2028}sep & <b>amp</b>.txt',
];

/* Hostile names appear as text and run nothing. */
async function hostile(name, page, m) {
	const searches = ['pwned', 'onerror', 'utf8', 'esc', 'evil', 'sep'];

	check(name + ': the report has the six hostile names', m.hostile.length === HOSTILE_SHOWN.length,
		m.hostile.length);
	for (let k = 0; k < HOSTILE_SHOWN.length; k++) {
		await page.fill('#f-search', searches[k]);
		await page.waitForFunction((q) => document.getElementById('tscroll').dataset.search === q,
			searches[k], { timeout: 20000 });
		const rows = await tableRows(page);
		const want = HOSTILE_SHOWN[k];
		const hit = rows.find((r) => r.det.includes(want));

		check(name + ': hostile name ' + k + ' shown as text', hit !== undefined && hit.elements === 0,
			JSON.stringify(want) + ' in ' + JSON.stringify(rows.slice(0, 2).map((r) => r.det)));
	}
	await page.click('#f-reset');
	const ran = await page.evaluate(() => [window.__pwned, document.querySelectorAll('img,iframe,object,embed,b').length,
		document.getElementById('title').textContent]);

	check(name + ': no hostile script ran', ran[0] === undefined, ran[0]);
	check(name + ': no hostile element exists', ran[1] === 0, ran[1]);
	check(name + ': title shows the command as text', ran[2] === 'synth --flag </script>', ran[2]);
	const label = await page.$$eval('.lane-label', (l) => l.map((e) => e.title + ' ' + e.textContent).join('\n'));

	check(name + ': hostile exe shown as text in its lane', label.includes('<img src=x onerror=alert(1)>'), label);
}

/* In a narrow window, a path that does not fit in the event table or in
 * the Files card loses its middle: the head is cut, the file name whole. */
async function pathCut(name, page) {
	await page.setViewportSize({ width: 600, height: 900 });
	await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
	const r = await page.evaluate(() => {
		const out = { rows: 0, cut: 0, cards: 0, cardCut: 0, bad: [] };

		for (const d of document.querySelectorAll('.trow:not([hidden]) .c-det, .card li.pcut')) {
			const [, head, tail] = d.children, card = d.tagName === 'LI';

			out[card ? 'cards' : 'rows']++;
			if (!tail) {
				out.bad.push('cut at the right only: ' + d.textContent);
				continue;
			}
			if (!head.textContent || head.scrollWidth <= head.clientWidth + 1)
				continue;
			out[card ? 'cardCut' : 'cut']++;
			if (tail.scrollWidth > tail.clientWidth + 1 || d.scrollWidth > d.clientWidth + 1 ||
			    head.clientWidth < 1)   /* (the ellipsis shows where the middle went) */
				out.bad.push(d.textContent);
		}
		return out;
	});

	check(name + ': a path too long for the event table keeps its file name', r.rows > 0 &&
		r.cut > 0 && r.bad.length === 0, JSON.stringify(r));
	check(name + ': a path too long for the Files card keeps its file name', r.cards > 0 &&
		r.cardCut > 0 && r.bad.length === 0, JSON.stringify(r));
	await page.setViewportSize({ width: 1280, height: 900 });
}

/* The last row of the report is reachable by scrolling and by End. */
async function lastRow(name, page, m) {
	const want = '+' + (Math.round(m.last_ts / 1000) / 1e6).toFixed(6) + 's';
	const height = await page.$eval('#tscroll', (e) => e.scrollHeight);

	check(name + ': scroll height under the browser cap', height < 33554428, height);
	await page.$eval('#tscroll', (e) => { e.scrollTop = e.scrollHeight; });
	await page.waitForFunction((w) => {
		const shown = Array.from(document.querySelectorAll('#tbody .trow')).filter((r) => !r.hidden);
		return shown.length && shown[shown.length - 1].children[0].textContent === w;
	}, want, { timeout: 10000 }).catch(() => {});
	let rows = await tableRows(page);
	const last = rows[rows.length - 1];

	check(name + ': scrolling to the end shows the last row', last.time === want && last.type === m.last_type,
		JSON.stringify(last) + ' vs ' + want);
	await page.$eval('#tscroll', (e) => { e.scrollTop = 0; });
	await page.focus('#tscroll');
	await page.keyboard.press('End');
	rows = await tableRows(page);
	const sel = await dataNum(page, '#table', 'selected');

	check(name + ': End selects the last row', sel === rows[rows.length - 1].index &&
		rows[rows.length - 1].time === want, sel);
	await page.keyboard.press('ArrowUp');
	const up = await dataNum(page, '#table', 'selected');

	check(name + ': ArrowUp from the last row selects the one before', up === rows[rows.length - 2].index, up);
	await page.keyboard.press('Home');
	await page.keyboard.press('ArrowDown');
	rows = await tableRows(page);
	check(name + ': Home then ArrowDown selects the second row', (await dataNum(page, '#table', 'selected')) === rows[1].index);
}

/* A thinned report says what it left out. */
async function thinned(name, page, m) {
	const notice = await page.$eval('#notice', (e) => (e.hidden ? '' : e.textContent));

	check(name + ': notice says what was left out', notice.includes(m.kept.toLocaleString('en-US')) &&
		notice.includes(m.events.toLocaleString('en-US')) && notice.includes('left out'), notice);
}

/* File size per event stays small. */
function size(name, m) {
	const bytes = fs.statSync(path.join(dir, name + '.html')).size;
	const per = bytes / Math.max(1, m.kept);

	check(name + ': ' + per.toFixed(1) + ' bytes per event (<= 30)', m.kept < 50000 || per <= 30, bytes);
}

/* Label texts of the swimlane, top to bottom. */
async function labelTexts(page) {
	return page.$$eval('.lane-label', (l) => l.map((x) => x.textContent));
}

/* Columns of swimlane row r that show an event: pixels of the row's lower
 * part (fork links end at a row's middle) that are not background; the
 * lanes are scrolled to show the row first. */
async function paintedColumns(page, r) {
	await page.$eval('#lanes-scroll', (e, row) => { e.scrollTop = Math.max(0, row * 20 - 40); }, r);
	await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
	return page.$eval('#lanes', (cv, row) => {
		const top = document.getElementById('lanes-scroll').scrollTop;
		const d = window.devicePixelRatio || 1, y = Math.round((row * 20 + 14 - top) * d);
		const copy = document.createElement('canvas');   /* read a copy: no readback warning */
		copy.width = cv.width;
		copy.height = 1;
		const cx = copy.getContext('2d', { willReadFrequently: true });
		cx.drawImage(cv, 0, y, cv.width, 1, 0, 0, cv.width, 1);
		const px = cx.getImageData(0, 0, cv.width, 1).data;
		let n = 0;

		for (let x = 0; x < cv.width; x++)
			if (px[x * 4] < 235 || px[x * 4 + 1] < 235 || px[x * 4 + 2] < 235)
				n++;
		return n;
	}, r);
}

/* The label the keyboard is on. */
async function focused(page) {
	return page.evaluate(() => document.activeElement && document.activeElement.textContent);
}

/* spawnmany: 150 runs of true and 3 of echo under one parent fold into
 * "true x150" and "echo x3", drawn as the union of their lanes; Enter or
 * Right opens a group, Left (on any of its lanes) folds it, so does a click
 * on the mark; the process filter leaves a group of one as a plain lane. */
async function folding(name, page, m) {
	let c = await counts(page), t = await labelTexts(page);

	check(name + ': 154 lanes in 3 rows: the root, ▸true x150, ▸echo x3',
		c.lanes === 154 && c.lrows === 3 && /^\d+spawnmany$/.test(t[0]) && t[1] === '\u25b8true x150' &&
		t[2] === '\u25b8echo x3', c.lanes + ' ' + c.lrows + ' ' + JSON.stringify(t));
	const union = await paintedColumns(page, 1), echo = await paintedColumns(page, 2);
	await page.focus('.lane-label.folded');
	await page.keyboard.press('ArrowRight');
	c = await counts(page);
	t = await labelTexts(page);
	const trues = t.filter((x) => /^\u25be\d+true$/.test(x)).length;
	check(name + ': Right opens it: 152 rows, 150 of them true, in a block after the root',
		c.lrows === 152 && trues === 150 && t.slice(1, 151).every((x) => /^\u25be\d+true$/.test(x)) &&
		t[151] === '\u25b8echo x3', c.lrows + ' rows, ' + trues + ' true');
	check(name + ': the keyboard stays on the group\'s first lane', await focused(page) === t[1], await focused(page));
	const one = await paintedColumns(page, 150);
	check(name + ': the folded row drew the union (' + union + ' columns; one lane ' + one + ', echo x3 ' + echo + ')',
		union >= 60 && one >= 1 && union > 5 * one && echo >= 2 && echo < union, union + ' ' + one);
	await page.focus('.lane-label >> nth=1');
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowLeft');
	c = await counts(page);
	check(name + ': Left on a lane of the group folds it again, the keyboard on it',
		c.lrows === 3 && (await labelTexts(page))[1] === '\u25b8true x150' && await focused(page) === '\u25b8true x150',
		c.lrows + ' ' + await focused(page));
	await page.keyboard.press('Enter');
	check(name + ': Enter opens it too', (await counts(page)).lrows === 152);
	await page.keyboard.press('ArrowLeft');
	await page.click('.lane-label.folded >> nth=1');
	c = await counts(page);
	t = await labelTexts(page);
	check(name + ': a click opens echo x3', c.lrows === 5 && t.slice(2).every((x) => /^\u25be\d+echo$/.test(x)),
		JSON.stringify(t));
	await page.click('.lane-label >> nth=3 >> .fold');
	check(name + ': a click on its mark folds it', (await counts(page)).lrows === 3);
	const pid = Number(await page.$eval('#f-proc', (s) => [...s.options].map((o) => o.value)
		.find((v, i, all) => v && /true/.test(s.options[i].textContent))));
	await page.selectOption('#f-proc', String(pid));
	t = await labelTexts(page);
	check(name + ': one true alone (process filter) is a plain lane', t.length === 1 && t[0] === pid + 'true',
		JSON.stringify(t));
	await page.selectOption('#f-proc', '');
	check(name + ': every process again: folded as before', (await counts(page)).lrows === 3);
}

/* Run the checks for one report. */
async function one(ctx, name, extra) {
	const mf = path.join(dir, name + '.manifest');

	if (!fs.existsSync(mf)) {
		console.log('SKIP: ' + name + ' (no report made)');
		return;
	}
	const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
	const { page, problems } = await open(ctx, name);

	console.log('# ' + name + ': ' + m.kept + ' events opened in ' + problems.openMs + ' ms');
	await basics(name, page, problems, m);
	size(name, m);
	for (const fn of extra)
		await fn(name, page, m);
	check(name + ': still no console errors', problems.console.length === 0, problems.console.join(' | '));
	await page.close();
}

/* Launch Chromium with a fresh profile and run every report's checks. */
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
		await one(ctx, 'small', [filters, namesWords, zoom, findBothWays, rangeSelect, spans, hostile,
			pathCut, lastRow]);
		await one(ctx, 'thin', [thinned, lastRow]);
		await one(ctx, 'real', [filters, zoom, lastRow]);
		await one(ctx, 'big', [zoom, lastRow]);
		await one(ctx, 'fold', [folding]);
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
