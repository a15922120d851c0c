/* report_dom.js - the DOM helpers every script of the HTML report shares.
 *
 * Inlined first into the report's one script.  Traced text only reaches
 * the page through el() (textContent) after vis(): nothing here may use
 * innerHTML or evaluate data.
 */
var CompendiumDom = (function () {
	'use strict';

	/* New element with a class and text (always textContent). */
	function el(tag, cls, text) {
		var e = document.createElement(tag);

		if (cls)
			e.className = cls;
		if (text !== undefined && text !== null)
			e.textContent = text;
		return e;
	}

	/* Text with control, format and bidi characters shown as visible escapes. */
	function vis(s) {
		return String(s === null || s === undefined ? '' : s).replace(
			/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g,
			function (ch) {
				var named = { '\n': '\\n', '\t': '\\t', '\r': '\\r' }[ch];

				return named || '\\u{' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0') + '}';
			});
	}

	var RUN_SHIFT = 22;    /* src/record.h: REC_RUN_SHIFT */

	/* A pid of the report as its host knew it (a replay of several
	 * recordings puts the recording's index above the pid bits). */
	function pidLocal(pid) {
		return pid > 0 ? pid % (1 << RUN_SHIFT) : pid;
	}

	/* Label of the recording pid comes from (runs: the summary's "runs",
	 * there only in a replay of several), or null. */
	function pidHost(runs, pid) {
		var r = runs && runs.length > 1 && pid > 0 ? runs[Math.floor(pid / (1 << RUN_SHIFT))] : null;

		return r && r.hostname !== null && r.hostname !== undefined ? vis(r.hostname) : null;
	}

	/* A pid as a person knows it: "1234", or "alpha:1234" for a process of
	 * host alpha in a replay of several recordings (fmt_pid, src/fmt.c). */
	function pidText(runs, pid) {
		var host = pidHost(runs, pid);

		return host === null ? String(pid) : host + ':' + pidLocal(pid);
	}

	return { el: el, vis: vis, pidLocal: pidLocal, pidHost: pidHost, pidText: pidText };
}());
