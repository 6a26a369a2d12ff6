"""The ``kg`` command line: build, serve, query, export, validate."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from pathlib import Path

import click

from .config import load_settings, public_base_problem
from .ingest import KINDS as DOCUMENT_KINDS


def _settings(ctx: click.Context):
    return ctx.obj["settings"]


@click.group()
@click.option("--base-iri", envvar="KG_BASE_IRI", help="Base of every minted IRI.")
@click.option("--var", "var_dir", type=click.Path(path_type=Path), envvar="KG_VAR", help="Where stores are kept.")
@click.option("--sources", "sources_dir", type=click.Path(path_type=Path), envvar="KG_SOURCES", help="Directory of source documents.")
@click.version_option(package_name="humanitarian-kg")
@click.pass_context
def main(ctx: click.Context, base_iri, var_dir, sources_dir) -> None:
    """Knowledge graph of humanitarian organisations, built from documents."""
    ctx.ensure_object(dict)
    ctx.obj["settings"] = load_settings(base_iri=base_iri, var_dir=var_dir, sources_dir=sources_dir)


class ProgressBars:
    """A progress bar (tqdm, on standard error) for each long step of a build: one line per
    step, closed when the step is done. Steps may be told from several threads (the
    documents' validations are fed by one while the build goes on)."""

    def __init__(self) -> None:
        self.bars: dict[str, object] = {}
        self._lock = threading.Lock()

    def __call__(self, step: str, done: int, total: int) -> None:
        with self._lock:
            self._show(step, done, total)

    def _show(self, step: str, done: int, total: int) -> None:
        from tqdm import tqdm

        bar = self.bars.get(step)
        if bar is None:
            for other in self.bars.values():
                other.close()
            bar = self.bars[step] = tqdm(total=total, desc=step, unit="", file=sys.stderr, leave=True,
                                         dynamic_ncols=True, mininterval=0.5)
        bar.n = done
        bar.refresh() if done >= total else bar.update(0)
        if done >= total:
            bar.close()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def run_build(settings, echo=click.echo, scheduler: str | None = None, may_skip=False, before_publish=None):
    """Build and publish, one build at a time (kg.transaction.build_lock)."""
    from .parallel import SchedulerUnavailable
    from .pipeline import BuildFailed, build
    from .sources import SourceError
    from .lexicon import LexiconError
    from .transaction import build_lock

    started = time.perf_counter()
    bars = ProgressBars()
    try:
        with build_lock(settings, report=lambda message: echo(message, err=True)):
            result = build(settings, progress=bars, scheduler=scheduler, may_skip=may_skip,
                           before_publish=before_publish)
    except SourceError as exc:
        raise click.ClickException(f"build stopped, nothing published: {exc.path}: {exc.problem}")
    except LexiconError as exc:
        raise click.ClickException(f"build stopped, nothing published: {exc}")
    except SchedulerUnavailable as exc:
        raise click.ClickException(f"build stopped, nothing published: {exc}")
    except BuildFailed as exc:
        if exc.report is not None:
            echo(exc.report.text(), err=True)
        raise click.ClickException(f"build stopped, nothing published: {exc}")
    finally:
        bars.close()
    if result.unchanged:
        echo(f"nothing changed since the published build ({len(result.stats)} documents, {result.quads} quads): "
             f"it stays; store {result.store_path}")
        return result
    if len(result.stats) <= 50:
        echo(f"{'document':32} {'lang':4} {'mentions':>8} {'claims':>7} {'triples':>8}")
        for s in result.stats:
            echo(f"{s.doc_id:32} {s.language:4} {s.mentions:8d} {s.claims:7d} {s.triples:8d}")
    warnings = len(result.report.warnings) if result.report else 0
    echo(
        f"{len(result.stats)} documents ({result.extracted} extracted, the others unchanged), {result.quads} quads; SHACL: conforms"
        f" ({warnings} warning(s), {result.report.unattached_summary()}); OWL: {result.report.reasoner};"
        f" store {result.store_path}"
    )
    for name, why in sorted(result.skipped.items()):
        echo(f"left out {name}: {why}", err=True)
    echo(f"built in {time.perf_counter() - started:.1f} s ("
         + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items() if k != "total") + ")")
    return result


