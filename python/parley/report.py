"""Pictures and the HTML report (docs/report.md): the same files as the
CLI's ``--plot`` options and ``parley report``."""
from __future__ import annotations

from typing import Any, Optional, Union

from . import _lib
from ._handle import live
from .analysis import Analysis
from .errors import check
from .scenario import PathLike, Scenario, cstr, fspath, number
from .sequence import SequenceResult
from .session import Result


def _plot_options(scale: Optional[float]) -> Any:
    o = _lib.init_options(_lib.pl_plot_options, _lib.pl_plot_options_init)
    if scale is not None:
        o.scale = number(scale, "scale", 0.5, 8)
    return o


def plot(what: Union[Analysis, Scenario, Result, SequenceResult],
         path: PathLike, *, analysis: Optional[Analysis] = None,
         scale: Optional[float] = None) -> None:
    """Draws to path (.svg, .png or .pdf, told from the extension):

    - an Analysis (or a Scenario, analysed first): the outcome space, as
      ``parley analyze --plot``;
    - a Result: the negotiation, as ``parley run --plot`` (over the frontier
      of ``analysis``, or of an analysis made here as the CLI does);
    - a SequenceResult: the recommended order, as ``parley sequence
      --plot``.
    """
    p = fspath(path)
    o = _plot_options(scale)
    err = _lib.pl_error()
    if isinstance(what, Scenario):
        what = what.analyze()
    held = getattr(what, "_h", None)  # alive during the call, whatever
    if isinstance(what, Analysis):    # another thread closes
        check(_lib.pl_plot_analysis(live(held, "analysis"), p, o, err), err)
    elif isinstance(what, Result):
        a = analysis
        if a is None:
            try:
                a = what._scenario_analysis()
            except Exception:  # the CLI draws without a frontier then
                a = None
        elif not isinstance(a, Analysis):
            raise TypeError("analysis must be a parley.Analysis")
        sh = what._h.keep[0]
        check(_lib.pl_plot_session(live(sh, "scenario"), live(held, "result"),
                                   a._ptr if a is not None else None, p, o,
                                   err), err)
    elif isinstance(what, SequenceResult):
        check(_lib.pl_plot_sequence(live(held, "sequence result"), p, o,
                                    err), err)
    else:
        raise TypeError("plot() draws an Analysis, a Scenario, a Result or a "
                        f"SequenceResult, not {type(what).__name__}")


def report(what: Union[Analysis, Scenario], path: PathLike, *,
           title: Optional[str] = None, run: Optional[Result] = None,
           run_setup: Optional[str] = None,
           sequence: Optional[SequenceResult] = None,
           scale: Optional[float] = None) -> None:
    """Writes the self-contained HTML report of an analysis (or of a
    scenario, analysed first), as ``parley report``: optionally with a
    negotiation (``run``, a Result of the same scenario) and an
    implementation plan's analysis (``sequence``)."""
    if isinstance(what, Scenario):
        what = what.analyze()
    if not isinstance(what, Analysis):
        raise TypeError("report() needs an Analysis or a Scenario, not "
                        f"{type(what).__name__}")
    o = _lib.init_options(_lib.pl_report_options, _lib.pl_report_options_init)
    o.plot = _plot_options(scale)
    keep: list = [what._h]  # every C object read stays alive in the call
    if title is not None:
        keep.append(cstr(title, "title"))
        o.title = keep[-1]
    if run is not None:
        if not isinstance(run, Result):
            raise TypeError("run must be a parley.Result")
        if run._h.keep[0] is not what._h.keep[0]:
            raise ValueError("run is a negotiation of another scenario")
        keep.append(run._h)
        o.session = run._ptr
        setup = run_setup if run_setup is not None else (
            f"agents {','.join(run.agents)}; protocol {run.protocol}; "
            f"{run.setup['rounds']} rounds; seed {run.setup['seed']}")
        keep.append(cstr(setup, "run_setup"))
        o.session_setup = keep[-1]
    if sequence is not None:
        if not isinstance(sequence, SequenceResult):
            raise TypeError("sequence must be a parley.SequenceResult")
        keep.append(sequence._h)
        o.sequence = sequence._ptr
    err = _lib.pl_error()
    check(_lib.pl_report_write(live(what._h, "analysis"), o, fspath(path),
                               err), err)
