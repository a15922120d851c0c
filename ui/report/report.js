/* report.js - the compendium-tui HTML report: cards, timeline, event table.
 *
 * Reads the JSON data block (column arrays written by src/report.c), decodes
 * it into typed arrays once, and draws everything from those: the timeline on
 * canvases, the table as a fixed pool of rows over a scaled scroll range.
 * Traced text only ever reaches the page as textContent, option text or a
 * title property, after vis() has made control and bidi characters visible.
 * It must never fetch anything, never use innerHTML, and never evaluate data.
 */
(function () {
	'use strict';

	var LANE_H = 20;
	var ROW_H = 20;
	var MAX_SCROLL_PX = 8000000;   /* well under Chromium's 33,554,428 px cap */
	var COUNTER_H = 26;
	var CAT_HUES = { file: 212, net: 140, mem: 28, io: 280, proc: 352, lat: 180, other: 40 };
	var F_FD = 1, F_VAL = 2, F_ADDR = 4, F_STR = 8, F_STR2 = 16, F_DUR = 32;
	var SEV_FAILED = 1, SEV_THREAD = 2, SEV_NOISE = 4;
	var CODE_NONE = 0, CODE_IO = 1, CODE_BRK = 2, CODE_MMAP = 3, CODE_MUNMAP = 4,
		CODE_FORK = 5, CODE_THREAD = 6, CODE_EXEC = 7;
	var ERRNO = ['', 'EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG', 'ENOEXEC',
		'EBADF', 'ECHILD', 'EAGAIN', 'ENOMEM', 'EACCES', 'EFAULT', 'ENOTBLK', 'EBUSY', 'EEXIST',
		'EXDEV', 'ENODEV', 'ENOTDIR', 'EISDIR', 'EINVAL', 'ENFILE', 'EMFILE', 'ENOTTY', 'ETXTBSY',
		'EFBIG', 'ENOSPC', 'ESPIPE', 'EROFS', 'EMLINK', 'EPIPE', 'EDOM', 'ERANGE'];
	var ERRNO_NET = { 36: 'ENAMETOOLONG', 38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP', 95: 'EOPNOTSUPP',
		97: 'EAFNOSUPPORT', 98: 'EADDRINUSE', 99: 'EADDRNOTAVAIL', 100: 'ENETDOWN',
		101: 'ENETUNREACH', 103: 'ECONNABORTED', 104: 'ECONNRESET', 110: 'ETIMEDOUT',
		111: 'ECONNREFUSED', 113: 'EHOSTUNREACH', 115: 'EINPROGRESS' };
	var SIGNALS = ['', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS',
		'SIGFPE', 'SIGKILL', 'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM',
		'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG',
		'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS'];

	var D, N, T, L, C, FD, VAL, ADDR, S1, S2, DUR;
	var combo = {};          /* per combo: type, cat, kind, flags, mask, colour */
	var lanes = {};          /* n, and per lane: pid, tid, first and last time */
	var procs = new Map();   /* pid -> summary process */
	var laneOfTid = new Map();   /* tid -> lane */
	var maxDur = 0;           /* longest span not in longSpans */
	var longSpans = null;     /* ids of the longest spans, in time order */
	var LONG_SPANS_MAX = 4096;
	var SPAN_EDGE = 0xff3a3a3a;   /* the ends of a bar */
	var st = {
		cats: null, type: -1, pid: null, search: '', query: null, noise: false,
		rows: null, shown: null, vis: [], laneRow: null, links: [],
		has: null, open: new Set(), rowInfo: [],
		t0: 0, t1: 1, hoverX: -1, selEvent: -1, range: null,
		counters: null, density: null,
	};

	/* ---- small helpers ---- */

	/* Element by id. */
	function $(id) {
		return document.getElementById(id);
	}

	var el = CompendiumDom.el, vis = CompendiumDom.vis, pidLocal = CompendiumDom.pidLocal;

	/* A pid as a person knows it: "1234", or "alpha:1234" in a replay of
	 * several recordings (whose pids carry their recording, src/record.h). */
	function pidText(pid) {
		return CompendiumDom.pidText(D.summary.runs, pid);
	}

	/* Interned string i, made visible. */
	function str(i) {
		return i > 0 && i < D.strs.length ? vis(D.strs[i]) : '';
	}

	/* Give e (class pcut) four spans: text before the path, the path up to
	 * its last '/', the rest of the path, the text after it. */
	function pathSpans(e) {
		['p-pre', 'p-head', 'p-tail', 'p-post'].forEach(function (cls) {
			e.appendChild(el('span', cls));
		});
		return e;
	}

	/* Show text in e (made by pathSpans), path (a part of text, if it is
	 * one and has a '/') cut in its middle when it does not fit. */
	function setPathText(e, text, path) {
		var at = path && path.indexOf('/') >= 0 ? text.indexOf(path) : -1;
		var s = e.children, cut = at < 0 ? -1 : at + path.lastIndexOf('/');

		s[0].textContent = at < 0 ? text : text.slice(0, at);
		s[1].textContent = at < 0 ? '' : text.slice(at, cut);
		s[2].textContent = at < 0 ? '' : text.slice(cut, at + path.length);
		s[3].textContent = at < 0 ? '' : text.slice(at + path.length);
	}

	/* 1234567 -> "1,234,567". */
	function num(n) {
		return Math.round(n).toLocaleString('en-US');
	}

	/* Bytes as "517 B", "1.5 KB", "8.5 MB" (1024-based, one decimal). */
	function bytes(n) {
		var u = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
		var i = 0;

		n = Number(n) || 0;
		while (Math.abs(n) >= 1024 && i < u.length - 1) {
			n /= 1024;
			i++;
		}
		return (i ? n.toFixed(1) : String(Math.round(n))) + ' ' + u[i];
	}

	/* A duration in ns as "950ns", "4.5us", "45us", "1.23ms", "12.3ms", "3.400s", "12.34s". */
	function dur(ns) {
		var a = Math.abs(ns);

		if (a < 1e3)
			return Math.round(ns) + 'ns';
		if (a < 1e6)
			return (ns / 1e3).toFixed(a < 1e4 ? 1 : 0) + 'us';
		if (a < 1e9)
			return (ns / 1e6).toFixed(a < 1e7 ? 2 : 1) + 'ms';
		return (ns / 1e9).toFixed(a < 1e10 ? 3 : 2) + 's';
	}

	/* Event time as "+1.234567s". */
	function stamp(ns) {
		return '+' + (ns / 1e9).toFixed(6) + 's';
	}

	/* "ENOENT" for an errno number. */
	function errname(e) {
		return ERRNO[e] || ERRNO_NET[e] || ('errno ' + e);
	}

	/* "SIGKILL" for a signal number, named as fmt_signame (src/fmt.c) names it. */
	function signame(s) {
		if (s === 32)
			return 'SIGRTMIN';
		if (s > 32 && s <= 64)
			return 'SIGRT_' + (s - 32);
		return SIGNALS[s] || ('SIG' + s);
	}

	/* The words of a wait status, exactly as fmt_wait_status (src/fmt.c)
	 * words them for the lines, the TUI and the summary's exit_text. */
	function waitText(status) {
		var sig = status & 0x7f;

		if (status < 0)
			return 'unknown';
		if (sig && sig !== 0x7f)
			return 'killed by ' + signame(sig) + (status & 0x80 ? ' (core dumped)' : '');
		if (!sig)
			return 'exit ' + ((status >> 8) & 0xff);
		return 'wait status 0x' + status.toString(16);
	}

	/* Last path component. */
	function baseName(p) {
		var i = p ? p.lastIndexOf('/') : -1;

		return p ? p.slice(i + 1) : '';
	}

	/* Hex text of a (JS-safe) number. */
	function hex(n) {
		return '0x' + Math.floor(n).toString(16);
	}

	/* First index in sorted rows r (event ids) whose time is >= t. */
	function lowerBound(r, t) {
		var lo = 0, hi = r.length;

		while (lo < hi) {
			var mid = (lo + hi) >>> 1;

			if (T[r[mid]] < t)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo;
	}

	/* Index of event id in sorted rows r, or -1. */
	function rowOf(r, id) {
		var lo = 0, hi = r.length;

		while (lo < hi) {
			var mid = (lo + hi) >>> 1;

			if (r[mid] < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < r.length && r[lo] === id ? lo : -1;
	}

	/* ---- decoding ---- */

	/* Parse the data block and decode the columns into typed arrays. */
	function decode() {
		D = JSON.parse($('report-data').textContent);
		N = D.t.length;
		decodeStrings();
		T = new Float64Array(N);
		L = new Int32Array(N);
		C = new Int32Array(N);
		decodeCombos();
		decodeColumns();
		D.t = D.l = D.c = D.x = null;
		comboPriority();
		decodeLanes();
	}

	/* Whole strings: each may start with the first sp[i] characters of the one before. */
	function decodeStrings() {
		var s = D.strs, sp = D.sp || [];

		for (var i = 1; i < s.length; i++)
			if (sp[i] > 0)
				s[i] = s[i - 1].slice(0, sp[i]) + s[i];
		D.sp = null;
	}

	/* Per-combo attributes, colours and what drawing needs to know. */
	function decodeCombos() {
		var k = D.combo, n = k.type.length;
		var perCat = {};

		combo = { type: k.type, cat: k.cat, kind: k.kind, flags: k.flags, mask: k.mask,
			colour: [], rgba: new Uint32Array(n), code: new Uint8Array(n) };
		for (var i = 0; i < n; i++) {
			var cat = D.cats[k.cat[i]] || 'other';
			var types = perCat[cat] || (perCat[cat] = []);

			if (types.indexOf(k.type[i]) < 0)
				types.push(k.type[i]);
		}
		Object.keys(perCat).forEach(function (cat) {
			perCat[cat].sort(function (a, b) { return a - b; });
		});
		for (var j = 0; j < n; j++) {
			var name = D.cats[k.cat[j]] || 'other', hsl = typeHsl(name, perCat[name].indexOf(k.type[j]));

			combo.colour.push('hsl(' + hsl[0] + ',' + hsl[1] + '%,' + hsl[2] + '%)');
			combo.rgba[j] = packRgb(hslToRgb(hsl[0], hsl[1] / 100, hsl[2] / 100));
			combo.code[j] = k.flags[j] & SEV_FAILED ? CODE_NONE : codeOf(D.types[k.type[j]]);
		}
	}

	/* Rarer kinds of events win a crowded pixel: priority is minus the count. */
	function comboPriority() {
		var count = new Float64Array(combo.type.length);

		for (var i = 0; i < N; i++)
			count[C[i]]++;
		combo.prio = count.map(function (n) { return -n; });
	}

	/* What a type means to the counters and links (CODE_*). */
	function codeOf(ty) {
		var c = { brk: CODE_BRK, mmap: CODE_MMAP, munmap: CODE_MUNMAP, fork: CODE_FORK,
			thread: CODE_THREAD, exec: CODE_EXEC }[ty];

		if (c)
			return c;
		return ['read', 'write', 'send', 'recv', 'sendfile', 'copy_file_range', 'splice',
			'tee'].indexOf(ty) >= 0 ? CODE_IO : CODE_NONE;
	}

	/* [hue, saturation %, lightness %] of the k-th type of a category. */
	function typeHsl(cat, k) {
		var hue = CAT_HUES[cat] !== undefined ? CAT_HUES[cat] : 40;

		return [hue, cat === 'other' ? 8 : 62, [42, 58, 32, 68, 50, 26, 74][k % 7]];
	}

	/* CSS colour of a category as a whole. */
	function catColour(cat) {
		var h = typeHsl(cat, 0);

		return 'hsl(' + h[0] + ',' + h[1] + '%,' + h[2] + '%)';
	}

	/* [r, g, b] (0..255) of an HSL colour. */
	function hslToRgb(h, s, l) {
		var a = s * Math.min(l, 1 - l);

		function f(n) {
			var k = (n + h / 30) % 12;

			return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
		}
		return [f(0), f(8), f(4)];
	}

	/* An opaque pixel for a little-endian RGBA ImageData buffer. */
	function packRgb(c) {
		return ((255 << 24) | (c[2] << 16) | (c[1] << 8) | c[0]) >>> 0;
	}

	/* Times, lanes, combos and the stream of non-zero fields. */
	function decodeColumns() {
		var t = D.t, l = D.l, c = D.c, x = D.x, tu = D.tu, acc = 0, p = 0;
		var mask = combo.mask, memCat = D.cats.indexOf('mem'), mem = 0;

		FD = new Int32Array(N);
		VAL = new Float64Array(N);
		ADDR = new Float64Array(N);
		S1 = new Int32Array(N);
		S2 = new Int32Array(N);
		DUR = new Float64Array(N);
		for (var i = 0; i < N; i++) {
			var m;

			acc += t[i];
			T[i] = acc * tu;
			L[i] = l[i];
			C[i] = c[i];
			m = mask[c[i]];
			if (m === 0)
				continue;
			if (m & F_FD) FD[i] = x[p++];
			if (m & F_VAL) VAL[i] = x[p++];
			if (m & F_ADDR) {
				ADDR[i] = x[p++];
				if (combo.cat[c[i]] === memCat)   /* a delta from the last memory address */
					ADDR[i] = mem += ADDR[i];
			}
			if (m & F_STR) S1[i] = x[p++];
			if (m & F_STR2) S2[i] = x[p++];
			if (m & F_DUR)
				DUR[i] = x[p++] * tu;
		}
		splitSpans();
	}

	/* Put the few longest spans in a list of their own, so that drawing and
	 * picking look back from a time only as far as the next longest one: a
	 * single long call must not make every frame walk the whole trace. */
	function splitSpans() {
		var hist = new Float64Array(64), limit = Infinity, below = 0;

		for (var i = 0; i < N; i++)
			if (DUR[i] > 0)
				hist[Math.min(63, Math.floor(Math.log2(DUR[i])))]++;
		for (var b = 63, n = 0; b >= 0; b--) {
			n += hist[b];
			if (n > LONG_SPANS_MAX)
				break;
			limit = Math.pow(2, b);
		}
		var ids = [];

		for (var j = 0; j < N; j++) {
			if (DUR[j] >= limit)
				ids.push(j);
			else if (DUR[j] > below)
				below = DUR[j];
		}
		longSpans = Int32Array.from(ids);
		maxDur = below;
		st.longMin = limit;
	}

	/* Lanes: pid, tid, thread flag, process, lifetime from its events. */
	function decodeLanes() {
		var n = D.lanes.pid.length;

		(D.summary.processes || []).forEach(function (p) {
			if (!procs.has(p.pid))
				procs.set(p.pid, p);
		});
		lanes = {
			n: n, pid: D.lanes.pid, tid: D.lanes.tid,
			first: new Float64Array(n).fill(Infinity), last: new Float64Array(n).fill(-Infinity),
		};
		for (var t = 0; t < n; t++)
			laneOfTid.set(lanes.tid[t], t);
		st.links = [];
		for (var i = 0; i < N; i++) {
			var ln = L[i], start = T[i] - DUR[i], code = combo.code[C[i]];

			if (code === CODE_FORK || code === CODE_THREAD || code === CODE_EXEC)
				st.links.push(i);
			if (start < lanes.first[ln])
				lanes.first[ln] = start;
			if (T[i] > lanes.last[ln])
				lanes.last[ln] = T[i];
		}
	}

	/* ---- header, notice and cards ---- */

	/* Title, subtitle and the left-out notice. */
	function renderHeader() {
		var s = D.summary, cmd = (s.command || []).map(vis).join(' '), runs = multiRuns();

		if (runs) {
			cmd = runs.map(function (r) {
				return vis(r.hostname) + ': ' + (r.command || []).map(vis).join(' ');
			}).join('  +  ');
		}
		$('title').textContent = cmd || 'compendium-tui report';
		document.title = (cmd ? vis(baseName(s.command[0])) + ' - ' : '') + 'compendium-tui report';
		$('subtitle').textContent = (runs ? num(runs.length) + ' recordings (' +
			runs.map(function (r) { return vis(r.hostname); }).join(', ') + ') replayed together; ' : '') +
			(D.attached ? 'attached; ' : '') + 'traced for ' +
			dur(D.duration) + ', ' + num(D.total) + ' events, ' +
			num((s.processes || []).length) + ' processes; written by ' + D.tool;
		if (D.filter)
			$('subtitle').textContent += '; only the events matching --filter ' + vis(D.filter);
		if (D.kept < D.total)
			renderNotice();
	}

	/* Say exactly what was left out of the report and why. */
	function renderNotice() {
		var parts = [];

		D.left_out.forEach(function (n, c) {
			if (n)
				parts.push(D.cats[c] + ' ' + num(n));
		});
		$('notice').hidden = false;
		$('notice').textContent = 'This report keeps ' + num(D.kept) + ' of ' + num(D.total) +
			' events: ' + num(D.total - D.kept) + ' were left out (' + parts.join(', ') +
			'), thinned evenly over the whole trace; every exec, fork, thread start and exit ' +
			'is kept. The summary cards count all events. Raise --max-report-events to keep more.';
	}

	/* The summary's recordings in a replay of several, else null. */
	function multiRuns() {
		var r = D.summary.runs;

		return r && r.length > 1 ? r : null;
	}

	/* One summary card: a title, a big value and key/value lines; returns it. */
	function card(title, big, lines, list) {
		var c = el('div', 'card');

		c.appendChild(el('h3', null, title));
		if (big !== null) {
			var b = el('div', 'big', big === 'off' ? 'off' : big);

			if (big === 'off')
				b.classList.add('off');
			c.appendChild(b);
		}
		(lines || []).forEach(function (kv) {
			var d = el('div', 'kv');

			d.appendChild(el('span', null, kv[0] + ' '));
			d.appendChild(el('span', null, kv[1]));
			c.appendChild(d);
		});
		if (list && list.length) {
			var ul = el('ul');

			list.forEach(function (t) {
				var li = typeof t === 'string' ? el('li', null, t) : pathSpans(el('li', 'pcut'));

				if (typeof t !== 'string') {
					setPathText(li, t.text, t.path);
					t = t.text;
				}
				li.title = t;
				ul.appendChild(li);
			});
			c.appendChild(ul);
		}
		$('cards').appendChild(c);
		return c;
	}

	/* Exit words of a recording's {code, signal}, as the summary's exit_text. */
	function runExitText(e) {
		if (e && e.signal)
			return 'killed by ' + vis(e.signal);
		return e && e.code !== null && e.code !== undefined ? 'exit ' + e.code : 'no exit seen';
	}

	/* One card per recording of a replay of several, then one of them all
	 * together: its command, exit, duration, processes, events and bytes. */
	function renderRunCards(runs) {
		var s = D.summary, io = s.io || {}, tot = { processes: 0, events: 0 };

		runs.forEach(function (r, i) {
			var rio = r.io || {}, c;

			tot.processes += r.processes;
			tot.events += r.events;
			c = card('Recording ' + vis(r.hostname), runExitText(r.exit), [
				['command', (r.command || []).map(vis).join(' ')],
				['started', stamp(r.start_s * 1e9) + ', ran ' + dur(r.duration_s * 1e9)],
				['processes', num(r.processes)], ['events', num(r.events)],
				['files', bytes(rio.file_read_bytes) + ' read, ' + bytes(rio.file_written_bytes) + ' written'],
				['net', bytes(rio.net_sent_bytes) + ' sent, ' + bytes(rio.net_received_bytes) + ' received'],
				['tracer', vis((r.tracer || {}).engine) + ', ' + num((r.tracer || {}).stops || 0) + ' stops']]);
			c.classList.add('run');
			c.title = vis(r.hostname) + ': ' + (r.command || []).map(vis).join(' ');
			c.dataset.run = String(i);
			runData(c, r.hostname, r.processes, r.events, rio);
		});
		var c = card('All ' + num(runs.length) + ' recordings', num(tot.events) + ' events', [
			['duration', dur(D.duration)], ['processes', num(tot.processes)],
			['events', num(tot.events)],
			['files', bytes(io.file_read_bytes) + ' read, ' + bytes(io.file_written_bytes) + ' written'],
			['net', bytes(io.net_sent_bytes) + ' sent, ' + bytes(io.net_received_bytes) + ' received']]);
		c.classList.add('run');
		c.dataset.run = 'all';
		runData(c, null, tot.processes, tot.events, io);
	}

	/* A recording card's exact figures, for whoever reads the page's data. */
	function runData(c, host, processes, events, io) {
		if (host !== null)
			c.dataset.host = vis(host);
		c.dataset.processes = String(processes);
		c.dataset.events = String(events);
		c.dataset.fileRead = String(io.file_read_bytes || 0);
		c.dataset.fileWritten = String(io.file_written_bytes || 0);
		c.dataset.netSent = String(io.net_sent_bytes || 0);
		c.dataset.netReceived = String(io.net_received_bytes || 0);
	}

	/* Exit text of the summary: the words the other outputs use. */
	function exitText(s) {
		return s.exit_text ? vis(s.exit_text) : 'no exit seen';
	}

	/* All the summary cards. */
	function renderCards() {
		var s = D.summary, io = s.io || {}, mem = s.memory || {}, tr = s.tracer || {};
		var conns = s.connections || [], files = (s.files || []).slice(), runs = multiRuns();

		if (runs)
			renderRunCards(runs);
		else
			card('Exit', exitText(s), [['duration', dur(D.duration)],
				['processes', num((s.processes || []).length)]]);
		card('Memory', bytes(mem.heap_bytes), [['heap', bytes(mem.heap_bytes)],
			['mmap', bytes(mem.mmap_bytes) + ' in ' + num(mem.mmap_regions || 0) + ' regions']]);
		card('File I/O', bytes((io.file_read_bytes || 0) + (io.file_written_bytes || 0)),
			[['read', bytes(io.file_read_bytes)], ['written', bytes(io.file_written_bytes)],
			 ['pipes/ipc', bytes(io.ipc_read_bytes) + ' in, ' + bytes(io.ipc_written_bytes) + ' out']]);
		card('Connections', num(s.connections_total || conns.length), [['sent', bytes(io.net_sent_bytes)],
			['received', bytes(io.net_received_bytes)]],
			conns.slice(0, 5).map(function (c) {
				return (runs ? pidText(c.pid) + ' ' : '') + vis(c.proto) + ' ' +
					(c.role === 'accept' ? '\u2190 ' : c.role === 'flow' ? '\u2194 ' : '\u2192 ') +
					(c.host ? vis(c.host) + ' (' + vis(c.remote || '?') + ')' : vis(c.remote || '?'));
			}));
		renderLatencyCard();
		card('Page faults', D.faults === null ? 'off' : num(D.faults),
			D.faults === null ? [['', 'not sampled (--faults)']] : []);
		card('Drops', s.dropped ? num(s.dropped) : 'none', [['lost records', num(s.dropped || 0)]]);
		card('Tracer cost', (tr.stopped_s || 0).toFixed(3) + 's', [['stops', num(tr.stops || 0)],
			['of run time', D.duration ? (100 * (tr.stopped_s || 0) * 1e9 / D.duration).toFixed(1) + '%' : '-']]);
		files.sort(function (a, b) {
			return (b.read_bytes + b.written_bytes) - (a.read_bytes + a.written_bytes);
		});
		card('Files', num(s.files_total || files.length), [], files.slice(0, 6).map(function (f) {
			return { text: bytes(f.read_bytes + f.written_bytes) + ' ' + vis(f.path), path: vis(f.path) };
		}));
		if ((s.notes || []).length)
			card('Notes', null, [], s.notes.map(vis));
	}

	/* Scheduler and block latency, or "off". */
	function renderLatencyCard() {
		var l = D.lat;

		if (!l) {
			card('Latency', 'off', [['', 'not measured (--ebpf)']]);
			return;
		}
		card('Latency', dur(l.p99) + ' p99', [['events', num(l.n)], ['p50', dur(l.p50)],
			['p90', dur(l.p90)], ['max', dur(l.max)]]);
	}

	/* ---- filters ---- */

	/* Category chips, type and process selects, search box. */
	function buildFilters() {
		var present = new Set(), types = new Set();

		st.cats = D.cats.map(function () { return true; });
		for (var c = 0; c < combo.type.length; c++) {
			present.add(combo.cat[c]);
			types.add(combo.type[c]);
		}
		D.cats.forEach(function (name, i) {
			if (present.has(i))
				$('cat-chips').appendChild(chip(name, i));
		});
		Array.from(types).sort(function (a, b) { return a - b; }).forEach(function (t) {
			var o = el('option', null, D.types[t]);

			o.value = String(t);
			$('f-type').appendChild(o);
		});
		buildProcOptions();
		$('f-type').addEventListener('change', onFilterChange);
		$('f-proc').addEventListener('change', onFilterChange);
		$('f-search').addEventListener('input', debounce(onFilterChange, 150));
		$('f-reset').addEventListener('click', resetFilters);
		$('f-noise').addEventListener('change', onFilterChange);
	}

	/* A category toggle chip with its colour swatch. */
	function chip(name, i) {
		var b = el('button', 'chip');
		var sw = el('span', 'sw');

		b.type = 'button';
		b.dataset.cat = name;
		b.setAttribute('aria-pressed', 'true');
		sw.style.background = catColour(name);
		b.appendChild(sw);
		b.appendChild(document.createTextNode(name));
		b.addEventListener('click', function () {
			st.cats[i] = !st.cats[i];
			b.setAttribute('aria-pressed', String(st.cats[i]));
			onFilterChange();
		});
		return b;
	}

	/* One option per process that has a lane. */
	function buildProcOptions() {
		var seen = new Set();

		for (var i = 0; i < lanes.n; i++) {
			var pid = lanes.pid[i], p = procs.get(pid);
			var o;

			if (seen.has(pid))
				continue;
			seen.add(pid);
			o = el('option', null, pidText(pid) + ' ' + (p ? vis(baseName(p.exe)) : ''));
			o.value = String(pid);
			$('f-proc').appendChild(o);
		}
	}

	/* Call fn once things have been quiet for ms. */
	function debounce(fn, ms) {
		var timer = 0;

		return function () {
			clearTimeout(timer);
			timer = setTimeout(fn, ms);
		};
	}

	/* Everything back to "show all". */
	function resetFilters() {
		st.cats = st.cats.map(function () { return true; });
		document.querySelectorAll('.chip').forEach(function (b) {
			b.setAttribute('aria-pressed', 'true');
		});
		$('f-type').value = '';
		$('f-proc').value = '';
		$('f-search').value = '';
		$('f-noise').checked = false;
		onFilterChange();
	}

	/* Read the controls, refilter, redraw. */
	function onFilterChange() {
		st.type = $('f-type').value === '' ? -1 : Number($('f-type').value);
		st.pid = $('f-proc').value === '' ? null : Number($('f-proc').value);
		st.search = $('f-search').value.trim();
		st.noise = $('f-noise').checked;
		applyFilters();
		renderAll();
		if (st.range)
			renderSelection();
	}

	/* The search box's expression compiled with query.js (the language of
	 * the TUI and --filter), or null for none.  While an expression is
	 * wrong (as it is mid-typing), the last good one stays in force and the
	 * mistake is shown beside the box. */
	function searchQuery(text) {
		var q = CompendiumQuery.parse(text, { types: D.types, cats: D.cats, kinds: D.kinds, strs: D.strs });
		var box = $('f-search'), note = $('f-search-error');

		if (!note) {
			note = el('span', 'search-error');
			note.id = 'f-search-error';
			note.setAttribute('role', 'alert');
			note.style.color = '#c0392b';
			note.style.marginLeft = '0.5em';
			box.parentNode.insertBefore(note, box.nextSibling);
		}
		note.textContent = q.error ? vis(q.error.msg) + ' (column ' + (q.error.pos + 1) + ')' : '';
		box.setAttribute('aria-invalid', q.error ? 'true' : 'false');
		if (!q.error)
			st.query = q.empty ? null : q;
		return st.query || null;
	}

	/* Does event i match the compiled search? (one reused object, no garbage) */
	var qev = { type: 0, cat: 0, kind: 0, pid: 0, tid: 0, fd: 0, val: 0, dur: 0, failed: false,
		str: 0, str2: 0, comm: '', sys: '' };
	function searchHit(q, i) {
		var c = C[i], p = procs.get(lanes.pid[L[i]]);

		qev.type = combo.type[c];
		qev.cat = combo.cat[c];
		qev.kind = combo.kind[c];
		qev.failed = (combo.flags[c] & SEV_FAILED) !== 0;
		qev.pid = lanes.pid[L[i]];
		qev.tid = lanes.tid[L[i]];
		qev.fd = FD[i];
		qev.val = VAL[i];
		qev.dur = DUR[i];
		qev.str = S1[i];
		qev.str2 = S2[i];
		qev.comm = p && p.exe ? p.exe : '';
		qev.sys = D.types[qev.type] === 'syscall' ? (D.sys || {})[(ADDR[i] === 1 ? 'i' : '') + FD[i]] || '' : '';
		return q.match(qev);
	}

	/* Recompute the filtered rows, the visible lanes and derived series. */
	function applyFilters() {
		var rows = new Int32Array(N), n = 0, catOn = st.cats, type = st.type, pid = st.pid;
		var s = searchQuery(st.search);
		var has = new Uint8Array(lanes.n), noise = 0, hideNoise = !st.noise;
		var shown = st.shown && st.shown.length === N ? st.shown.fill(0) : new Uint8Array(N);

		for (var i = 0; i < N; i++) {
			var c = C[i];

			if (hideNoise && (combo.flags[c] & SEV_NOISE)) {
				noise++;
				continue;
			}
			if (!catOn[combo.cat[c]] || (type >= 0 && combo.type[c] !== type))
				continue;
			if (pid !== null && lanes.pid[L[i]] !== pid)
				continue;
			if (s && !searchHit(s, i))
				continue;
			rows[n++] = i;
			has[L[i]] = 1;
			shown[i] = 1;
		}
		st.rows = rows.subarray(0, n);
		st.shown = shown;
		visibleLanes(has);
		st.counters = null;
		st.density = null;
		$('f-count').textContent = num(n) + ' of ' + num(N) + ' events, ' + num(st.vis.length) +
			' lanes' + (noise ? ' (' + num(noise) + ' noise events hidden)' : '');
		$('tscroll').dataset.rows = String(n);
		$('tscroll').dataset.search = st.search;
	}

	/* Lanes shown: the selected process's, and with another filter on, only
	 * lanes that have a matching event; folded into rows (foldLanes). */
	function visibleLanes(has) {
		var narrowed = st.type >= 0 || st.query !== null || st.cats.some(function (on) { return !on; });
		var labels = $('lane-labels'), show = new Uint8Array(lanes.n), nlanes = 0;

		st.has = has;
		for (var i = 0; i < lanes.n; i++) {
			if (st.pid !== null && lanes.pid[i] !== st.pid)
				continue;
			if (narrowed && !has[i])
				continue;
			show[i] = 1;
			nlanes++;
		}
		foldLanes(show);
		labels.textContent = '';
		st.vis.forEach(function (i, r) {
			labels.appendChild(laneLabel(i, st.rowInfo[r]));
		});
		$('lane-box').style.height = (st.vis.length * LANE_H) + 'px';
		$('lanes').dataset.lanes = String(nlanes);
		$('lanes').dataset.rows = String(st.vis.length);
	}

	/* The process lane of lane i (itself for a process). */
	function procLane(i) {
		var p = laneOfTid.get(lanes.pid[i]);

		return p === undefined ? i : p;
	}

	/* The name a process lane is folded by: its program's. */
	function laneName(i) {
		var p = procs.get(lanes.pid[i]);

		return p ? baseName(p.exe) : '?';
	}

	/* The process lane of lane i's parent, or -1. */
	function parentLane(i) {
		var p = procs.get(lanes.pid[i]), l = p ? laneOfTid.get(p.ppid) : undefined;

		return l === undefined || l === i || lanes.tid[l] !== lanes.pid[l] ? -1 : l;
	}

	/* Fold the shown lanes into rows, as the terminal UI does: the
	 * processes of one program under one parent share a row ("true x150",
	 * their threads and descendants drawn in it) unless the person opened
	 * it (st.open, by parent and name).  A row keeps the place of its
	 * group's first process.  Sets st.vis (each row's lane), st.laneRow
	 * (every lane's row) and st.rowInfo. */
	function foldLanes(show) {
		var n = lanes.n, lead = new Int32Array(n).fill(-1), size = new Int32Array(n);
		var into = new Int32Array(n).fill(-2), first = new Map(), key = [];
		var i, order = [];

		for (i = 0; i < n; i++) {
			if (!show[i] || lanes.tid[i] !== lanes.pid[i])
				continue;
			key[i] = parentLane(i) + '/' + laneName(i);
			if (parentLane(i) < 0)
				continue;
			if (!first.has(key[i]))
				first.set(key[i], i);
			lead[i] = first.get(key[i]);
			size[lead[i]]++;
		}
		/* into[i]: the lane whose row draws process lane i folded, or -1 */
		function foldedInto(i) {
			var path = [], j = i, r = -1;

			while (j >= 0 && into[j] === -2 && path.length <= n) {
				path.push(j);
				j = parentLane(j);
			}
			r = j >= 0 && into[j] >= 0 ? into[j] : -1;
			for (var k = path.length - 1; k >= 0; k--) {
				var l = path[k], g = lead[l];

				if (r < 0 && show[l] && g >= 0 && size[g] >= 2 && !st.open.has(key[l]))
					r = g;
				into[l] = show[l] ? r : -1;
			}
			return into[i];
		}
		for (i = 0; i < n; i++)
			if (show[i])
				order.push(i);
		var anchor = new Int32Array(n);
		for (i = 0; i < n; i++) {
			var p = procLane(i);

			anchor[i] = lead[p] >= 0 && size[lead[p]] >= 2 ? lead[p] : p;
		}
		order.sort(function (a, b) { return anchor[a] - anchor[b] || a - b; });
		st.vis = [];
		st.rowInfo = [];
		st.laneRow = new Int32Array(n).fill(-1);
		order.forEach(function (l) {
			var f = show[procLane(l)] ? foldedInto(procLane(l)) : -1;

			if (f < 0 || f === l) {
				st.laneRow[l] = st.vis.length;
				st.vis.push(l);
				st.rowInfo.push({ members: f === l ? size[l] : 0, key: key[l], first: lanes.first[l],
					last: lanes.last[l], group: lead[l] >= 0 && size[lead[l]] >= 2 });
			}
		});
		order.forEach(function (l) {
			var f = show[procLane(l)] ? foldedInto(procLane(l)) : -1, info;

			if (f < 0 || f === l || st.laneRow[f] < 0)
				return;
			st.laneRow[l] = st.laneRow[f];
			info = st.rowInfo[st.laneRow[f]];
			info.first = Math.min(info.first, lanes.first[l]);
			info.last = Math.max(info.last, lanes.last[l]);
		});
		st.foldKey = key;
		st.foldLead = lead;
	}

	/* Open (open true) the folded row of lane i, or fold again the opened
	 * group lane i is in (its process's, or an ancestor's); then redraw with
	 * the keyboard on the group's row.  Returns whether anything changed. */
	function toggleFold(i, open) {
		var k = null, j = procLane(i), g;

		if (open) {
			var r = st.laneRow[i];

			if (r < 0 || !st.rowInfo[r].members)
				return false;
			k = st.foldKey[st.vis[r]];
			st.open.add(k);
			g = st.vis[r];
		} else {
			for (var hops = 0; j >= 0 && hops <= lanes.n; hops++, j = parentLane(j))
				if (st.foldKey[j] !== undefined && st.open.has(st.foldKey[j]) && st.foldLead[j] >= 0) {
					k = st.foldKey[j];
					g = st.foldLead[j];
					break;
				}
			if (k === null)
				return false;
			st.open.delete(k);
		}
		visibleLanes(st.has);
		renderTimeline();
		var lab = document.querySelector('.lane-label[data-lane="' + g + '"]');
		if (lab)
			lab.focus();
		return true;
	}

	/* Keys on a lane label: Enter or Right opens a folded row, Left folds. */
	function onLabelKey(ev) {
		var d = ev.target.closest && ev.target.closest('.lane-label');

		if (!d || ev.ctrlKey || ev.metaKey || ev.altKey)
			return;
		var i = Number(d.dataset.lane), done = false;

		if (ev.key === 'Enter' || ev.key === 'ArrowRight')
			done = toggleFold(i, true);
		else if (ev.key === 'ArrowLeft')
			done = toggleFold(i, false);
		else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp')
			done = moveLabelFocus(d, ev.key === 'ArrowDown' ? 1 : -1);
		if (done) {
			ev.preventDefault();
			ev.stopPropagation();
		}
	}

	/* Put the keyboard on the next (dir 1) or previous lane label. */
	function moveLabelFocus(d, dir) {
		var t = dir > 0 ? d.nextElementSibling : d.previousElementSibling;

		if (!t)
			return false;
		t.focus();
		return true;
	}

	/* A click on a folded label opens it; on an opened one's mark folds it. */
	function onLabelClick(ev) {
		var d = ev.target.closest && ev.target.closest('.lane-label');

		if (d && d.dataset.members !== undefined)
			toggleFold(Number(d.dataset.lane), true);
		else if (d && ev.target.closest('.fold'))
			toggleFold(Number(d.dataset.lane), false);
	}

	/* The label of row lane i: "1234 exe", a folded group "exe x150" (with a fold mark) or,
	 * nested under its process, a thread marked with an arrow. */
	function laneLabel(i, info) {
		var d = el('div', 'lane-label'), p = procs.get(lanes.pid[i]);

		d.tabIndex = -1;
		if (info && info.members) {
			d.classList.add('folded');
			d.tabIndex = 0;
			d.appendChild(el('span', 'fold', '\u25b8'));
			d.appendChild(document.createTextNode(laneName(i) + ' x' + info.members));
			d.title = info.members + ' processes of ' + vis(laneName(i)) + ' (Enter or \u2192 opens them)';
			d.dataset.members = String(info.members);
			d.setAttribute('aria-expanded', 'false');
		} else if (lanes.tid[i] !== lanes.pid[i]) {
			d.classList.add('thread');
			d.textContent = '\u21b3 ' + pidLocal(lanes.tid[i]) + ' thread of ' + pidText(lanes.pid[i]);
		} else {
			if (info && info.group) {
				d.tabIndex = 0;
				d.appendChild(el('span', 'fold', '\u25be'));
				d.setAttribute('aria-expanded', 'true');
			}
			d.appendChild(el('span', 'pid', pidText(lanes.pid[i])));
			d.appendChild(document.createTextNode(p ? vis(baseName(p.exe)) : '?'));
			if (p)
				d.title = vis((p.argv || []).join(' ') || p.exe || '');
		}
		d.dataset.lane = String(i);
		d.dataset.pid = String(lanes.pid[i]);
		d.dataset.tid = String(lanes.tid[i]);
		return d;
	}

	/* ---- timeline geometry ---- */

	/* Size a canvas's backing store to its CSS box; returns its 2D context. */
	function fit(cv, cssH) {
		var dpr = window.devicePixelRatio || 1, w = cv.clientWidth, h = cssH, ctx;

		cv.style.height = cssH + 'px';
		if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)) {
			cv.width = Math.round(w * dpr);
			cv.height = Math.round(h * dpr);
		}
		ctx = cv.getContext('2d');
		ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
		ctx.clearRect(0, 0, w, h);
		return ctx;
	}

	/* x (CSS px) of time t on a canvas w px wide. */
	function xOf(t, w) {
		return (t - st.t0) / (st.t1 - st.t0) * w;
	}

	/* Time at x on a canvas w px wide. */
	function tOf(x, w) {
		return st.t0 + x / w * (st.t1 - st.t0);
	}

	/* Whole trace, with a small margin. */
	function fullRange() {
		var end = Math.max(D.duration, N ? T[N - 1] : 0, 1000);

		return [-end * 0.01, end * 1.01];
	}

	/* Zoom by factor around CSS x on the lanes canvas, keeping t(x) fixed. */
	function zoomAt(x, factor) {
		var w = $('lanes').clientWidth, full = fullRange();
		var tc = tOf(x, w), span = (st.t1 - st.t0) * factor;

		span = Math.min(Math.max(span, 200), (full[1] - full[0]) * 4);
		st.t0 = tc - x / w * span;
		st.t1 = st.t0 + span;
		renderTimeline();
	}

	/* Move the view by dt ns. */
	function panBy(dt) {
		st.t0 += dt;
		st.t1 += dt;
		renderTimeline();
	}

	/* Show the whole trace. */
	function resetView() {
		var f = fullRange();

		st.t0 = f[0];
		st.t1 = f[1];
		renderTimeline();
	}

	/* ---- timeline drawing ---- */

	/* Redraw everything that depends on filters. */
	function renderAll() {
		renderTimeline();
		renderTable(true);
	}

	/* Redraw the ruler, lanes, counters and overview. */
	function renderTimeline() {
		var t = performance.now();

		renderLanes();
		renderRuler();
		renderCounters();
		renderOverview();
		$('tl-range').textContent = dur(st.t1 - st.t0) + ' shown';
		$('lanes').dataset.t0 = String(st.t0);
		$('lanes').dataset.t1 = String(st.t1);
		document.documentElement.dataset.renderMs = (performance.now() - t).toFixed(1);
	}

	/* Lanes: backgrounds and events as pixels, then links and marks on top. */
	function renderLanes() {
		var box = $('lanes-scroll'), cv = $('lanes');
		var h = Math.min(st.vis.length * LANE_H, box.clientHeight || 400) || LANE_H;
		var ctx = fit(cv, h), w = cv.clientWidth, top = box.scrollTop;
		var px = pixels(ctx, cv);

		paintLaneBacks(px, w, h, top);
		paintEvents(px, w, h, top);
		ctx.putImageData(px.img, 0, 0);
		drawLinks(ctx, w, top);
		drawRange(ctx, w, h);
		drawSelected(ctx, w, top);
	}

	/* A pixel buffer the size of the canvas (reused while the size holds). */
	function pixels(ctx, cv) {
		var p = st.pix;

		if (!p || p.W !== cv.width || p.H !== cv.height) {
			var img = ctx.createImageData(cv.width, cv.height);

			p = st.pix = { img: img, buf: new Uint32Array(img.data.buffer), W: cv.width, H: cv.height,
				dpr: cv.width / Math.max(1, cv.clientWidth) };
		}
		return p;
	}

	/* Fill device-pixel rect [x0, x1) x [y0, y1) of the buffer with colour c. */
	function paintRect(p, x0, y0, x1, y1, c) {
		x0 = Math.max(0, x0 | 0);
		x1 = Math.min(p.W, x1 | 0);
		y0 = Math.max(0, y0 | 0);
		y1 = Math.min(p.H, y1 | 0);
		for (var y = y0; y < y1; y++)
			p.buf.fill(c, y * p.W + x0, y * p.W + x1);
	}

	/* Stripes, thread shading and lifetime bars of the lanes on screen. */
	function paintLaneBacks(p, w, h, top) {
		var d = p.dpr, first = Math.floor(top / LANE_H);
		var last = Math.min(st.vis.length, Math.ceil((top + h) / LANE_H));

		p.buf.fill(0xffffffff);
		for (var r = first; r < last; r++) {
			var ln = st.vis[r], y = (r * LANE_H - top) * d, thread = lanes.tid[ln] !== lanes.pid[ln];
			var info = st.rowInfo[r];

			paintRect(p, 0, y, p.W, y + LANE_H * d, thread ? 0xfff6f2f0 : (r & 1 ? 0xfffbfbfb : 0xffffffff));
			if (info.first <= info.last) {
				var x0 = xOf(info.first, w) * d, x1 = xOf(info.last, w) * d;

				paintRect(p, x0, y + (LANE_H / 2 - 1) * d, Math.max(x1, x0 + 1), y + (LANE_H / 2 + 1) * d,
					thread ? 0xffeee3dd : 0xffefece9);
			}
			paintRect(p, 0, y + (LANE_H - 1) * d, p.W, y + LANE_H * d, 0xffeeeeee);
		}
	}

	/* Events in view: spans as bars from their start to their end, instants
	 * (and spans too short to see) as ticks.  Each pixel of a lane shows one
	 * tick, of the rarest kind of event that falls there, so a million events
	 * cost a million cheap steps and rare ones stay visible.  Bars go under
	 * the ticks; the longest spans come from their own short list. */
	function paintEvents(p, w, h, top) {
		var rows = st.rows, d = p.dpr, W = p.W;
		var a = lowerBound(rows, st.t0), b = lowerBound(rows, st.t1 + maxDur + 1);
		var g = { k: w / (st.t1 - st.t0) * d, t0: st.t0, firstRow: Math.floor(top / LANE_H),
			nOn: Math.ceil(h / LANE_H) + 1, top: top, spans: 0 };

		g.cell = st.cell && st.cell.length === g.nOn * W ? st.cell.fill(0) : (st.cell = new Int32Array(g.nOn * W));
		for (var j = a; j < b; j++) {
			var i = rows[j];

			if (DUR[i] < st.longMin)
				paintEvent(p, g, i);
		}
		for (var q = lowerBoundIds(longSpans, st.t0); q < longSpans.length; q++)
			if (st.shown[longSpans[q]])
				paintEvent(p, g, longSpans[q]);
		paintTicks(p, g.cell, g.nOn, g.firstRow, top);
		$('lanes').dataset.spans = String(g.spans);
	}

	/* One event: a bar when its span is two device pixels or wider, else a
	 * candidate for the tick of the pixel it ends in. */
	function paintEvent(p, g, i) {
		var row = st.laneRow[L[i]], r = row - g.firstRow, W = p.W, d = p.dpr;

		if (r < 0 || r >= g.nOn)
			return;
		var c = C[i], x = (T[i] - g.t0) * g.k;

		if (DUR[i] > 0) {
			var x0 = (T[i] - DUR[i] - g.t0) * g.k;

			if (x0 >= W || x < 0)
				return;
			if (x - x0 >= 2) {
				var y = (row * LANE_H - g.top) * d;

				paintRect(p, x0, y + 6 * d, x, y + (LANE_H - 6) * d, combo.rgba[c]);
				paintRect(p, x0, y + 6 * d, x0 + Math.max(1, d), y + (LANE_H - 6) * d, SPAN_EDGE);
				paintRect(p, x - Math.max(1, d), y + 6 * d, x, y + (LANE_H - 6) * d, SPAN_EDGE);
				g.spans++;
				return;
			}
		}
		if (x < 0 || x >= W)
			return;
		var key = r * W + (x | 0), cur = g.cell[key];

		if (cur === 0 || combo.prio[cur - 1] < combo.prio[c])
			g.cell[key] = c + 1;
	}

	/* Paint the chosen tick of every pixel cell. */
	function paintTicks(p, cell, nOn, firstRow, top) {
		var d = p.dpr, W = p.W, buf = p.buf, rgba = combo.rgba, half = Math.max(1, Math.round(d));

		for (var r = 0; r < nOn; r++) {
			var y0 = Math.max(0, Math.round(((firstRow + r) * LANE_H - top + 3) * d));
			var y1 = Math.min(p.H, Math.round(((firstRow + r + 1) * LANE_H - top - 4) * d));

			for (var x = 0; x < W; x++) {
				var v = cell[r * W + x];

				if (v === 0)
					continue;
				var col = rgba[v - 1], xa = Math.max(0, x - half), xb = Math.min(W, x + half);

				for (var y = y0; y < y1; y++)
					for (var xx = xa, o = y * W; xx < xb; xx++)
						buf[o + xx] = col;
			}
		}
	}

	/* Fork and thread links from the parent's lane to the child's; exec marks. */
	function drawLinks(ctx, w, top) {
		var list = st.links, a = lowerBoundIds(list, st.t0), drawn = 0;

		ctx.strokeStyle = 'rgba(120, 20, 40, 0.75)';
		ctx.fillStyle = 'rgba(120, 20, 40, 0.9)';
		ctx.lineWidth = 1;
		for (var j = a; j < list.length && T[list[j]] <= st.t1 && drawn < 4000; j++) {
			var i = list[j], code = combo.code[C[i]], from = st.laneRow[L[i]], x = xOf(T[i], w);

			if (from < 0 || !st.shown[i])
				continue;
			if (code !== CODE_EXEC && FD[i] > 0 && st.laneRow[laneOfTid.get(FD[i])] === from)
				continue;   /* within a folded row */
			if (code === CODE_EXEC)
				diamond(ctx, x, from * LANE_H - top + LANE_H / 2);
			else if (FD[i] > 0)
				link(ctx, x, from, FD[i], top);
			drawn++;
		}
	}

	/* First index in a time-sorted list of event ids at or after time t. */
	function lowerBoundIds(list, t) {
		var lo = 0, hi = list.length;

		while (lo < hi) {
			var mid = (lo + hi) >>> 1;

			if (T[list[mid]] < t)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo;
	}

	/* A link from row `from` to the lane of task `child`, with an arrowhead. */
	function link(ctx, x, from, child, top) {
		var lane = laneOfTid.get(child), to = lane === undefined ? -1 : st.laneRow[lane];

		if (to < 0)
			return;
		var y0 = from * LANE_H - top + LANE_H / 2, y1 = to * LANE_H - top + LANE_H / 2;
		var dir = y1 > y0 ? 1 : -1;

		ctx.beginPath();
		ctx.moveTo(x, y0);
		ctx.lineTo(x, y1 - dir * 4);
		ctx.stroke();
		ctx.beginPath();
		ctx.moveTo(x - 3, y1 - dir * 5);
		ctx.lineTo(x + 3, y1 - dir * 5);
		ctx.lineTo(x, y1);
		ctx.fill();
	}

	/* The exec mark. */
	function diamond(ctx, x, y) {
		ctx.beginPath();
		ctx.moveTo(x, y - 5);
		ctx.lineTo(x + 4, y);
		ctx.lineTo(x, y + 5);
		ctx.lineTo(x - 4, y);
		ctx.closePath();
		ctx.fill();
	}

	/* The selected time range as a shaded band. */
	function drawRange(ctx, w, h) {
		if (!st.range)
			return;
		var x0 = xOf(st.range[0], w), x1 = xOf(st.range[1], w);

		ctx.fillStyle = 'rgba(31, 95, 191, 0.12)';
		ctx.fillRect(x0, 0, Math.max(1, x1 - x0), h);
		ctx.fillStyle = 'rgba(31, 95, 191, 0.6)';
		ctx.fillRect(x0, 0, 1, h);
		ctx.fillRect(x1, 0, 1, h);
	}

	/* The selected event: a line through all lanes and a ring on its lane. */
	function drawSelected(ctx, w, top) {
		var i = st.selEvent;

		if (i < 0 || st.laneRow[L[i]] < 0)
			return;
		var x = xOf(T[i], w), y = st.laneRow[L[i]] * LANE_H - top + LANE_H / 2;

		ctx.fillStyle = 'rgba(20, 20, 20, 0.35)';
		ctx.fillRect(x, 0, 1, ctx.canvas.height);
		ctx.strokeStyle = '#111111';
		ctx.lineWidth = 2;
		if (DUR[i] > 0) {
			var x0 = xOf(T[i] - DUR[i], w);

			ctx.strokeRect(x0 - 1, y - LANE_H / 2 + 4, x - x0 + 2, LANE_H - 8);
		}
		ctx.beginPath();
		ctx.arc(x, y, 6, 0, 2 * Math.PI);
		ctx.stroke();
	}

	/* Time axis with round-numbered ticks. */
	function renderRuler() {
		var cv = $('ruler'), ctx = fit(cv, 24), w = cv.clientWidth;
		var span = st.t1 - st.t0, step = niceStep(span / Math.max(1, w / 110));

		ctx.fillStyle = '#676b70';
		ctx.font = '11px ui-monospace, monospace';
		for (var t = Math.ceil(st.t0 / step) * step; t <= st.t1; t += step) {
			var x = xOf(t, w);

			ctx.fillRect(x, 16, 1, 8);
			ctx.fillText(tickText(t, step), x + 3, 13);
		}
		drawRange(ctx, w, 24);
	}

	/* A ruler label with as many decimals as the tick step needs. */
	function tickText(t, step) {
		var digits = Math.max(0, Math.min(9, Math.ceil(-Math.log10(step / 1e9))));

		return (t < 0 ? '-' : '+') + (Math.abs(t) / 1e9).toFixed(digits) + 's';
	}

	/* 1, 2 or 5 times a power of ten, at least x. */
	function niceStep(x) {
		var p = Math.pow(10, Math.floor(Math.log10(Math.max(x, 1))));

		return x <= p ? p : x <= 2 * p ? 2 * p : x <= 5 * p ? 5 * p : 10 * p;
	}

	/* ---- counters and overview ---- */

	/* Heap, mmap and I/O series over the filtered events (cached per filter). */
	function counterSeries() {
		var rows = st.rows, n = rows.length, code = combo.code, heapOf = new Map();
		var heapT = [], heapV = [], mapT = [], mapV = [], io = new Float64Array(n + 1);
		var heap = 0, mapped = 0;

		for (var j = 0; j < n; j++) {
			var i = rows[j], k = code[C[i]];

			io[j + 1] = io[j] + (k === CODE_IO ? VAL[i] : 0);
			if (k === CODE_BRK) {
				heap += VAL[i] - (heapOf.get(lanes.pid[L[i]]) || 0);
				heapOf.set(lanes.pid[L[i]], VAL[i]);
				heapT.push(T[i]);
				heapV.push(heap);
			} else if (k === CODE_MMAP || k === CODE_MUNMAP) {
				mapped = Math.max(0, mapped + (k === CODE_MMAP ? VAL[i] : -VAL[i]));
				mapT.push(T[i]);
				mapV.push(mapped);
			}
		}
		return { heap: series(heapT, heapV), map: series(mapT, mapV), io: io };
	}

	/* A step series as typed arrays with its maximum. */
	function series(ts, vs) {
		var max = 0;

		for (var i = 0; i < vs.length; i++)
			if (vs[i] > max)
				max = vs[i];
		return { t: Float64Array.from(ts), v: Float64Array.from(vs), max: max };
	}

	/* Three counter tracks: heap, mapped bytes, I/O rate. */
	function renderCounters() {
		var cv = $('counters'), ctx = fit(cv, 3 * COUNTER_H + 4), w = cv.clientWidth;
		var s = st.counters || (st.counters = counterSeries());
		var labels = $('counter-labels');

		if (!labels.childElementCount)
			['heap', 'mmap', 'I/O rate'].forEach(function (t) {
				labels.appendChild(el('div', null, t));
			});
		stepTrack(ctx, w, 2, s.heap, 'hsl(28,70%,45%)');
		stepTrack(ctx, w, 2 + COUNTER_H, s.map, 'hsl(28,60%,62%)');
		rateTrack(ctx, w, 2 + 2 * COUNTER_H, s.io, 'hsl(212,60%,45%)');
	}

	/* First index of sorted array a with a[i] >= t. */
	function bound(a, t) {
		var lo = 0, hi = a.length;

		while (lo < hi) {
			var mid = (lo + hi) >>> 1;

			if (a[mid] < t)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo;
	}

	/* A step function as a filled track: per pixel column, its highest value. */
	function stepTrack(ctx, w, y, s, colour) {
		var hgt = COUNTER_H - 4, cols = Math.max(1, Math.floor(w)), dt = (st.t1 - st.t0) / cols;
		var a = bound(s.t, st.t0), val = a > 0 ? s.v[a - 1] : 0;

		ctx.fillStyle = '#f3f3f3';
		ctx.fillRect(0, y, w, hgt);
		if (!s.max)
			return;
		ctx.fillStyle = colour;
		for (var c = 0; c < cols; c++) {
			var end = st.t0 + (c + 1) * dt, top = val;

			for (; a < s.t.length && s.t[a] < end; a++) {
				val = s.v[a];
				top = Math.max(top, val);
			}
			if (top > 0)
				ctx.fillRect(c, y + hgt * (1 - top / s.max), 1, hgt * top / s.max);
		}
		trackLabel(ctx, w, y, 'max ' + bytes(s.max));
	}

	/* The scale label at the right end of a track. */
	function trackLabel(ctx, w, y, text) {
		ctx.fillStyle = '#676b70';
		ctx.font = '10px ui-monospace, monospace';
		ctx.fillText(text, w - ctx.measureText(text).width - 6, y + 10);
	}

	/* Bytes per second of I/O in each 2-pixel column. */
	function rateTrack(ctx, w, y, io, colour) {
		var rows = st.rows, hgt = COUNTER_H - 4, cols = Math.max(1, Math.floor(w / 2));
		var dt = (st.t1 - st.t0) / cols, vals = new Float64Array(cols), max = 0;
		var a = lowerBound(rows, st.t0);

		for (var c = 0; c < cols; c++) {
			var b = lowerBound(rows, st.t0 + (c + 1) * dt);

			vals[c] = (io[b] - io[a]) / (dt / 1e9);
			if (vals[c] > max)
				max = vals[c];
			a = b;
		}
		ctx.fillStyle = '#f3f3f3';
		ctx.fillRect(0, y, w, hgt);
		if (!max)
			return;
		ctx.fillStyle = colour;
		for (var k = 0; k < cols; k++)
			if (vals[k] > 0)
				ctx.fillRect(k * 2, y + hgt * (1 - vals[k] / max), 2, Math.max(1, hgt * vals[k] / max));
		trackLabel(ctx, w, y, 'max ' + bytes(max) + '/s');
	}

	/* Density of the filtered events over the whole trace, and the view box. */
	function renderOverview() {
		var cv = $('overview'), ctx = fit(cv, 36), w = cv.clientWidth, f = fullRange();
		var bins = Math.max(1, Math.floor(w)), d = st.density, max = 0;

		if (!d || d.length !== bins) {
			d = st.density = new Float64Array(bins);
			for (var j = 0; j < st.rows.length; j++) {
				var b = Math.floor((T[st.rows[j]] - f[0]) / (f[1] - f[0]) * bins);

				d[Math.min(bins - 1, Math.max(0, b))]++;
			}
		}
		for (var i = 0; i < bins; i++)
			if (d[i] > max)
				max = d[i];
		ctx.fillStyle = '#9aa7b8';
		for (var k = 0; k < bins; k++)
			if (d[k])
				ctx.fillRect(k, 36 - Math.max(1, 34 * Math.sqrt(d[k] / max)), 1, 36);
		var x0 = (st.t0 - f[0]) / (f[1] - f[0]) * w, x1 = (st.t1 - f[0]) / (f[1] - f[0]) * w;

		ctx.fillStyle = 'rgba(31, 95, 191, 0.18)';
		ctx.fillRect(x0, 0, Math.max(2, x1 - x0), 36);
		ctx.strokeStyle = 'rgba(31, 95, 191, 0.9)';
		ctx.strokeRect(x0 + 0.5, 0.5, Math.max(2, x1 - x0) - 1, 35);
	}

	/* ---- timeline interaction ---- */

	/* Pointer x relative to an element. */
	function localX(ev, elem) {
		return ev.clientX - elem.getBoundingClientRect().left;
	}

	/* Wheel: Ctrl zooms at the pointer, Shift pans, plain scrolls lanes. */
	function onWheel(ev) {
		var cv = $('lanes');

		if (ev.ctrlKey || ev.metaKey) {
			ev.preventDefault();
			zoomAt(localX(ev, cv), Math.exp(Math.max(-3, Math.min(3, ev.deltaY * 0.0025))));
		} else if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
			ev.preventDefault();
			panBy(((ev.deltaX || ev.deltaY) / cv.clientWidth) * (st.t1 - st.t0));
		}
	}

	/* Drag on lanes: pan (Shift: select a range); a click picks an event. */
	function onLanesDown(ev) {
		var cv = $('lanes'), x0 = localX(ev, cv), startT0 = st.t0, startT1 = st.t1, moved = false;
		var selecting = ev.shiftKey, w = cv.clientWidth;

		if (ev.button !== 0)
			return;
		ev.preventDefault();
		cv.classList.add('dragging');
		dragLoop(function (mv) {
			var dx = localX(mv, cv) - x0;

			if (Math.abs(dx) > 3)
				moved = true;
			if (!moved)
				return;
			if (selecting) {
				setRange(tOf(x0, w), tOf(localX(mv, cv), w));
			} else {
				st.t0 = startT0 - dx / w * (startT1 - startT0);
				st.t1 = startT1 - dx / w * (startT1 - startT0);
				renderTimeline();
			}
		}, function (up) {
			cv.classList.remove('dragging');
			if (!moved)
				pickAt(localX(up, cv), up.clientY - cv.getBoundingClientRect().top);
			else if (selecting)
				renderSelection();
		});
	}

	/* Track the pointer until release. */
	function dragLoop(onMove, onUp) {
		function up(ev) {
			window.removeEventListener('mousemove', onMove);
			window.removeEventListener('mouseup', up);
			onUp(ev);
		}
		window.addEventListener('mousemove', onMove);
		window.addEventListener('mouseup', up);
	}

	/* Drag on the ruler selects a range. */
	function onRulerDown(ev) {
		var cv = $('ruler'), w = cv.clientWidth, x0 = localX(ev, cv);

		if (ev.button !== 0)
			return;
		ev.preventDefault();
		dragLoop(function (mv) {
			setRange(tOf(x0, w), tOf(localX(mv, cv), w));
		}, function () {
			if (st.range)
				renderSelection();
		});
	}

	/* Click or drag on the overview moves the view there. */
	function onOverviewDown(ev) {
		var cv = $('overview');

		function go(e) {
			var f = fullRange(), span = st.t1 - st.t0;
			var t = f[0] + localX(e, cv) / cv.clientWidth * (f[1] - f[0]);

			st.t0 = t - span / 2;
			st.t1 = t + span / 2;
			renderTimeline();
		}
		ev.preventDefault();
		go(ev);
		dragLoop(go, function () {});
	}

	/* Select the time range [a, b] (either order). */
	function setRange(a, b) {
		st.range = a < b ? [a, b] : [b, a];
		renderTimeline();
	}

	/* The event nearest to (x, y) on the lanes canvas, within a few pixels
	 * (a span under the pointer is at distance 0), or -1; looks at no more
	 * than `budget` events. */
	function eventAt(x, y, budget) {
		var w = $('lanes').clientWidth, row = Math.floor((y + $('lanes-scroll').scrollTop) / LANE_H);
		var lane = st.vis[row], tol = 5 / w * (st.t1 - st.t0), tc = tOf(x, w);
		var rows = st.rows, best = { i: -1, d: Infinity };

		if (lane === undefined)
			return -1;
		for (var j = lowerBound(rows, tc - tol), n = 0; j < rows.length && n < budget; j++, n++) {
			var i = rows[j];

			if (T[i] - maxDur > tc + tol)
				break;
			if (st.laneRow[L[i]] === row && DUR[i] < st.longMin)
				closer(best, i, tc, tol);
		}
		for (var q = lowerBoundIds(longSpans, tc - tol); q < longSpans.length; q++)
			if (st.laneRow[L[longSpans[q]]] === row && st.shown[longSpans[q]])
				closer(best, longSpans[q], tc, tol);
		return best.i;
	}

	/* Keep event i in best if it is within tol of time tc and nearer. */
	function closer(best, i, tc, tol) {
		var d = DUR[i] > 0 && T[i] - DUR[i] <= tc && tc <= T[i] ? 0 : Math.abs(T[i] - tc);

		if (d <= tol && d < best.d) {
			best.i = i;
			best.d = d;
		}
	}

	/* Select the event at (x, y) on the lanes canvas, if any. */
	function pickAt(x, y) {
		var i = eventAt(x, y, 500000);

		if (i >= 0)
			selectEvent(i, 'timeline');
	}

	/* The pointer's event as the canvas tooltip (once per frame at most). */
	function hoverTip(ev) {
		var cv = $('lanes'), x = localX(ev, cv), y = ev.clientY - cv.getBoundingClientRect().top;

		if (st.tipFrame)
			return;
		st.tipFrame = requestAnimationFrame(function () {
			var i = eventAt(x, y, 20000);

			st.tipFrame = 0;
			cv.title = i < 0 ? '' : eventSummary(i);
			cv.dataset.tip = i < 0 ? '' : String(i);
		});
	}

	/* Keys: + - 0 zoom at the pointer (or the middle). */
	function onKey(ev) {
		var tag = ev.target && ev.target.tagName;
		var cv = $('lanes'), x = st.hoverX >= 0 ? st.hoverX : cv.clientWidth / 2;

		if (tag === 'INPUT' || tag === 'SELECT' || ev.ctrlKey || ev.metaKey || ev.altKey)
			return;
		if (ev.key === '+' || ev.key === '=') {
			zoomAt(x, 1 / 1.5);
		} else if (ev.key === '-' || ev.key === '_') {
			zoomAt(x, 1.5);
		} else if (ev.key === '0') {
			resetView();
		} else if (ev.key === 'Escape') {
			clearRange();
			return;
		} else {
			return;
		}
		ev.preventDefault();
	}

	/* Remember where the pointer is over the timeline, for key zoom. */
	function trackHover(elem) {
		elem.addEventListener('mousemove', function (ev) {
			st.hoverX = localX(ev, elem);
		});
		elem.addEventListener('mouseleave', function () {
			st.hoverX = -1;
		});
	}

	/* Wire the timeline's events. */
	function bindTimeline() {
		var cv = $('lanes');

		cv.addEventListener('wheel', onWheel, { passive: false });
		$('ruler').addEventListener('wheel', onWheel, { passive: false });
		$('counters').addEventListener('wheel', onWheel, { passive: false });
		cv.addEventListener('mousedown', onLanesDown);
		$('lane-labels').addEventListener('keydown', onLabelKey);
		$('lane-labels').addEventListener('click', onLabelClick);
		$('ruler').addEventListener('mousedown', onRulerDown);
		$('overview').addEventListener('mousedown', onOverviewDown);
		[cv, $('ruler'), $('counters')].forEach(trackHover);
		cv.addEventListener('mousemove', hoverTip);
		$('lanes-scroll').addEventListener('scroll', function () {
			renderLanes();
		});
		document.addEventListener('keydown', onKey);
		$('sel-zoom').addEventListener('click', function () {
			if (st.range) {
				st.t0 = st.range[0];
				st.t1 = Math.max(st.range[1], st.range[0] + 200);
				renderTimeline();
			}
		});
		$('sel-clear').addEventListener('click', clearRange);
		window.addEventListener('resize', debounce(renderAll, 100));
	}

	/* ---- range totals ---- */

	/* Forget the selected range. */
	function clearRange() {
		st.range = null;
		$('selection').hidden = true;
		renderTimeline();
	}

	/* Totals of the filtered events inside the selected range. */
	function rangeTotals() {
		var rows = st.rows, a = lowerBound(rows, st.range[0]), b = lowerBound(rows, st.range[1] + 1e-9);
		var t = { events: b - a, failed: 0, cat: {}, type: {}, pids: new Set(), by: {}, calls: 0, inCalls: 0 };

		for (var j = a; j < b; j++) {
			var i = rows[j], c = C[i], ty = D.types[combo.type[c]], cat = D.cats[combo.cat[c]];

			t.cat[cat] = (t.cat[cat] || 0) + 1;
			t.type[ty] = (t.type[ty] || 0) + 1;
			t.pids.add(lanes.pid[L[i]]);
			if (DUR[i] > 0 && cat !== 'lat') {
				t.calls++;
				t.inCalls += Math.min(DUR[i], T[i] - st.range[0]);   /* the part inside the range */
			}
			if (combo.flags[c] & SEV_FAILED)
				t.failed++;
			else if (combo.code[c] === CODE_IO || combo.code[c] === CODE_MMAP)
				t.by[ty] = (t.by[ty] || 0) + VAL[i];
		}
		return t;
	}

	/* Show the selected range's totals. */
	function renderSelection() {
		var t = rangeTotals(), body = $('sel-body');

		function line(k, v) {
			var d = el('div');

			d.appendChild(el('span', null, k + ' '));
			d.appendChild(document.createTextNode(v));
			body.appendChild(d);
		}
		$('selection').hidden = false;
		$('sel-range').textContent = stamp(st.range[0]) + ' to ' + stamp(st.range[1]) +
			' (' + dur(st.range[1] - st.range[0]) + ')';
		body.textContent = '';
		line('events', num(t.events));
		line('processes', num(t.pids.size));
		line('failed', num(t.failed));
		line('timed calls', num(t.calls) + ', ' + dur(t.inCalls) + ' in them');
		Object.keys(t.cat).sort().forEach(function (k) {
			line(k, num(t.cat[k]));
		});
		Object.keys(t.by).sort().forEach(function (k) {
			line(k + ' bytes', bytes(t.by[k]));
		});
		$('selection').dataset.events = String(t.events);
	}

	/* ---- event text ---- */

	/* Open flags as text. */
	function openFlags(f) {
		var acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'][f & 3];
		var out = [acc];

		if (f & 0x40) out.push('O_CREAT');
		if (f & 0x200) out.push('O_TRUNC');
		if (f & 0x400) out.push('O_APPEND');
		if (f & 0x10000) out.push('O_DIRECTORY');
		if (f & 0x80000) out.push('O_CLOEXEC');
		return out.join('|');
	}

	/* "rw-" text of mmap protections. */
	function protText(p) {
		return (p & 1 ? 'r' : '-') + (p & 2 ? 'w' : '-') + (p & 4 ? 'x' : '-');
	}

	/* The details column of event i. */
	function details(i) {
		var c = C[i], ty = D.types[combo.type[c]], kind = D.kinds[combo.kind[c]];
		var failed = combo.flags[c] & SEV_FAILED, s1 = str(S1[i]), s2 = str(S2[i]);
		var text = detailText(i, ty, kind, s1, s2);

		return failed ? text + ' failed: ' + errname(-VAL[i]) : text;
	}

	/* Type-specific part of the details. */
	function detailText(i, ty, kind, s1, s2) {
		var fd = FD[i], v = VAL[i], failed = combo.flags[C[i]] & SEV_FAILED;

		switch (ty) {
		case 'exec': return s1 + (s2 ? '  [' + s2 + ']' : '');
		case 'fork': return 'new process ' + pidLocal(fd) + (v === 1 ? ' (vfork)' : '');
		case 'thread': return 'new thread ' + pidLocal(fd);
		case 'exit': return (combo.flags[C[i]] & SEV_THREAD ? 'thread ' : '') + waitText(v);
		case 'open': return s1 + (failed ? '' : ' = fd ' + fd) + ' ' + openFlags(ADDR[i]);
		case 'close': return 'fd ' + fd + ' ' + (s1 || kind);
		case 'connect': case 'accept':
			return kind + ' fd ' + fd + (ty === 'accept' ? ' \u2190 ' : ' \u2192 ') + s1 +
				(s2 ? ' (local ' + s2 + ')' : '');
		case 'mmap': return bytes(v) + ' ' + protText((fd >>> 24) & 0xff) + ' at ' + hex(ADDR[i]) +
				' ' + (s1 || 'anonymous');
		case 'munmap': case 'mremap': return bytes(v) + ' at ' + hex(ADDR[i]);
		case 'brk': return 'heap ' + bytes(v) + ' (end ' + hex(ADDR[i]) + ')';
		case 'signal': return signame(fd);
		case 'sched_delay': return 'waited ' + dur(DUR[i]) + ' to run';
		case 'block_io': return 'block I/O ' + dur(DUR[i]) + (s1 ? ' ' + s1 : '');
		case 'fault': return 'page fault at ' + hex(ADDR[i]) + (s1 ? ' in ' + s1 : '');
		case 'syscall': return (s1 ? s1 + ' ' : '') + (failed ? '' : '= ' + v);
		case 'sendfile': case 'copy_file_range': case 'splice': case 'tee':
			return bytes(v) + ' fd ' + fd + ' ' + (s1 || '?') + ' \u2192 fd ' + ADDR[i] + ' ' + (s2 || '?');
		case 'delete': return (s1 || '?') + (fd ? ' (dir)' : '');
		case 'rename': return (s1 || '?') + ' \u2192 ' + (s2 || '?');
		}
		return bytes(v) + ' fd ' + fd + ' ' + (s1 || kind);
	}

	/* "  [1.20ms]" for a call that took time; latencies say theirs already. */
	function durSuffix(i) {
		var c = combo.cat[C[i]];

		return DUR[i] > 0 && D.cats[c] !== 'lat' ? '  [' + dur(DUR[i]) + ']' : '';
	}

	/* Name shown in the type column: the syscall's own name for raw ones. */
	function typeName(i) {
		var t = D.types[combo.type[C[i]]];

		if (t !== 'syscall')
			return t;
		return (D.sys && D.sys[(ADDR[i] === 1 ? 'i' : '') + FD[i]]) || 'syscall ' + FD[i];
	}

	/* ---- table ---- */

	var pool = [], tableFirst = -1;

	/* Rows that fit in the table's view. */
	function visibleRowCount() {
		return Math.ceil($('tscroll').clientHeight / ROW_H) + 1;
	}

	/* Height of the scroll range and whether it is scaled. */
	function scrollGeom() {
		var view = $('tscroll').clientHeight, total = st.rows.length * ROW_H;
		var scaled = total > MAX_SCROLL_PX;

		return { view: view, scaled: scaled, range: scaled ? MAX_SCROLL_PX : Math.max(0, total - view) };
	}

	/* First row shown for the current scroll position. */
	function firstRowShown() {
		var g = scrollGeom(), top = $('tscroll').scrollTop, n = st.rows.length;
		var nvis = Math.floor(g.view / ROW_H);

		if (!g.scaled)
			return Math.floor(top / ROW_H);
		return Math.round(Math.min(1, top / g.range) * Math.max(0, n - nvis));
	}

	/* Scroll position that shows row r near the middle. */
	function scrollTopFor(r) {
		var g = scrollGeom(), n = st.rows.length, nvis = Math.floor(g.view / ROW_H);
		var first = Math.max(0, Math.min(r - (nvis >> 1), n - nvis));

		if (!g.scaled)
			return first * ROW_H;
		return n > nvis ? first / (n - nvis) * g.range : 0;
	}

	/* Make the pool of row elements match the view height. */
	function ensurePool() {
		var body = $('tbody'), want = visibleRowCount();

		body.style.height = $('tscroll').clientHeight + 'px';
		while (pool.length < want) {
			var r = el('div', 'trow');

			['c-time', 'c-pid', 'c-type'].forEach(function (cls) {
				r.appendChild(el('span', cls));
			});
			r.appendChild(pathSpans(el('span', 'c-det pcut')));
			r.addEventListener('click', onRowClick);
			body.appendChild(r);
			pool.push(r);
		}
	}

	/* Fill the pool from the current scroll position. */
	function renderTable(reset) {
		var g = scrollGeom(), first, rows = st.rows;

		ensurePool();
		$('tspacer').style.height = g.range + 'px';
		if (reset)
			tableFirst = -1;
		first = firstRowShown();
		if (first === tableFirst && !reset)
			return;
		tableFirst = first;
		for (var k = 0; k < pool.length; k++)
			fillRow(pool[k], first + k < rows.length ? rows[first + k] : -1);
	}

	/* Put event i (or nothing, for -1) into row element r. */
	function fillRow(r, i) {
		var cells = r.children;

		r.hidden = i < 0;
		r.dataset.index = i < 0 ? '' : String(i);
		if (i < 0)
			return;
		var c = C[i], pid = lanes.pid[L[i]], tid = lanes.tid[L[i]];

		cells[0].textContent = stamp(T[i]);
		cells[1].textContent = pid === tid ? pidText(pid) : pidText(pid) + '/' + pidLocal(tid);
		cells[2].textContent = typeName(i);
		cells[2].style.setProperty('--sw', combo.colour[c]);
		setPathText(cells[3], details(i) + durSuffix(i), str(S1[i]));
		cells[3].title = eventSummary(i);
		r.classList.toggle('failed', !!(combo.flags[c] & SEV_FAILED));
		r.classList.toggle('sel', i === st.selEvent);
	}

	/* Select the event of a clicked row. */
	function onRowClick(ev) {
		var i = Number(ev.currentTarget.dataset.index);

		if (ev.currentTarget.dataset.index !== '')
			selectEvent(i, 'table');
	}

	/* Arrow keys, PgUp/PgDn, Home/End move the selection in the table. */
	function onTableKey(ev) {
		var rows = st.rows, cur = st.selEvent >= 0 ? rowOf(rows, st.selEvent) : firstRowShown() - 1;
		var page = Math.max(1, Math.floor($('tscroll').clientHeight / ROW_H) - 1);
		var to = { ArrowDown: cur + 1, ArrowUp: cur - 1, PageDown: cur + page, PageUp: cur - page,
			Home: 0, End: rows.length - 1 }[ev.key];

		if (to === undefined || !rows.length)
			return;
		ev.preventDefault();
		selectEvent(rows[Math.max(0, Math.min(rows.length - 1, to))], 'keys');
	}

	/* Time, task, category, type and details of event i in one line; a
	 * span also says when it started and how long it took. */
	function eventSummary(i) {
		var c = C[i], pid = lanes.pid[L[i]], tid = lanes.tid[L[i]];
		var p = procs.get(pid);

		return stamp(T[i]) + '  pid ' + pidText(pid) + (pid !== tid ? ' tid ' + pidLocal(tid) : '') +
			(p ? ' (' + vis(baseName(p.exe)) + ')' : '') + '  ' + D.cats[combo.cat[c]] + '/' +
			typeName(i) + '  ' + details(i) +
			(DUR[i] ? '  started ' + stamp(T[i] - DUR[i]) + ', duration ' + dur(DUR[i]) : '');
	}

	/* Show the full details of event i under the table. */
	function renderDetail(i) {
		var stack = D.stk && D.stk[i];

		$('detail').textContent = eventSummary(i) +
			(stack ? '\nStack:\n  ' + stack.join('\n  ') : '');
		$('detail').dataset.dur = String(DUR[i]);
	}

	/* Select event i: mark it in the table and on the timeline. */
	function selectEvent(i, from) {
		var r = rowOf(st.rows, i), box = $('lanes-scroll'), lr = st.laneRow[L[i]];

		st.selEvent = i;
		renderDetail(i);
		if (r >= 0 && (from !== 'table' || r < tableFirst || r >= tableFirst + pool.length - 1)) {
			var first = firstRowShown(), nvis = Math.floor($('tscroll').clientHeight / ROW_H);

			if (r < first || r >= first + nvis)
				$('tscroll').scrollTop = scrollTopFor(r);
		}
		if (from !== 'timeline' && (T[i] < st.t0 || T[i] > st.t1)) {
			var span = st.t1 - st.t0;

			st.t0 = T[i] - span / 2;
			st.t1 = T[i] + span / 2;
		}
		if (lr >= 0 && (lr * LANE_H < box.scrollTop || (lr + 1) * LANE_H > box.scrollTop + box.clientHeight))
			box.scrollTop = lr * LANE_H - box.clientHeight / 2;
		$('table').dataset.selected = String(i);
		renderTable(true);
		renderTimeline();
	}

	/* Wire the table's events. */
	function bindTable() {
		var sc = $('tscroll');

		sc.addEventListener('scroll', function () {
			renderTable(false);
		});
		sc.addEventListener('keydown', onTableKey);
	}

	/* ---- start ---- */

	/* Decode, draw, and mark the page ready (with the time each step took). */
	function main() {
		var times = {}, t = performance.now();

		function lap(name) {
			var now = performance.now();

			times[name] = Math.round(now - t);
			t = now;
		}
		times.start = Math.round(t);
		decode();
		lap('decode');
		renderHeader();
		renderCards();
		CompendiumViews.render(D, $('subtitle'));
		buildFilters();
		lap('cards');
		applyFilters();
		lap('filter');
		bindTimeline();
		bindTable();
		resetView();
		renderTable(true);
		lap('draw');
		document.documentElement.dataset.timings = JSON.stringify(times);
		document.documentElement.dataset.openMs = performance.now().toFixed(0);
		document.documentElement.dataset.ready = '1';
	}

	try {
		main();
	} catch (e) {
		$('notice').hidden = false;
		$('notice').textContent = 'This report could not be shown: ' + e;
		document.documentElement.dataset.error = String(e);
		throw e;
	}
})();