@main.command()
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes that extract and validate documents [default: one per core; env KG_BUILD_JOBS].")
@click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
              help="Run the per-document work on the Dask cluster of this scheduler instead; its workers need "
                   "this project installed, and its data at the same paths.")
@click.option("--keep-going", "-k", is_flag=True,
              help="Leave out a document that fails on its own (its extraction raises, or its graph violates a "
                   "shape on a node no other document describes), say so, and build the rest.")
@click.pass_context
def build(ctx: click.Context, jobs: int | None, scheduler: str | None, keep_going: bool) -> None:
    """Sources -> graph -> validation -> store. Each document's extraction and validation is
    kept (var/cache), keyed by its content and the pipeline's version: a rebuild redoes only
    what changed."""
    run_build(_settings(ctx).with_overrides(build_jobs=jobs), scheduler=scheduler, may_skip=keep_going)


def _graph_file(ctx, param, values):
    out = []
    for value in values:
        iri, sep, file = value.partition("=")
        if not sep or not iri or not file:
            raise click.BadParameter(f"{value!r}: use IRI=FILE")
        path = Path(file)
        if not path.is_file():
            raise click.BadParameter(f"{file}: no such file")
        out.append((iri, path))
    return out


def _public_base(value: str | None) -> str | None:
    problem = public_base_problem(value) if value is not None else None
    if problem:
        raise click.BadParameter(problem)
    return value


