/* query.node.js - ui/report/query.js against tests/query_cases.txt, the cases that
 * src/query.c passes too (tests/check_query.c): same matches, same error
 * positions, same messages.  Run by tests/report/query.test. */
'use strict';

var fs = require('fs');
var path = require('path');
var Q = require(path.resolve(process.argv[2], 'ui', 'report', 'query.js'));

var tables = { types: [], cats: [], kinds: [], strs: [''] };
var strIds = new Map([['', 0]]);
var events = [];
var failures = 0, cases = 0;

/* The interned id of a string (0 for ""). */
function intern(s) {
	if (!strIds.has(s)) {
		strIds.set(s, tables.strs.length);
		tables.strs.push(s);
	}
	return strIds.get(s);
}

/* "event NAME k=v ..." as the object query.js matches. */
function eventLine(rest) {
	var toks = rest.split(' '), e = { name: toks[0], type: 0, cat: 0, kind: 0, pid: 0, tid: 0,
		fd: 0, val: 0, dur: 0, failed: false, str: 0, str2: 0, comm: '', sys: '' };
	var tidSet = false;

	toks.slice(1).forEach(function (kv) {
		var eq = kv.indexOf('='), k = eq < 0 ? kv : kv.slice(0, eq);
		var v = eq < 0 ? '' : kv.slice(eq + 1).replace(/\\s/g, ' ');

		switch (k) {
		case 'failed': e.failed = true; break;
		case 'type': e.type = tables.types.indexOf(v); break;
		case 'cat': e.cat = tables.cats.indexOf(v); break;
		case 'kind': e.kind = tables.kinds.indexOf(v); break;
		case 'pid': e.pid = Number(v); if (!tidSet) e.tid = e.pid; break;
		case 'tid': e.tid = Number(v); tidSet = true; break;
		case 'fd': e.fd = Number(v); break;
		case 'val': e.val = Number(v); break;
		case 'dur': e.dur = Number(v); break;
		case 'str': e.str = intern(v); break;
		case 'str2': e.str2 = intern(v); break;
		case 'comm': e.comm = v; break;
		case 'sys': e.sys = v; break;
		default: throw new Error('unknown event field ' + k);
		}
	});
	events.push(e);
}

function check(lineno, ok, what) {
	if (!ok) {
		failures++;
		console.log('FAIL line ' + lineno + ': ' + what);
	}
}

/* A "match" or "error" line. */
function caseLine(lineno, rest, isError) {
	var arrow = rest.indexOf(' => '), expr = rest.slice(0, arrow), want = rest.slice(arrow + 4);
	var q = Q.parse(expr, tables), m, got;

	cases++;
	if (isError) {
		m = /^(\d+) (.*)$/.exec(want);
		check(lineno, q.error && q.error.pos === Number(m[1]) && q.error.msg === m[2],
			JSON.stringify(expr) + ' gave ' + JSON.stringify(q.error || 'no error'));
		return;
	}
	if (q.error) {
		check(lineno, false, JSON.stringify(expr) + ': ' + q.error.pos + ' ' + q.error.msg);
		return;
	}
	got = events.filter(function (e) { return q.match(e); }).map(function (e) { return e.name; });
	got = got.length ? got.join(' ') : 'none';
	check(lineno, got === want, JSON.stringify(expr) + ' matched ' + got);
}

fs.readFileSync(path.join(process.argv[2], 'tests', 'query_cases.txt'), 'utf8').split('\n')
	.forEach(function (line, i) {
		var rest = line.slice(6);

		if (line.startsWith('names ')) {
			var toks = rest.split(' ');
			tables[toks[0]] = toks.slice(1);
		} else if (line.startsWith('event ')) {
			eventLine(rest);
		} else if (line.startsWith('match ') || line.startsWith('error ')) {
			caseLine(i + 1, rest, line[0] === 'e');
		}
	});

/* What the report adds: an over-long expression, deep nesting, many terms. */
[['a'.repeat(1025), 1024], ['('.repeat(100), 64], ['-'.repeat(100) + 'x', 64],
 ['a '.repeat(200), 256]].forEach(function (c) {
	var q = Q.parse(c[0], tables);

	cases++;
	check(0, q.error && q.error.pos === c[1], 'hostile ' + c[0].slice(0, 8) + ': ' +
		JSON.stringify(q.error));
});

console.log(cases + ' cases, ' + failures + ' failed');
process.exit(failures || cases < 100 ? 1 : 0);
