// The query page: runs the query through this server's own SPARQL endpoint (fetch,
// asking for SPARQL JSON, or Turtle for CONSTRUCT/DESCRIBE) and draws the results as a
// table whose IRIs link to the entity pages. Every value is set as text, never as HTML.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("query-config").textContent);
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var form = document.getElementById("query-form");
  var text = document.getElementById("query");
  var select = document.getElementById("examples");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var downloads = document.getElementById("downloads");
  var RESULT_FORMATS = [["json", "SPARQL JSON"], ["xml", "SPARQL XML"], ["csv", "CSV"], ["tsv", "TSV"]];
  var GRAPH_FORMATS = [["turtle", "Turtle"], ["jsonld", "JSON-LD"], ["ntriples", "N-Triples"], ["rdfxml", "RDF/XML"]];
  var EXT = { json: "srj", xml: "srx", csv: "csv", tsv: "tsv", turtle: "ttl", jsonld: "jsonld", ntriples: "nt", rdfxml: "rdf" };

  function el(tag, attrs, textContent) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (textContent !== undefined) e.textContent = textContent;
    return e;
  }
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
  function cell(term) {
    var td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      td.appendChild(el("a", { href: localHref(term.value), title: term.value, "class": "iri" }, shortIri(term.value)));
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      var span = el("span", term["xml:lang"] ? { lang: term["xml:lang"] } : {}, term.value);
      td.appendChild(span);
      if (term["xml:lang"]) td.appendChild(el("small", { "class": "tag" }, term["xml:lang"]));
      else if (term.datatype && !/#string$/.test(term.datatype)) td.appendChild(el("small", { "class": "tag" }, shortIri(term.datatype)));
    }
    return td;
  }
  function showDownloads(query, kind) {
    downloads.textContent = "";
    downloads.appendChild(document.createTextNode((cfg.download || "Download") + ": "));
    (kind === "graph" ? GRAPH_FORMATS : RESULT_FORMATS).forEach(function (f) {
      var url = cfg.endpoint + "?" + new URLSearchParams({ query: query, format: f[0] }).toString();
      downloads.appendChild(el("a", { href: url, download: "results." + EXT[f[0]], "data-format": f[0] }, f[1]));
    });
    downloads.hidden = false;
  }
  function table(data) {
    if (typeof data.boolean === "boolean") return el("p", { "class": "boolean" }, "ASK: " + data.boolean);
    var vars = data.head.vars || [];
    var t = el("table", { "class": "sparql-results" });
    var tr = el("tr");
    vars.forEach(function (v) { tr.appendChild(el("th", {}, "?" + v)); });
    t.appendChild(el("thead")).appendChild(tr);
    var body = el("tbody");
    data.results.bindings.forEach(function (b) {
      var row = el("tr");
      vars.forEach(function (v) { row.appendChild(cell(b[v])); });
      body.appendChild(row);
    });
    t.appendChild(body);
    return t;
  }
  function run() {
    var query = text.value;
    status.textContent = "…";
    status.className = "";
    results.textContent = "";
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
        status.textContent = res.status + ": " + res.body;
        status.className = "error";
        return;
      }
      if (res.type.indexOf("json") >= 0) {
        var data = JSON.parse(res.body);
        results.appendChild(table(data));
        var n = data.results ? data.results.bindings.length : 1;
        status.textContent = n + " " + (cfg.rows || "rows") + " · " + secs;
        showDownloads(query, "results");
      } else {
        results.appendChild(el("pre", {}, res.body));
        status.textContent = secs;
        showDownloads(query, "graph");
      }
      var permalink = (cfg.root || "") + "/query?" + new URLSearchParams({ query: query }).toString();
      if (permalink.length < 8000) history.replaceState(null, "", permalink);
    }).catch(function (err) {
      status.textContent = String(err);
      status.className = "error";
    });
  }
  if (select) {
    select.addEventListener("change", function () {
      var ex = examples[Number(select.value)];
      if (ex) text.value = ex.query;
    });
  }
  form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
  if (cfg.autorun) run();
})();