def _in_child(work) -> None:
    """Run ``work`` in a forked child process and wait for it; exit as it did if it failed
    (it has said why). ``kg serve`` builds and copies stores so: RocksDB (a store open for
    writing) and the reasoner start threads, which a fork would not carry over, and the
    HTTP processes are forked from this process later (kg.web.server)."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            work()
        except click.ClickException as exc:
            exc.show()
            code = exc.exit_code
        except BaseException:  # noqa: BLE001 - reported here, the parent exits with it
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    if code != 0:
        sys.exit(code if code > 0 else 1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--http-workers", type=click.IntRange(1, 64), default=None,
              help="HTTP processes [default: one per two cores, 2 to 8].")
@click.option("--threads", default=None, type=click.IntRange(1, 64),
              help="Request threads in each HTTP process [default: one more than --workers; more threads "
                   "contend for Python's interpreter lock].")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Query worker processes in each HTTP process: queries that may run long, at once [default: 2].")
@click.option("--fast-lane-ms", type=click.FloatRange(min=0), default=None,
              help="Repeatable queries that ran within this many ms run in the HTTP process next time "
                   "[default: 50; 0: off].")
@click.option("--query-timeout", type=float, default=None, help="Seconds a query may run before it is stopped [default: 30].")
@click.option("--max-results", type=int, default=None, help="Rows or triples in one result before it is cut [default: 10000].")
@click.option("--max-result-bytes", type=click.IntRange(min=1), default=None,
              help="Bytes of one result before it is cut [default: 16000000].")
@click.option("--max-request-bytes", type=int, default=None, help="Largest request body; larger gets 413 [default: 1000000].")
@click.option("--client-timeout", type=click.FloatRange(min=0.1), default=None,
              help="Seconds a client has to send a request's headers, and then its body; slower clients "
                   "get 408 and are dropped [default: 20].")
@click.option("--public-base", callback=lambda ctx, param, value: _public_base(value), default=None,
              help="The URL clients reach this server at, for the URLs it gives of itself (redirects, the "
                   "service description) [default: the IRI base; env KG_PUBLIC_BASE].")
@click.option("--worker-memory", type=int, default=None, help="MB of memory one query worker may use [default: 4096; 0: no limit].")
@click.option("--allow-service", multiple=True, help="A SERVICE endpoint queries may call (repeatable; default: none).")
@click.option("--graph", "graphs", multiple=True, callback=_graph_file, metavar="IRI=FILE",
              help="Serve FILE in the named graph IRI (repeatable).")
@click.argument("rdf_files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, http_workers, threads: int, workers, fast_lane_ms,
          query_timeout, max_results, max_result_bytes, max_request_bytes, client_timeout, public_base,
          worker_memory, allow_service, graphs, rdf_files: tuple[Path, ...]) -> None:
    """Serve the graph over HTTP (builds first if there is no store); extra RDF files in their own graphs."""
    import logging

    from . import store as store_mod
    from .web.server import PortInUse, ServerFailed, default_http_workers, listen
    from .web.server import serve as serve_http

    settings = _settings(ctx).with_overrides(
        query_timeout_s=query_timeout, max_results=max_results, max_result_bytes=max_result_bytes,
        max_request_bytes=max_request_bytes, client_timeout_s=client_timeout, public_base=public_base,
        query_workers=workers, worker_memory_mb=worker_memory, fast_lane_ms=fast_lane_ms,
        service_allow=tuple(allow_service) or None)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    problem = public_base_problem(settings.public_root)  # (KG_PUBLIC_BASE, KG_BASE_IRI)
    if problem:
        raise click.ClickException(f"the public base: {problem}")
    try:
        listener = listen(host, port)
    except PortInUse as exc:
        raise click.ClickException(str(exc))
    except OSError as exc:
        raise click.ClickException(f"cannot serve on {host}:{port}: {exc.strerror or exc}")
    ctx.call_on_close(listener.close)
    port = listener.getsockname()[1]  # (port 0: the one the kernel chose)
    if not settings.store_link.exists():
        click.echo("no store yet: building first", err=True)
        _in_child(lambda: run_build(settings))
    store_path = None
    if rdf_files or graphs:
        store_path = settings.var / "serve" / f"serve-{os.getpid()}"

        def copy() -> None:
            try:
                store_mod.serving_copy(settings, list(rdf_files), list(graphs), store_path)
            except store_mod.RdfFileError as exc:
                raise click.ClickException(str(exc))

        _in_child(copy)
        click.echo(f"serving {len(rdf_files) + len(graphs)} extra file(s) in their own named graphs", err=True)
    http_workers = http_workers or default_http_workers()
    threads = threads or settings.query_workers + 1
    click.echo(f"serving on http://{host}:{port}/ (SPARQL at /sparql): {http_workers} HTTP processes, "
               f"query timeout {settings.query_timeout_s:g} s", err=True)
    try:
        serve_http(settings, listener, http_workers, threads, store_path)
    except ServerFailed as exc:
        raise click.ClickException(f"the server ended: {exc}")
    finally:
        if store_path is not None:
            shutil.rmtree(store_path, ignore_errors=True)


QUERY_FILE_SUFFIXES = (".rq", ".sparql")


def _query_text(query: str | None, query_file: Path | None) -> str:
    """The text of the query: from ``-f FILE``, from QUERY when it names a file, else QUERY
    itself. Every problem is a one-line error."""
    if query is not None and query_file is not None:
        raise click.ClickException("give the query either as text or with -f FILE, not both")
    if query_file is None and query is not None:
        try:
            names_file = Path(query).is_file()
        except (OSError, ValueError):  # too long for a file name, or a NUL: the query itself
            names_file = False
        if names_file:
            query_file = Path(query)
        elif query.strip().lower().endswith(QUERY_FILE_SUFFIXES) and "{" not in query:
            raise click.ClickException(f"no such query file: {query}")
    if query_file is not None:
        try:
            return query_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise click.ClickException(f"no such query file: {query_file}") from None
        except UnicodeDecodeError:
            raise click.ClickException(f"{query_file}: not a UTF-8 text file") from None
        except OSError as exc:
            raise click.ClickException(f"{query_file}: cannot be read: {exc.strerror or exc}") from None
    if query is None or not query.strip():
        raise click.ClickException("no query: give its text, a .rq file, or -f FILE")
    return query


@main.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Read the query from FILE.")
@click.option("--format", "fmt", default=None,
              help="table|json|xml|csv|tsv (SELECT/ASK) or turtle|jsonld|ntriples|rdfxml|trig|nquads "
                   "(CONSTRUCT/DESCRIBE) [default: a table on a terminal, else json or turtle].")
@click.pass_context
def query(ctx: click.Context, query: str | None, query_file: Path | None, fmt: str | None) -> None:
    """Run a SPARQL query on the store, without a server.

    QUERY is the query's text or a file holding it. The project's prefixes (kg:, skos:,
    org:, oa: ...) may be used without declaring them."""
    import signal

    from . import store as store_mod
    from .namespaces import PREFIXES
    from .sparql import renderers, table
    from .sparql.engine import QueryError, execute, plan

    text = _query_text(query, query_file)
    settings = _settings(ctx)
    as_table = fmt == "table" or (fmt is None and sys.stdout.isatty())
    results_format = "json" if as_table or fmt is None else fmt
    graph_format = "turtle" if as_table or fmt is None else fmt
    for kind, name in (("results", results_format), ("graph", graph_format)):
        if renderers.lookup(kind, name) is None and renderers.lookup("results" if kind == "graph" else "graph",
                                                                     name) is None:
            raise click.ClickException(f"unknown format {name!r}; choose table or one of "
                                       + ", ".join(f.name for f in renderers.formats("results") + renderers.formats("graph")))
    try:
        job = plan(text, base_iri=None, results_format=results_format if renderers.lookup("results", results_format) else None,
                   graph_format=graph_format if renderers.lookup("graph", graph_format) else None,
                   max_results=sys.maxsize, max_bytes=sys.maxsize, prefixes=PREFIXES,
                   default_prefixes=PREFIXES, max_depth=settings.max_query_depth)
    except QueryError as exc:
        message = str(exc)
        if exc.status == 406:
            kind = "SELECT/ASK" if job_kind(text) == "results" else "CONSTRUCT/DESCRIBE"
            message = (f"format {fmt!r} cannot carry the result of a {kind} query; choose one of "
                       + ", ".join(f.name for f in renderers.formats("results" if kind == "SELECT/ASK" else "graph")))
        raise click.ClickException(message)
    try:
        store = store_mod.open_store(settings)
    except store_mod.StoreMissing as exc:
        raise click.ClickException(str(exc))
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends a long query at once (nothing to undo)
    answer = execute(store, job)
    if answer.status != 200:
        raise click.ClickException(" ".join(answer.body.decode("utf-8", "replace").split()))
    if as_table and answer.kind == "results":
        out = table.render(answer.body, PREFIXES, width=shutil.get_terminal_size().columns,
                           base=settings.base_iri).encode("utf-8")
    else:
        out = answer.body
    sys.stdout.buffer.write(out)
    if not out.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")


def job_kind(text: str) -> str | None:
    from .sparql.analysis import analyse

    return analyse(text).kind


@main.command()
@click.option("--format", "fmt", default="turtle", show_default=True, type=click.Choice(["turtle", "jsonld", "trig", "nquads"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: standard output).")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """Export the whole graph."""
    from . import store as store_mod

    try:
        data = store_mod.export(store_mod.open_store(_settings(ctx)), fmt)
    except store_mod.StoreMissing as exc:
        raise click.ClickException(str(exc))
    if output:
        output.write_bytes(data)
        click.echo(f"wrote {len(data)} bytes to {output}", err=True)
    else:
        sys.stdout.buffer.write(data)


@main.command()
@click.argument("rdf_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the SHACL validation report (Turtle).")
@click.option("--no-reasoner", is_flag=True, help="Skip the OWL consistency check.")
@click.pass_context
def validate(ctx: click.Context, rdf_file: Path | None, report_file: Path | None, no_reasoner: bool) -> None:
    """SHACL and OWL consistency on the store or on RDF_FILE; exit 0 only when it conforms."""
    from . import store as store_mod
    from .ontology import load_ontology
    from .validate import InconsistentGraph, ReasonerFailed, load_shapes, owl_check, shacl_validate

    settings = _settings(ctx)
    try:
        data = store_mod.load_data_graph(settings, rdf_file)
    except (store_mod.StoreMissing, store_mod.RdfFileError) as exc:
        raise click.ClickException(str(exc))
    ontology = load_ontology(settings.ontology_dir)
    report = shacl_validate(data, load_shapes(settings.shapes_dir), ontology)
    if not no_reasoner:
        try:
            secs, n = owl_check(data, ontology)
            report.reasoner = f"consistent ({n} individuals, HermiT, {secs:.1f} s)"
        except InconsistentGraph as exc:
            report.reasoner = f"INCONSISTENT: {exc}"
            report.conforms = False
        except ReasonerFailed as exc:
            report.reasoner = f"FAILED: {exc}"
            report.conforms = False
    click.echo(report.text())
    if report_file and report.report_graph is not None:
        report.report_graph.serialize(report_file, format="turtle")
        click.echo(f"report written to {report_file}")
    sys.exit(0 if report.conforms else 1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--lang", default=None, help="Language of the documents: en, ru or az [default: read from each text].")
@click.option("--title", help="Title (one document only; default: read from its text).")
@click.option("--date", "date_", help="Date as YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--publisher", help="Publisher, as stated.")
@click.option("--kind", default="Article", show_default=True,
              type=click.Choice(list(DOCUMENT_KINDS)))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes that extract and validate documents [default: one per core].")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], lang, title, date_, publisher, kind, jobs) -> None:
    """Add documents (files, or every file in a folder) to the sources and rebuild once.

    A document that cannot go in — not text (a PDF or an office file: convert it first), not
    in a supported language, or failing on its own in the build — is named with the reason
    and left out; the others go in. The sources, metadata and store change together or not
    at all: an interrupted ingest changes nothing."""
    import signal
    import traceback

    from . import transaction
    from .ingest import files_to_ingest, metadata_with, prepare
    from .sources import SourceError

    def interrupt(signum, frame):
        raise KeyboardInterrupt  # a kill (SIGTERM) is undone as Ctrl-C is

    signal.signal(signal.SIGTERM, interrupt)
    settings = _settings(ctx).with_overrides(build_jobs=jobs)
    files = files_to_ingest(list(paths))
    if not files:
        raise click.ClickException("not ingested: " + ", ".join(map(str, paths)) + ": no files")
    if title and len(files) > 1:
        raise click.ClickException(f"--title names one document, and {len(files)} files were given")
    with transaction.build_lock(settings, report=lambda message: click.echo(message, err=True)):
        additions, refused = [], []
        bars = ProgressBars()
        for n, path in enumerate(files, 1):
            try:
                addition = prepare(settings, path, lang, title, date_, publisher, kind,
                                   taken={a.name for a in additions})
            except SourceError as exc:
                refused.append(f"not ingested: {exc.path}: {exc.problem}")
            else:
                additions.append(addition)
                if addition.detected:
                    click.echo(f"{path}: language detected: {addition.detected}", err=True)
                if addition.entry.get("normalised"):
                    click.echo(f"normalised the text of {addition.name} (the corpus keeps this copy): "
                               f"{addition.entry['normalised']}")
            if len(files) > 20:
                bars("checking files", n, len(files))
        bars.close()
        if not additions and len(files) == 1:
            raise click.ClickException(refused[0])
        for line in refused:
            click.echo(line, err=True)
        if not additions:
            raise click.ClickException(f"nothing ingested: none of the {len(files)} files can go in (see above)")
        names = [a.name for a in additions]
        label = names[0] if len(names) == 1 else f"{len(names)} documents"
        click.echo(f"adding {label}; rebuilding")
        left_out: dict[str, str] = {}
        try:
            with transaction.adding(settings, {a.name: a.data for a in additions},
                                    metadata_with(settings, additions)) as under_way:
                def take_out_left_out(result) -> None:
                    left_out.update(result.skipped)
                    under_way.withdraw(sorted(result.skipped))

                run_build(settings, may_skip={n.removesuffix(".txt") for n in names},
                          before_publish=take_out_left_out)
        except click.ClickException:
            raise click.ClickException(f"not ingested: the rebuild with {label} failed (see above); nothing changed")
        except KeyboardInterrupt:
            raise click.ClickException(f"not ingested: {label}: interrupted; nothing changed")
        except Exception:  # noqa: BLE001 - a fault of ours: shown, and undone all the same
            traceback.print_exc()
            raise click.ClickException(f"not ingested: the rebuild with {label} failed (see above); nothing changed")
    added = [n for n in names if n not in left_out]
    if added:
        click.echo(f"added {', '.join(added)}" if len(added) <= 10 else f"added {len(added)} documents")
    if refused or left_out:
        click.echo(f"{len(refused) + len(left_out)} of {len(files)} file(s) not ingested (see above)", err=True)
        if not added:
            sys.exit(1)


@main.command()
@click.argument("endpoint")
@click.option("--authorization", envvar="KG_PUBLISH_AUTHORIZATION", default=None, metavar="VALUE",
              help="An Authorization header to send (e.g. 'Bearer …' or 'Basic …'; env KG_PUBLISH_AUTHORIZATION, "
                   "which keeps it out of the shell's history).")
@click.option("--default-graph", is_flag=True,
              help="Also replace the store's default graph by ours (the union of the documents' graphs and "
                   "the ontology), for stores whose default graph is a graph of its own (Oxigraph, Fuseki, Stardog).")
@click.option("--no-inferred", is_flag=True,
              help="Leave the inferred graph out: for stores whose default graph is the union of all their "
                   "graphs (Virtuoso, GraphDB, Neptune), where entailments would answer queries about what "
                   "documents state.")
@click.option("--all", "everything", is_flag=True, help="Send every graph, changed or not.")
@click.pass_context
def publish(ctx: click.Context, endpoint: str, authorization, default_graph: bool, no_inferred: bool,
            everything: bool) -> None:
    """Send the built graph to a SPARQL 1.1 Graph Store Protocol ENDPOINT (e.g.
    http://host:7878/store for Oxigraph's server, http://host:8890/sparql-graph-crud for
    Virtuoso): each named graph that changed since the last publish there, and a DELETE for
    each graph the build no longer has."""
    from . import store as store_mod
    from .publish import PublishError
    from .publish import publish as send

    settings = _settings(ctx)
    try:
        store = store_mod.open_store(settings)
    except store_mod.StoreMissing as exc:
        raise click.ClickException(str(exc))
    bars = ProgressBars()
    try:
        out = send(settings, store, endpoint, authorization, default_graph=default_graph,
                   inferred=not no_inferred, everything=everything, progress=bars)
    except PublishError as exc:
        raise click.ClickException(f"publish stopped: {exc} (graphs sent before stay sent; run it again to go on)")
    finally:
        bars.close()
    click.echo(f"published to {endpoint}: {len(out.sent)} graph(s) sent ({out.bytes} bytes), "
               f"{len(out.deleted)} deleted, {out.unchanged} unchanged"
               + ("; default graph replaced" if out.default_graph else ""))


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="HTML file to write (default: var/ontology.html).")
@click.pass_context
def docs(ctx: click.Context, output: Path | None) -> None:
    """Write a readable HTML page of the ontology and the activity types."""
    from .ontology_docs import render
    from .ontology import load_ontology

    settings = _settings(ctx)
    output = output or settings.var / "ontology.html"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(load_ontology(settings.ontology_dir)), encoding="utf-8")
    click.echo(f"wrote {output}")


@main.command(name="eval")
@click.option("--corpus", type=click.Choice(["first", "dev", "both"]), default="both", show_default=True,
              help="first: data/sources against tests/gold; dev: tests/corpus/dev against tests/gold/dev.")
@click.option("--details", is_flag=True, help="List every missed and every extra fact.")
@click.pass_context
def eval_(ctx: click.Context, corpus: str, details: bool) -> None:
    """Precision and recall of the extraction against the gold standards.

    Each corpus is extracted afresh into memory (nothing is published); the gold files
    are hand-written and never read by the pipeline."""
    from dataclasses import replace

    from . import evaluate, evaluate_names
    from .pipeline import extract_store
    from .sources import SourceError

    settings = _settings(ctx)
    runs = []
    if corpus in ("first", "both"):
        runs.append(("first corpus (data/sources, gold: tests/gold)", settings, settings.root / "tests" / "gold", evaluate))
    if corpus in ("dev", "both"):
        runs.append(("development corpus (tests/corpus/dev, gold: tests/gold/dev)",
                     replace(settings, sources_dir=settings.root / "tests" / "corpus" / "dev"),
                     settings.root / "tests" / "gold" / "dev", evaluate_names))
    for title, run_settings, gold_dir, scorer in runs:
        try:
            store = extract_store(run_settings)
            totals, per_doc = scorer.evaluate(store, gold_dir, run_settings.base_iri)
        except (FileNotFoundError, SourceError) as exc:
            raise click.ClickException(str(exc))
        click.echo(f"\n{title}\n")
        click.echo(scorer.table(totals))
        if details:
            for doc, scores in per_doc.items():
                for kind in scorer.KINDS + scorer.EXTRA_KINDS:
                    s = scores[kind]
                    for m in s.misses:
                        click.echo(f"{doc} {kind} MISSED {m}")
                    for e in s.extras:
                        click.echo(f"{doc} {kind} EXTRA  {e}")


if __name__ == "__main__":
    main()
