// The query page: an editor of our own (a textarea over a highlighted copy of its text), the
// project's prefixes declared as soon as a query uses one, the position of a syntax error
// marked; the query runs through this server's endpoint (fetch, SPARQL JSON or Turtle) and
// the results become a table with labels beside IRIs, sorting, pages, downloads and a link
// to share. Every value is set as text, never as HTML; nothing is fetched from another host.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("query-config").textContent);
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var words = cfg.words || {};
  var form = document.getElementById("query-form");
  var text = document.getElementById("query");
  var code = document.getElementById("highlight");
  var select = document.getElementById("examples");
  var status = document.getElementById("status");
  var errorBox = document.getElementById("error");
  var share = document.getElementById("share");
  var results = document.getElementById("results");
  var downloads = document.getElementById("downloads");
  var PAGE = 100;
  var RESULT_FORMATS = [["csv", "CSV"], ["json", "JSON"], ["tsv", "TSV"], ["xml", "XML"]];
  var GRAPH_FORMATS = [["turtle", "Turtle"], ["jsonld", "JSON-LD"], ["ntriples", "N-Triples"], ["rdfxml", "RDF/XML"]];
  var EXT = { json: "srj", xml: "srx", csv: "csv", tsv: "tsv", turtle: "ttl", jsonld: "jsonld", ntriples: "nt", rdfxml: "rdf" };
  var KEYWORDS = ("SELECT CONSTRUCT DESCRIBE ASK WHERE PREFIX BASE FROM NAMED GRAPH OPTIONAL UNION MINUS FILTER BIND " +
    "VALUES SERVICE SILENT DISTINCT REDUCED ORDER BY ASC DESC LIMIT OFFSET GROUP HAVING AS NOT IN EXISTS A " +
    "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE " +
    "RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE " +
    "STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 " +
    "COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE TRUE FALSE " +
    "UNDEF").split(" ");
  var KW = {};
  KEYWORDS.forEach(function (k) { KW[k] = true; });

  function say(key, values) {
    var s = words[key] || key;
    Object.keys(values || {}).forEach(function (k) { s = s.split("{" + k + "}").join(values[k]); });
    return s;
  }
  function el(tag, attrs, textContent) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (textContent !== undefined) e.textContent = textContent;
    return e;
  }

  // -- the editor ---------------------------------------------------------------------------
  var TOKEN = new RegExp([
    "(#[^\\n]*)",                                           // 1 comment
    "(<[^<>\"{}|^`\\\\\\s]*>)",                             // 2 IRI
    "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", // 3 string
    "([?$][A-Za-z0-9_\\u00C0-\\uFFFF]+)",                   // 4 variable
    "([A-Za-z][\\w\\-.\\u00C0-\\uFFFF]*)?:((?:[\\w\\-\\u00C0-\\uFFFF%]|\\.(?=[\\w\\-]))*)", // 5 prefix, 6 local name
    "(@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",                       // 7 language tag
    "([0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)",           // 8 number
    "([A-Za-z_][A-Za-z_0-9]*)"                              // 9 word
  ].join("|"), "g");

  function tokens(src) {
    var out = [];
    var m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(src)) !== null) {
      var t = { start: m.index, end: m.index + m[0].length, text: m[0] };
      if (m[1]) t.kind = "comment";
      else if (m[2]) t.kind = "iri";
      else if (m[3]) t.kind = "str";
      else if (m[4]) t.kind = "var";
      else if (m[6] !== undefined && m[0].indexOf(":") >= 0) { t.kind = "pname"; t.prefix = m[5] || ""; }
      else if (m[7]) t.kind = "lang";
      else if (m[8]) t.kind = "num";
      else if (m[9]) t.kind = KW[m[9].toUpperCase()] ? "kw" : "word";
      else t.kind = "other";
      out.push(t);
      if (m[0].length === 0) TOKEN.lastIndex++;
    }
    return out;
  }
  function declared(src) {
    var out = {};
    var re = /PREFIX\s+([A-Za-z][\w\-.]*)?:\s*<[^>]*>/gi;
    var m;
    while ((m = re.exec(src)) !== null) out[m[1] || ""] = true;
    return out;
  }
  var errorAt = null; // [start, end] of the text a syntax error points at
  function highlight() {
    var src = text.value;
    var decl = declared(src);
    code.textContent = "";
    var pos = 0;
    tokens(src).forEach(function (t) {
      if (t.start > pos) code.appendChild(document.createTextNode(src.slice(pos, t.start)));
      var cls = { comment: "hl-comment", iri: "hl-iri", str: "hl-str", "var": "hl-var", pname: "hl-pname",
                  lang: "hl-str", num: "hl-num", kw: "hl-kw" }[t.kind];
      var unknown = t.kind === "pname" && !decl[t.prefix] && !/PREFIX\s*$/i.test(src.slice(Math.max(0, t.start - 12), t.start));
      var wrong = errorAt && t.start < errorAt[1] && errorAt[0] < t.end;
      if (unknown || wrong) cls = (cls ? cls + " " : "") + "hl-error";
      var span = el("span", cls ? { "class": cls } : {}, t.text);
      if (unknown) span.setAttribute("title", say("unknown-prefix", { p: t.prefix }));
      code.appendChild(span);
      pos = t.end;
    });
    if (pos < src.length) code.appendChild(document.createTextNode(src.slice(pos)));
    if (errorAt && errorAt[0] >= src.length) code.appendChild(el("span", { "class": "hl-error-point" }, " "));
    code.appendChild(document.createTextNode("\n"));
    syncScroll();
  }
  function syncScroll() {
    code.parentNode.scrollTop = text.scrollTop;
    code.parentNode.scrollLeft = text.scrollLeft;
  }
  // The project's prefixes, declared as soon as the query uses one it does not declare.
  function addPrefixes() {
    var src = text.value;
    var decl = declared(src);
    var missing = [];
    tokens(src).forEach(function (t) {
      if (t.kind === "pname" && !decl[t.prefix] && cfg.prefixes[t.prefix] && missing.indexOf(t.prefix) < 0
          && !/PREFIX\s*$/i.test(src.slice(Math.max(0, t.start - 12), t.start))) missing.push(t.prefix);
    });
    if (!missing.length) return [];
    var lines = missing.map(function (p) { return "PREFIX " + p + ": <" + cfg.prefixes[p] + ">\n"; }).join("");
    // after the PREFIX and BASE lines the query has, else at the top
    var at = 0;
    var re = /^[ \t]*(?:PREFIX\s+[^\n]*|BASE\s+[^\n]*|#[^\n]*)?\n/gim;
    var m;
    while ((m = re.exec(src)) !== null && m.index === at) {
      if (!/^\s*(PREFIX|BASE)/i.test(m[0])) break;
      at = m.index + m[0].length;
    }
    var caret = text.selectionStart, caretEnd = text.selectionEnd;
    text.value = src.slice(0, at) + lines + src.slice(at);
    if (caret >= at) { text.selectionStart = caret + lines.length; text.selectionEnd = caretEnd + lines.length; }
    return missing;
  }
  function edited(ev) {
    errorAt = null;
    if (ev && ev.data === ":") {
      var added = addPrefixes();
      if (added.length) {
        status.className = "";
        status.textContent = added.map(function (p) { return say("prefix-added", { p: p }); }).join(" · ");
      }
    }
    highlight();
  }
  text.addEventListener("input", edited);
  text.addEventListener("scroll", syncScroll);
  text.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); run(); }
    if (ev.key === "Tab" && !ev.shiftKey && !ev.ctrlKey && !ev.altKey) {
      ev.preventDefault();
      var s = text.selectionStart;
      text.value = text.value.slice(0, s) + "  " + text.value.slice(text.selectionEnd);
      text.selectionStart = text.selectionEnd = s + 2;
      highlight();
    }
  });

  // -- errors -------------------------------------------------------------------------------
  function offsetOf(src, line, col) {
    var lines = src.split("\n");
    var off = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) off += lines[i].length + 1;
    return Math.min(off + Math.max(col - 1, 0), src.length);
  }
  function showError(message) {
    // (the engine says "syntax error at line 2, column 17 …"; Oxigraph's own "error at 2:17: …")
    var m = /error at (\d+):(\d+)/.exec(message) || /error at line (\d+), column (\d+)/.exec(message);
    var detail = message.replace(/^malformed query:\s*/, "");
    errorBox.textContent = "";
    errorBox.appendChild(el("strong", {}, say("query-error")));
    if (m) {
      var line = Number(m[1]), col = Number(m[2]);
      var at = offsetOf(text.value, line, col);
      var toks = tokens(text.value);
      // the token the parser stopped in, or the one it had just read
      var tok = toks.filter(function (t) { return t.start <= at && at < t.end; })[0] ||
                toks.filter(function (t) { return t.start < at && at <= t.end; })[0];
      if (/Prefix not found/.test(message)) {
        var decl = declared(text.value);
        var undeclared = toks.filter(function (t) { return t.kind === "pname" && !decl[t.prefix] && t.start < at + 1; });
        if (undeclared.length) tok = undeclared[undeclared.length - 1];
      }
      errorAt = tok ? [tok.start, tok.end] : [at, at + 1];
      errorBox.appendChild(document.createTextNode(" (" + say("error-at", { l: line, c: col }) + ")"));
      if (/Prefix not found/.test(message) && tok && tok.kind === "pname") {
        detail = say("unknown-prefix", { p: tok.prefix });
      } else {
        detail = detail.replace(/^error at \d+:\d+:\s*/, "").replace(/^syntax error at line \d+, column \d+\s*/, "");
        if (detail.length > 300) detail = detail.slice(0, 300) + "…";
      }
      highlight();
    }
    errorBox.appendChild(document.createTextNode(": " + detail));
    errorBox.hidden = false;
  }

  // -- results ------------------------------------------------------------------------------
  function localHref(iri) {
    var base = cfg.base || "";
    if (base && iri.indexOf(base) === 0) {
      var rest = iri.slice(base.length);
      if (/^(id|graph)\//.test(rest)) return (cfg.root || "") + "/" + rest;
    }
    return (cfg.root || "") + "/resource?iri=" + encodeURIComponent(iri);
  }
  function shortIri(iri) {
    var base = cfg.base || "";
    if (base && iri.indexOf(base) === 0) return iri.slice(base.length);
    var best = null;
    Object.keys(cfg.prefixes || {}).forEach(function (p) {
      var ns = cfg.prefixes[p];
      if (iri.indexOf(ns) === 0 && (!best || ns.length > cfg.prefixes[best].length)) best = p;
    });
    return best ? best + ":" + iri.slice(cfg.prefixes[best].length) : iri;
  }
  var labels = {};
  function fetchLabels(iris) {
    var want = iris.filter(function (i) { return !(i in labels); }).slice(0, 400);
    if (!want.length) return Promise.resolve();
    want.forEach(function (i) { labels[i] = null; });
    var q = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" +
      "SELECT ?s ?l WHERE { VALUES ?s { " + want.map(function (i) { return "<" + i + ">"; }).join(" ") +
      " } ?s skos:prefLabel|rdfs:label ?l }";
    return fetch(cfg.endpoint, {
      method: "POST",
      headers: { "Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: q }).toString()
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) return;
      var rank = function (l) { return l === cfg.lang ? 0 : (l === "en" ? 1 : 2); };
      var best = {};
      data.results.bindings.forEach(function (b) {
        var s = b.s.value, l = b.l["xml:lang"] || "";
        if (!(s in best) || rank(l) < best[s][1] || (rank(l) === best[s][1] && b.l.value.length < best[s][0].length)) {
          best[s] = [b.l.value, rank(l), l];
        }
      });
      Object.keys(best).forEach(function (s) { labels[s] = best[s]; });
    }).catch(function () {});
  }
  function cell(term) {
    var td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      td.appendChild(el("a", { href: localHref(term.value), title: term.value, "class": "iri" }, shortIri(term.value)));
      var lab = labels[term.value];
      if (lab) td.appendChild(el("span", lab[2] ? { "class": "label", lang: lab[2] } : { "class": "label" }, lab[0]));
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.appendChild(el("span", term["xml:lang"] ? { lang: term["xml:lang"] } : {}, term.value));
      if (term["xml:lang"]) td.appendChild(el("small", { "class": "tag" }, term["xml:lang"]));
      else if (term.datatype && !/#(string|integer|decimal)$/.test(term.datatype)) {
        td.appendChild(el("small", { "class": "tag" }, shortIri(term.datatype)));
      }
    }
    return td;
  }
  function sortValue(term) {
    if (!term) return [2, ""];
    if (term.type === "literal" && term.datatype && /#(integer|decimal|double|float|nonNegativeInteger|int|long)$/.test(term.datatype)) {
      return [0, Number(term.value)];
    }
    return [1, (labels[term.value] && labels[term.value][0]) || term.value];
  }
  function compare(a, b) {
    if (a[0] !== b[0]) return a[0] - b[0];
    if (a[0] === 0) return a[1] - b[1];
    return String(a[1]).localeCompare(String(b[1]), cfg.lang || undefined, { numeric: true });
  }
  function ResultTable(data) {
    this.vars = data.head.vars || [];
    this.rows = data.results.bindings;
    this.page = 0;
    this.sortBy = null;
    this.desc = false;
    var long = {};
    var self = this;
    this.vars.forEach(function (v) {
      var total = 0, n = 0;
      self.rows.slice(0, 200).forEach(function (b) { if (b[v]) { total += b[v].value.length; n++; } });
      long[v] = n && total / n > 40;
    });
    this.long = long;
  }
  ResultTable.prototype.render = function () {
    var self = this;
    var box = el("div");
    var pages = Math.max(1, Math.ceil(this.rows.length / PAGE));
    var t = el("table", { "class": "sparql-results" });
    var tr = el("tr");
    this.vars.forEach(function (v) {
      var th = el("th", { scope: "col", title: say("sort-hint") }, "?" + v);
      if (self.sortBy === v) th.setAttribute("aria-sort", self.desc ? "descending" : "ascending");
      th.addEventListener("click", function () {
        if (self.sortBy === v) self.desc = !self.desc; else { self.sortBy = v; self.desc = false; }
        self.rows.sort(function (a, b) { var c = compare(sortValue(a[v]), sortValue(b[v])); return self.desc ? -c : c; });
        self.page = 0;
        self.show();
      });
      tr.appendChild(th);
    });
    t.appendChild(el("thead")).appendChild(tr);
    var body = el("tbody");
    this.rows.slice(this.page * PAGE, (this.page + 1) * PAGE).forEach(function (b) {
      var row = el("tr");
      self.vars.forEach(function (v) {
        var td = cell(b[v]);
        if (self.long[v]) td.className = "long";
        row.appendChild(td);
      });
      body.appendChild(row);
    });
    t.appendChild(body);
    var wrap = el("div", { "class": "table-wrap" });
    wrap.appendChild(t);
    if (pages > 1) box.appendChild(this.pager(pages));
    box.appendChild(wrap);
    if (pages > 1) box.appendChild(this.pager(pages));
    return box;
  };
  ResultTable.prototype.pager = function (pages) {
    var self = this;
    var p = el("div", { "class": "pager" });
    var prev = el("button", { type: "button", "class": "prev" }, "← " + say("previous"));
    var next = el("button", { type: "button", "class": "next" }, say("next") + " →");
    prev.disabled = this.page === 0;
    next.disabled = this.page >= pages - 1;
    prev.addEventListener("click", function () { self.page--; self.show(); });
    next.addEventListener("click", function () { self.page++; self.show(); });
    p.appendChild(prev);
    p.appendChild(el("span", {}, say("page-of", { p: this.page + 1, n: pages })));
    p.appendChild(next);
    return p;
  };
  ResultTable.prototype.show = function () {
    var self = this;
    var iris = [];
    this.rows.slice(this.page * PAGE, (this.page + 1) * PAGE).forEach(function (b) {
      self.vars.forEach(function (v) { if (b[v] && b[v].type === "uri" && iris.indexOf(b[v].value) < 0) iris.push(b[v].value); });
    });
    results.textContent = "";
    results.appendChild(this.render());
    fetchLabels(iris).then(function () { results.textContent = ""; results.appendChild(self.render()); });
  };

  function showDownloads(query, kind) {
    downloads.textContent = "";
    downloads.appendChild(document.createTextNode(say("download") + ": "));
    (kind === "graph" ? GRAPH_FORMATS : RESULT_FORMATS).forEach(function (f) {
      var url = cfg.endpoint + "?" + new URLSearchParams({ query: query, format: f[0] }).toString();
      downloads.appendChild(el("a", { href: url, download: "results." + EXT[f[0]], "data-format": f[0] }, f[1]));
    });
    downloads.hidden = false;
  }
  function shareLink(query) {
    var params = { query: query };
    if (cfg.lang) params.lang = cfg.lang;
    return (cfg.root || "") + "/query?" + new URLSearchParams(params).toString();
  }
  function run() {
    var added = addPrefixes();
    errorAt = null;
    highlight();
    var query = text.value;
    status.textContent = say("running");
    status.className = "";
    if (added.length) status.textContent += " " + added.map(function (p) { return say("prefix-added", { p: p }); }).join(" · ");
    // what the last query left goes now: its table, its downloads, its link
    results.textContent = "";
    downloads.textContent = "";
    downloads.hidden = true;
    errorBox.hidden = true;
    share.hidden = true;
    var started = performance.now();
    fetch(cfg.endpoint, {
      method: "POST",
      headers: { "Accept": "application/sparql-results+json, text/turtle;q=0.9",
                 "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: query }).toString()
    }).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      return r.text().then(function (body) { return { ok: r.ok, status: r.status, type: type, body: body }; });
    }).then(function (res) {
      var secs = ((performance.now() - started) / 1000).toFixed(2) + " s";
      if (!res.ok) {
        status.textContent = res.status + " · " + secs;
        status.className = "error";
        showError(res.body.trim());
        return;
      }
      if (res.type.indexOf("json") >= 0) {
        var data = JSON.parse(res.body);
        if (typeof data.boolean === "boolean") {
          results.appendChild(el("p", { "class": "boolean" }, "ASK: " + data.boolean));
          status.textContent = secs;
        } else {
          new ResultTable(data).show();
          status.textContent = data.results.bindings.length + " " + say("rows") + " · " + secs;
        }
        showDownloads(query, "results");
      } else {
        results.appendChild(el("pre", {}, res.body));
        status.textContent = secs;
        showDownloads(query, "graph");
      }
      var link = shareLink(query);
      share.href = link;
      share.hidden = false;
      if (link.length < 8000) history.replaceState(null, "", link);
    }).catch(function (err) {
      status.textContent = String(err);
      status.className = "error";
    });
  }
  if (select) {
    select.addEventListener("change", function () {
      var ex = examples[Number(select.value)];
      if (ex) { text.value = ex.query; errorAt = null; highlight(); }
    });
  }
  form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
  highlight();
  if (cfg.autorun) run();
})();
