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

	return { el: el, vis: vis };
}());
