/* query.js - the filter language of the HTML report's search box.
 *
 * The same language as src/query.c (the TUI and --filter), term for term and
 * error for error: change both, and tests/query_cases.txt, together.  The
 * report inlines this file before report.js.  Text is compared in ASCII
 * case only, as the C code does.  It must never touch the page.
 */
var CompendiumQuery = (function () {
	'use strict';

	var MAX_NODES = 256, MAX_DEPTH = 64, MAX_LEN = 1024;
	var NUM_LIMIT = 9007199254740992;   /* 2^53 */
	var FORK = 'fork', THREAD = 'thread', EXEC = 'exec', SYSCALL = 'syscall';
	var BYTE_TYPES = ['read', 'write', 'send', 'recv', 'sendfile', 'copy_file_range', 'splice',
		'tee', 'mmap', 'munmap', 'mremap', 'brk'];
	var PATH2_TYPES = ['sendfile', 'copy_file_range', 'splice', 'tee', 'rename'];
	var FIELDS = { cat: 'cat', type: 'type', pid: 'pid', tid: 'tid', comm: 'comm', path: 'path',
		host: 'host', port: 'port', bytes: 'bytes', lat: 'lat', failed: 'failed' };
	var SIZE_UNITS = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1048576, mb: 1048576,
		mib: 1048576, g: 1073741824, gb: 1073741824, gib: 1073741824,
		t: 1099511627776, tb: 1099511627776, tib: 1099511627776 };
	var TIME_UNITS = { ns: 1, us: 1000, ms: 1000000, s: 1000000000 };

	/* ASCII lower case (other characters unchanged, like the C side). */
	function lower(s) {
		return s.replace(/[A-Z]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) + 32); });
	}

	/* Does p (* any run, ? one character) match all of s? */
	function glob(p, s, fold) {
		var pi = 0, si = 0, star = -1, mark = 0;

		if (fold) {
			p = lower(p);
			s = lower(s);
		}
		while (si < s.length) {
			if (pi < p.length && p[pi] === '*') {
				star = pi++;
				mark = si;
			} else if (pi < p.length && (p[pi] === '?' || p[pi] === s[si])) {
				pi++;
				si++;
			} else if (star >= 0) {
				pi = star + 1;
				si = ++mark;
			} else {
				return false;
			}
		}
		while (pi < p.length && p[pi] === '*')
			pi++;
		return pi === p.length;
	}

	/* The length of the name of a named peer ("name (1.2.3.4):80"), 0 when it is not one. */
	function peerNameLen(t) {
		var open = t.indexOf(' (');

		return open > 0 && t.indexOf('):', open) >= 0 ? open : 0;
	}

	/* { host, port, name } of a peer address ("1.2.3.4:80", "[::1]:80",
	 * "name (1.2.3.4):80", a path); port -1 if none, name '' if none. */
	function peerSplit(t) {
		var n = t.length, colon = n, host = t, named = peerNameLen(t);
		var close = t[0] === '[' ? t.indexOf(']') : named ? t.indexOf('):', named) : -1;
		var r;

		if (close >= 0 && named) {
			host = t.slice(named + 2, close);
			colon = close + 1;
			r = peerPort(t, n, colon);
			return { host: host, port: r, name: t.slice(0, named) };
		}
		if (close >= 0) {
			host = t.slice(1, close);
			colon = t[close + 1] === ':' ? close + 1 : n;
		} else if (t.indexOf(':') >= 0 && t.indexOf(':') === t.lastIndexOf(':')) {
			colon = t.indexOf(':');
		}
		r = peerPort(t, n, colon);
		return { host: close >= 0 || r < 0 ? host : t.slice(0, colon), port: r, name: '' };
	}

	/* The port after the colon at colon of t (n long), or -1. */
	function peerPort(t, n, colon) {
		if (colon >= n || colon + 1 === n || n - colon > 6 || !/^[0-9]+$/.test(t.slice(colon + 1)))
			return -1;
		return Number(t.slice(colon + 1));
	}

	/* A run of digits as a number up to max, or -1. */
	function digits(s, max) {
		var v;

		if (!s.length || s.length > 18 || !/^[0-9]+$/.test(s))
			return -1;
		v = Number(s);
		return v <= max ? v : -1;
	}

	function endsTerm(c) {
		return c === undefined || c === ' ' || c === '\t' || c === '|' || c === ')';
	}

	function isDigit(c) {
		return c !== undefined && c >= '0' && c <= '9';
	}

	/* Thrown to unwind the parser at the first error. */
	function Fail(pos, msg) {
		this.pos = pos;
		this.msg = msg;
	}

	/* Parse text with the report's name tables; the query or { error }. */
	function parse(text, tables) {
		var s = text || '', pos = 0, depth = 0, negated = false, word = '', nodes = [];

		function fail(at, msg) {
			throw new Fail(at, msg);
		}

		function node(op, at) {
			if (nodes.length >= MAX_NODES)
				fail(at, 'too many terms (at most ' + MAX_NODES / 2 + ')');
			nodes.push({ op: op, num: -1 });
			return nodes[nodes.length - 1];
		}

		function skipSpace() {
			while (s[pos] === ' ' || s[pos] === '\t')
				pos++;
		}

		/* A "quoted" or bare value; the text. */
		function readText() {
			var at = pos, close, v;

			if (s[at] === '"') {
				close = s.indexOf('"', at + 1);
				if (close < 0)
					fail(at, 'unterminated quote');
				v = s.slice(at + 1, close);
				pos = close + 1;
				if (!endsTerm(s[pos]))
					fail(pos, "unexpected '" + s[pos] + "' after the closing quote");
				if (!v.length)
					fail(at, 'nothing between the quotes');
				return v;
			}
			while (!endsTerm(s[pos]))
				pos++;
			return s.slice(at, pos);
		}

		function nameMask(names, v, whole) {
			var m = [], lv = lower(v);

			names.forEach(function (name, i) {
				if (whole ? lower(name) === lv : lower(name).indexOf(lv) >= 0)
					m[i] = true;
			});
			return m;
		}

		function parseWord() {
			var at = pos, v = readText(), n = node('word', at);

			n.str = v;
			n.low = lower(v);
			n.num = digits(v, 2147483647);
			n.types = nameMask(tables.types, v, false);
			n.cats = nameMask(tables.cats, v, false);
			n.kinds = nameMask(tables.kinds, v, false);
			if (!negated && !word)
				word = v;
			return n;
		}

		/* A number with up to 3 decimals and a unit, in the smallest unit. */
		function parseAmount(units, isTime) {
			var at = pos, ip = '', fp = '', dot, ui, unit, mult, scale;

			if (!isDigit(s[pos]))
				fail(pos, 'expected a number');
			while (isDigit(s[pos]))
				ip += s[pos++];
			if (ip.length > 15)
				fail(at, 'number too large');
			if (s[pos] === '.') {
				dot = pos++;
				if (!isDigit(s[pos]))
					fail(dot, "expected digits after '.'");
				while (isDigit(s[pos]))
					fp += s[pos++];
				if (fp.length > 3)
					fail(dot, 'at most 3 decimals');
			}
			ui = pos;
			while (!endsTerm(s[pos]))
				pos++;
			unit = lower(s.slice(ui, pos));
			mult = Object.prototype.hasOwnProperty.call(units, unit) ? units[unit] : -1;
			if (mult < 0 && ui === pos)
				fail(ui, 'missing time unit (ns, us, ms or s)');
			if (mult < 0)
				fail(ui, 'unknown ' + (isTime ? 'time' : 'size') + " unit '" + s.slice(ui, pos) + "'");
			if (Number(ip) > Math.floor(NUM_LIMIT / mult) - 1)
				fail(at, 'number too large');
			scale = Math.pow(10, fp.length);
			fp = Number(fp || '0') * mult;
			return Number(ip) * mult + (fp - fp % scale) / scale;
		}

		function parseCompare(op, at, key) {
			var cmp, gt, n;

			if (s[pos] === '>' || s[pos] === '<') {
				gt = s[pos] === '>';
				pos++;
				cmp = s[pos] === '=' ? (gt ? '>=' : '<=') : (gt ? '>' : '<');
				if (s[pos] === '=')
					pos++;
			} else if (s[pos] === '=') {
				cmp = '=';
				pos++;
			} else {
				fail(pos, "expected >, >=, <, <= or = after '" + key + "'");
			}
			n = node(op, at);
			n.cmp = cmp;
			n.num = parseAmount(op === 'lat' ? TIME_UNITS : SIZE_UNITS, op === 'lat');
			return n;
		}

		function parseValue(op, at, key) {
			var vpos = pos, v, n;

			if (endsTerm(s[pos]))
				fail(pos, "missing value after '" + key + ":'");
			v = readText();
			n = node(op, at);
			n.str = v;
			if (op === 'cat') {
				n.mask = nameMask(tables.cats, v, true);
				if (!n.mask.length)
					fail(vpos, "unknown category '" + v + "' (file, net, mem, io, proc, lat or other)");
			} else if (op === 'type') {
				n.mask = nameMask(tables.types, v, true);
				if (!n.mask.length)
					fail(vpos, "unknown event type '" + v + "'");
			} else if (op === 'pid' || op === 'tid') {
				n.num = digits(v, 2147483647);
				if (n.num <= 0)
					fail(vpos, "'" + v + "' is not a process id");
			} else if (op === 'port') {
				n.num = digits(v, 65535);
				if (n.num < 0)
					fail(vpos, "'" + v + "' is not a port number (0 to 65535)");
			}
			return n;
		}

		function parseField(at, klen) {
			var keyText = s.slice(at, at + klen), key = lower(keyText);

			if (!Object.prototype.hasOwnProperty.call(FIELDS, key))
				fail(at, "unknown field '" + keyText + "' (put text in quotes to search for it)");
			if (key === 'failed')
				fail(pos, "'failed' takes no value");
			if (key === 'bytes' || key === 'lat')
				return parseCompare(key, at, key);
			if (s[pos] !== ':')
				fail(pos, "expected ':' after '" + key + "'");
			pos++;
			return parseValue(key, at, key);
		}

		function parseTerm() {
			var at = pos, k = at, c;

			if (s[at] === '"')
				return parseWord();
			while (k < s.length && /[A-Za-z]/.test(s[k]))
				k++;
			c = s[k];
			if (k > at && (c === ':' || c === '<' || c === '>' || c === '=')) {
				pos = k;
				return parseField(at, k - at);
			}
			if (endsTerm(c) && lower(s.slice(at, k)) === 'failed') {
				pos = k;
				return node('failed', at);
			}
			return parseWord();
		}

		function parseAtom() {
			var open = pos, a;

			if (s[open] === ')')
				fail(open, "unmatched ')'");
			if (s[open] === '|')
				fail(open, "'|' needs a term before it");
			if (s[open] !== '(')
				return parseTerm();
			if (++depth > MAX_DEPTH)
				fail(open, 'too deeply nested (at most ' + MAX_DEPTH + ' levels)');
			pos++;
			skipSpace();
			if (s[pos] === ')')
				fail(pos, 'nothing between the parentheses');
			if (pos >= s.length)
				fail(open, "unmatched '('");
			a = parseConj();
			if (s[pos] !== ')')
				fail(open, "unmatched '('");
			pos++;
			depth--;
			return a;
		}

		function parseUnary() {
			var minus = pos, was = negated, a, n;

			if (s[minus] !== '-')
				return parseAtom();
			pos++;
			if (endsTerm(s[pos]))
				fail(minus, "'-' needs a term right after it");
			if (++depth > MAX_DEPTH)
				fail(minus, 'too deeply nested (at most ' + MAX_DEPTH + ' levels)');
			negated = true;
			a = parseUnary();
			negated = was;
			depth--;
			n = node('not', minus);
			n.a = a;
			return n;
		}

		function join(op, a, b, at) {
			var n = node(op, at);

			n.a = a;
			n.b = b;
			return n;
		}

		function parseDisj() {
			var a = parseUnary(), bar;

			for (;;) {
				skipSpace();
				if (s[pos] !== '|')
					return a;
				bar = pos++;
				skipSpace();
				if (endsTerm(s[pos]))
					fail(bar, "'|' needs a term after it");
				a = join('or', a, parseUnary(), bar);
			}
		}

		function parseConj() {
			var a = parseDisj(), at;

			for (;;) {
				skipSpace();
				at = pos;
				if (at >= s.length || s[at] === ')')
					return a;
				a = join('and', a, parseDisj(), at);
			}
		}

		try {
			var root = null;

			if (s.length > MAX_LEN)
				fail(MAX_LEN, 'expression too long (at most ' + MAX_LEN + ' bytes)');
			skipSpace();
			if (pos < s.length) {
				root = parseConj();
				if (s[pos] === ')')
					fail(pos, "unmatched ')'");
			}
			return compiled(root, word, tables);
		} catch (e) {
			if (e instanceof Fail)
				return { error: { pos: e.pos, msg: e.msg } };
			throw e;
		}
	}

	/* The evaluator over a parsed tree. */
	function compiled(root, word, tables) {
		var strs = tables.strs || [];
		var byteTypes = [], path2Types = [], forkType = -1, threadType = -1, syscallType = -1;
		var netCat = tables.cats.indexOf('net'), latCat = tables.cats.indexOf('lat');

		tables.types.forEach(function (name, i) {
			byteTypes[i] = BYTE_TYPES.indexOf(name) >= 0;
			path2Types[i] = PATH2_TYPES.indexOf(name) >= 0;
			if (name === FORK) forkType = i;
			if (name === THREAD) threadType = i;
			if (name === SYSCALL) syscallType = i;
		});

		/* Uncached answer of a string leaf for text t. */
		function strTest(n, t) {
			var base, peer;

			switch (n.op) {
			case 'word': return lower(t).indexOf(n.low) >= 0;
			case 'comm':
				base = t.slice(t.lastIndexOf('/') + 1);
				return glob(n.str, base, false);
			case 'path': return glob(n.str, t, false);
			case 'host':   /* the address, or the name it was looked up by */
				peer = peerSplit(t);
				return glob(n.str, peer.host, true) || (peer.name !== '' && glob(n.str, peer.name, true));
			case 'port': return peerSplit(t).port === n.num;
			}
			return false;
		}

		/* Answer for string id (cached; id 0 never matches). */
		function strHit(n, id) {
			if (!id || id >= strs.length)
				return false;
			if (!n.cache)
				n.cache = new Uint8Array(strs.length);
			if (!n.cache[id])
				n.cache[id] = strTest(n, strs[id]) ? 1 : 2;
			return n.cache[id] === 1;
		}

		/* Answer for a process name (cached by name). */
		function commHit(n, name) {
			if (!name)
				return false;
			if (!n.names)
				n.names = new Map();
			if (!n.names.has(name))
				n.names.set(name, strTest(n, name));
			return n.names.get(name);
		}

		function wordHit(n, e) {
			if (n.num >= 0 && (n.num === e.pid || n.num === e.tid ||
			    ((e.type === forkType || e.type === threadType) && n.num === e.fd)))
				return true;
			if (n.types[e.type] || n.cats[e.cat] || (e.kind > 0 && n.kinds[e.kind]))
				return true;
			if (e.type === syscallType && e.sys && lower(e.sys).indexOf(n.low) >= 0)
				return true;
			return strHit(n, e.str) || strHit(n, e.str2);
		}

		function compare(n, v) {
			switch (n.cmp) {
			case '>': return v > n.num;
			case '>=': return v >= n.num;
			case '<': return v < n.num;
			case '<=': return v <= n.num;
			}
			return v === n.num;
		}

		function ev(n, e) {
			var lat;

			switch (n.op) {
			case 'and': return ev(n.a, e) && ev(n.b, e);
			case 'or': return ev(n.a, e) || ev(n.b, e);
			case 'not': return !ev(n.a, e);
			case 'word': return wordHit(n, e);
			case 'cat': return !!n.mask[e.cat];
			case 'type': return !!n.mask[e.type];
			case 'pid': return e.pid === n.num;
			case 'tid': return e.tid === n.num;
			case 'comm': return commHit(n, e.comm);
			case 'path':
				return e.cat !== netCat && (strHit(n, e.str) ||
					(!!path2Types[e.type] && strHit(n, e.str2)));
			case 'host': case 'port': return e.cat === netCat && strHit(n, e.str);
			case 'bytes': return !!byteTypes[e.type] && !e.failed && compare(n, e.val);
			case 'lat':
				lat = e.cat === latCat && e.val > 0 ? e.val : e.dur || 0;
				return lat > 0 && compare(n, lat);
			case 'failed': return !!e.failed;
			}
			return false;
		}

		return {
			empty: root === null,
			word: word,
			/* Does event e match?  e: { type, cat, kind (indices into the tables),
			 * pid, tid, fd, val, failed, str, str2 (string ids), comm (the
			 * process's program), dur (ns measured, 0 if none), sys (a raw
			 * syscall's name) }; lat: compares a latency event's val, else dur. */
			match: function (e) {
				return root === null || ev(root, e);
			},
		};
	}

	return { parse: parse };
}());

if (typeof module !== 'undefined' && module.exports)
	module.exports = CompendiumQuery;
