/* report_views.js - the report's analysis sections: syscall summary, top
 * files, top connections, process tree, latency histograms per process.
 *
 * Draws the "views" object of the data block (written by src/report_views.c)
 * into a dialog that a button under the title opens.  Tables sort by a click on a
 * column header (again: the other way).  Traced text only reaches the page
 * as textContent, after vis() has made control and bidi characters
 * visible; bars are sized through the style object, which the page's
 * Content-Security-Policy allows.  It must never fetch anything, never use
 * innerHTML, and never evaluate data.
 */
var CompendiumViews = (function () {
	'use strict';

	var el = CompendiumDom.el, vis = CompendiumDom.vis;
	var runs = null;     /* the summary's recordings in a replay of several */

	/* A pid as a person knows it: "1234", or "alpha:1234" in a replay of several. */
	function pidText(pid) {
		return CompendiumDom.pidText(runs, pid);
	}

	/* Bytes as the terminal UI writes them. */
	function bytes(n) {
		var units = ['B', 'KB', 'MB', 'GB', 'TB'], u = 0;

		if (n < 1024)
			return n + ' B';
		while (n >= 1024 && u < units.length - 1) {
			n /= 1024;
			u++;
		}
		return n.toFixed(1) + ' ' + units[u];
	}

	/* A duration in ns, short. */
	function dur(ns) {
		if (!(ns > 0))
			return '-';
		if (ns < 1000)
			return ns + 'ns';
		/* Three significant digits; a value that rounds up to 1000 takes the next unit. */
		if (ns < 999500)
			return Number((ns / 1e3).toPrecision(3)) + 'us';
		if (ns < 999500000)
			return Number((ns / 1e6).toPrecision(3)) + 'ms';
		return (ns / 1e9).toFixed(2) + 's';
	}

	/* A duration in us (latency figures). */
	function us(v) {
		return dur(v * 1000);
	}

	/* A cell: its text and the value it sorts by. */
	function c(text, value) {
		return { t: text, v: value === undefined ? text : value };
	}

	/* A table of rows of cells; a click on a header sorts by that column. */
	function table(id, heads, rows, numeric) {
		var t = el('table', 'views-table'), head = el('tr'), body = el('tbody');
		var state = { col: -1, asc: true };

		t.id = id;
		heads.forEach(function (h, i) {
			var th = el('th', null, h);

			th.tabIndex = 0;
			th.title = 'sort by ' + h;
			th.addEventListener('click', function () {
				state.asc = state.col === i ? !state.asc : !numeric[i];
				state.col = i;
				sortRows(rows, i, state.asc);
				fill(body, rows, numeric);
			});
			head.appendChild(th);
		});
		t.appendChild(el('thead')).appendChild(head);
		t.appendChild(body);
		fill(body, rows, numeric);
		return t;
	}

	/* Sort rows by column i. */
	function sortRows(rows, i, asc) {
		rows.sort(function (a, b) {
			var x = a[i].v, y = b[i].v, r = x < y ? -1 : x > y ? 1 : 0;

			return asc ? r : -r;
		});
	}

	/* (Re)fill a table body. */
	function fill(body, rows, numeric) {
		while (body.firstChild)
			body.removeChild(body.firstChild);
		rows.forEach(function (r) {
			var tr = el('tr');

			r.forEach(function (cell, i) {
				var td = el('td', null, cell.t);

				if (numeric[i])
					td.style.textAlign = 'right';
				if (cell.bar !== undefined)
					td.appendChild(bar(cell.bar));
				tr.appendChild(td);
			});
			body.appendChild(tr);
		});
	}

	/* A bar of fraction f (0..1) of the cell's width. */
	function bar(f) {
		var b = el('span', 'views-bar');

		b.style.display = 'inline-block';
		b.style.height = '0.8em';
		b.style.width = Math.max(1, Math.round(f * 300)) + 'px';
		b.style.background = 'hsl(212, 60%, 55%)';
		return b;
	}

	/* A collapsible subsection with a title and a note. */
	function part(parent, id, title, note) {
		var d = el('details');

		d.id = id;
		d.open = true;
		d.appendChild(el('summary', null, title));
		if (note)
			d.appendChild(el('p', 'views-note', note));
		parent.appendChild(d);
		return d;
	}

	/* The name of a process in the list, by pid. */
	function procName(V, pid) {
		for (var i = 0; i < V.procs.length; i++)
			if (V.procs[i][0] === pid)
				return vis(V.procs[i][2]);
		return '';
	}

	/* A process chooser over the keys of obj ("0": every process). */
	function chooser(V, obj, onChange) {
		var s = el('select');

		Object.keys(obj).sort(function (a, b) { return a - b; }).forEach(function (k) {
			var o = el('option', null, k === '0' ? 'every process' : pidText(+k) + ' ' + procName(V, +k));

			o.value = k;
			s.appendChild(o);
		});
		s.addEventListener('change', function () { onChange(s.value); });
		return s;
	}

	/* Syscall summary, like strace -c, per process. */
	function renderSys(root, V) {
		var d = part(root, 'v-sys', 'Syscall summary', (V.sys_kernel ?
			'Every call, counted and timed in the kernel (entry to exit). ' :
			'Calls the tracer stopped on (with the seccomp filter, the default, only those ' +
			'that matter to it; --no-seccomp counts every call). Time: entry to exit, where ' +
			'the entry was seen. ') +
			'p50 and p99: from each call\'s log2 histogram of every process (all processes only).');
		var box = el('div');

		function show(pid) {
			var rows = V.sys[pid] || [], total = 0;

			rows.forEach(function (r) { total += r[5]; });
			while (box.firstChild)
				box.removeChild(box.firstChild);
			box.appendChild(table('v-sys-table', ['syscall', 'calls', 'errors', 'total', 'avg',
				'p50', 'p99', 'max', '% time'],
				rows.map(function (r) {
					var avg = r[4] ? r[5] / r[4] : 0;

					return [c(vis(r[1])), c(String(r[2]), r[2]), c(String(r[3]), r[3]),
						c(dur(r[5]), r[5]), c(dur(avg), avg),
						r[7] < 0 ? c('-', -1) : c(dur(r[7]), r[7]),
						r[8] < 0 ? c('-', -1) : c(dur(r[8]), r[8]), c(dur(r[6]), r[6]),
						c(total ? (100 * r[5] / total).toFixed(1) : '0.0', r[5])];
				}).sort(function (a, b) { return b[1].v - a[1].v; }),
				[false, true, true, true, true, true, true, true, true]));
		}
		d.appendChild(chooser(V, V.sys, show));
		d.appendChild(box);
		show('0');
	}

	/* Top files. */
	function renderFiles(root, V) {
		var d = part(root, 'v-files', 'Top files',
			'Regular files, most bytes first' + (V.files_total > V.files.length ?
			' (the ' + V.files.length + ' largest of ' + V.files_total + ')' : '') + '.');

		d.appendChild(table('v-files-table', ['file', 'opens', 'read', 'written', 'total'],
			V.files.map(function (f) {
				return [c(vis(f[0])), c(String(f[1]), f[1]), c(bytes(f[2]), f[2]), c(bytes(f[3]), f[3]),
					c(bytes(f[2] + f[3]), f[2] + f[3])];
			}), [false, true, true, true, true]));
	}

	/* Top connections. */
	function renderConns(root, V) {
		var conns = V.conns || [];
		var d = part(root, 'v-conns', 'Top connections',
			'Connections made (connect) or taken (accept) and UDP flows (datagrams to or from one ' +
			'peer by address), most bytes first; a peer looked up by name shows it; duration from ' +
			'connect or accept to close (seen with -v or --no-seccomp), else to the last use ' +
			'(a flow: first to last datagram).');

		d.appendChild(table('v-conns-table', ['peer', 'proto', 'role', 'local', 'pid', 'sent', 'received', 'duration'],
			conns.map(function (k) {
				return [c(vis(k[3])), c(vis(k[0])), c(k[1]), c(vis(k[2])), c(pidText(k[4]), k[4]),
					c(bytes(k[5]), k[5]), c(bytes(k[6]), k[6]),
					c(dur(k[8]), k[8])];
			}), [false, false, false, false, true, true, true, true]));
	}

	/* Process tree: children under their parent, in order of creation. */
	function renderProcs(root, V) {
		var d = part(root, 'v-procs', 'Process tree',
			'Every process with its events, bytes read and written (all its fds), lifetime and exit.');
		var byPid = {}, kids = {}, rows = [], end = 0;

		V.procs.forEach(function (p, i) {
			end = Math.max(end, p[6], p[7]);
			if (byPid[p[1]] !== undefined && p[1] !== p[0])
				(kids[byPid[p[1]]] = kids[byPid[p[1]]] || []).push(i);
			else
				(kids.root = kids.root || []).push(i);
			byPid[p[0]] = i;
		});

		function walk(i, depth) {
			var p = V.procs[i], life = (p[7] >= 0 ? p[7] : end) - p[6];

			rows.push([c('\u00a0'.repeat(depth * 3) + (depth ? '\u2514 ' : '') + pidText(p[0]) + ' ' + vis(p[2]), rows.length),
				c(String(p[3]), p[3]), c(bytes(p[4]), p[4]), c(bytes(p[5]), p[5]),
				c(dur(life), life), c(vis(p[8]))]);
			(kids[i] || []).forEach(function (k) { walk(k, depth + 1); });
		}
		(kids.root || []).forEach(function (i) { walk(i, 0); });
		d.appendChild(table('v-procs-table', ['process', 'events', 'read', 'written', 'lifetime', 'exit'],
			rows, [false, true, true, true, true, false]));
	}

	/* The microsecond range of log2 slot i. */
	function slotRange(i) {
		return i === 0 ? '< 1us' : us(Math.pow(2, i - 1)) + ' - ' + us(Math.pow(2, i));
	}

	/* Latency histograms per process (--ebpf). */
	function renderLat(root, V) {
		var d = part(root, 'v-lat', 'Latency histograms',
			'Scheduler delay and block I/O latency per process, from the kernel\'s log2 histograms.');
		var box = el('div');

		if (!Object.keys(V.lat).length) {
			d.appendChild(el('p', 'views-note', 'No latency data: run with --ebpf (root, or CAP_BPF and CAP_PERFMON).'));
			return;
		}

		function show(pid) {
			var L = V.lat[pid] || {};

			while (box.firstChild)
				box.removeChild(box.firstChild);
			['sched', 'block'].forEach(function (k) {
				var h = L[k], max = 0, rows = [];

				if (!h)
					return;
				box.appendChild(el('h4', null, (k === 'sched' ? 'Scheduler delay' : 'Block I/O') + ': ' +
					h.count + ', p50 ' + us(h.p50) + ', p99 ' + us(h.p99) + ', max ' + us(h.max)));
				h.hist.forEach(function (n) { max = Math.max(max, n); });
				h.hist.forEach(function (n, i) {
					var cell = c('', n);

					if (!n)
						return;
					cell.bar = n / max;
					rows.push([c(slotRange(i), i), c(String(n), n), cell]);
				});
				box.appendChild(table('v-lat-' + k, ['range', 'count', ''], rows, [false, true, false]));
			});
		}
		d.appendChild(chooser(V, V.lat, show));
		d.appendChild(box);
		show(V.lat['0'] ? '0' : Object.keys(V.lat)[0]);
	}

	/* Draw every section into a dialog, opened by a button appended to
	 * anchor (the subtitle): closed, the dialog takes no room, so the page
	 * around it lays out exactly as without it. */
	function render(D, anchor) {
		var V = D && D.views, root, open, close;

		if (!V || !anchor)
			return;
		runs = D.summary && D.summary.runs && D.summary.runs.length > 1 ? D.summary.runs : null;
		root = el('dialog');
		root.id = 'views';
		root.setAttribute('aria-label', 'Analysis');
		root.style.width = '90vw';
		root.style.maxHeight = '90vh';
		root.style.overflow = 'auto';
		close = el('button', null, 'Close');
		close.type = 'button';
		close.style.float = 'right';
		close.addEventListener('click', function () { root.close(); });
		root.appendChild(close);
		root.appendChild(el('h2', null, 'Analysis'));
		renderSys(root, V);
		renderFiles(root, V);
		renderConns(root, V);
		renderProcs(root, V);
		renderLat(root, V);
		document.body.appendChild(root);
		open = el('button', null, 'Analysis: syscalls, files, connections, processes, latency');
		open.type = 'button';
		open.id = 'views-open';
		open.addEventListener('click', function () { root.showModal(); });
		anchor.appendChild(document.createTextNode(' '));
		anchor.appendChild(open);
	}

	return { render: render, bytes: bytes, dur: dur };
})();
