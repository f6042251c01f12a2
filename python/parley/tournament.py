"""Tournaments into a SQLite store, and their results (docs/tournament.md)."""
from __future__ import annotations

import csv
import ctypes
import json
import os
import tempfile
import threading
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from . import _lib
from ._handle import Handle
from .agent import Registry, check_agent, is_agent
from .errors import InvalidArgumentError, StateError, check
from .scenario import PathLike, fspath, integer


def _frame(rows: List[Dict[str, Any]], columns: List[str]) -> Any:
    """A pandas DataFrame when pandas imports, else the rows themselves."""
    try:
        import pandas as pd
    except ImportError:
        return rows
    return pd.DataFrame(rows, columns=columns)


class Summary:
    """What ``parley results DB --json`` prints, for a store: ``to_dict()``,
    and per agent and per scenario rows (``agents``, ``scenarios``: a
    DataFrame when pandas imports, else lists of dicts), ``done``,
    ``total``, ``finished``, ``db``."""

    def __init__(self, db: PathLike) -> None:
        out = ctypes.c_void_p()
        err = _lib.pl_error()
        check(_lib.pl_summary_load(fspath(db, "db"), ctypes.byref(out), err),
              err)
        h = Handle(out.value, _lib.pl_summary_free)
        self.db = os.fspath(db)
        self._d = json.loads(_lib.take_string(_lib.pl_summary_to_json(h.ptr)))
        self.done: int = _lib.pl_summary_done(h.ptr)
        self.total: int = _lib.pl_summary_total(h.ptr)
        self.finished: bool = bool(_lib.pl_summary_finished(h.ptr))

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(json.dumps(self._d))

    def _rows(self, key: str) -> Any:
        rows = self.to_dict().get(key, [])
        cols = list(rows[0].keys()) if rows else []
        return _frame(rows, cols)

    @property
    def agents(self) -> Any:
        return self._rows("agents")

    @property
    def scenarios(self) -> Any:
        return self._rows("scenarios")

    def __repr__(self) -> str:
        return f"<parley.Summary of {self.db!r}>"


def _default_db(config: str) -> str:
    base = os.path.basename(config)
    stem = os.path.splitext(base)[0] or base
    return stem + ".db"


def _registry(config: Any, agents: Optional[Mapping[str, Any]]
              ) -> Tuple[Any, Optional[Registry]]:
    """The config with its Python agents replaced by their registered names,
    and the registry (None without Python agents). In a tournament every
    negotiation gets its own agent: a class is instantiated, an instance
    deep-copied."""
    reg = None
    if agents is not None:
        if not isinstance(agents, Mapping):
            raise TypeError("agents must be a dict {name: parley.Agent "
                            "subclass or instance}")
        reg = Registry()
        for name, a in agents.items():
            if not isinstance(name, str) or not is_agent(a):
                raise TypeError(f"agents[{name!r}]: expected a parley.Agent "
                                "subclass or instance under a str name")
            if reg.add(a, True, name) != name:
                raise InvalidArgumentError(
                    f"agents[{name!r}]: a name of 1 to 56 letters, digits, "
                    "'-', '_', '+' or '.'")
    if isinstance(config, Mapping) and isinstance(config.get("agents"), list):
        listed = []
        for k, a in enumerate(config["agents"]):
            check_agent(a, f"agents[{k}]")
            if is_agent(a):
                if reg is None:
                    reg = Registry()
                a = reg.add(a, True)
            listed.append(a)
        config = dict(config, agents=listed)
    return config, reg


def tournament(config: Union[PathLike, Mapping[str, Any]], *,
               db: Optional[PathLike] = None, jobs: Optional[int] = None,
               base_dir: Optional[PathLike] = None,
               agents: Optional[Mapping[str, Any]] = None) -> Summary:
    """Runs a tournament, as ``parley tournament CONFIG`` does, and returns
    its :class:`Summary`.

    config: a config file (docs/tournament-format.md) or a dict with the
    same keys (relative scenario paths are then taken from ``base_dir``,
    default the current folder). db: the results store (default: the
    config's name with .db in the current folder; for a dict, its "name"
    with .db). Running again resumes; a store made for another config
    raises :class:`parley.ConflictError`. jobs: worker threads (default:
    the number of processors). Python agents (:class:`parley.Agent`
    subclasses or instances) may stand in a dict config's agents list, and
    ``agents={name: Agent}`` names them for a config file's list; each
    negotiation gets its own (a class instantiated, an instance copied),
    and their negotiations run in this process, one Python call at a time. The C engine runs without the GIL;
    Ctrl-C stops it after committing what is done and raises
    KeyboardInterrupt.
    """
    out = ctypes.c_void_p()
    err = _lib.pl_error()
    config, reg = _registry(config, agents)
    topts = _lib.init_options(_lib.pl_tournament_options,
                              _lib.pl_tournament_options_init)
    if reg is not None:
        topts.registry = reg.ptr
    if isinstance(config, Mapping):
        text = json.dumps(dict(config)).encode("utf-8")  # JSON is YAML
        bd = fspath(base_dir if base_dir is not None else os.getcwd(),
                    "base_dir")
        check(_lib.pl_tournament_load_string_opts(
            text, len(text), b"<dict>", bd, topts, ctypes.byref(out), err),
            err)
        name = config.get("name", "tournament")
        default = (name if isinstance(name, str) else "tournament") + ".db"
    else:
        check(_lib.pl_tournament_load_opts(fspath(config, "config"), topts,
                                           ctypes.byref(out), err), err)
        default = _default_db(os.fsdecode(os.fspath(config)))
    # the tournament's agents are let go before the registry they came from
    t = Handle(out.value, _lib.pl_tournament_free,
               keep=() if reg is None else (reg.handle,))
    dbpath = fspath(db if db is not None else default, "db")
    threads = integer(jobs, "jobs", 1, 4096) if jobs is not None else \
        (os.cpu_count() or 1)
    sto = ctypes.c_void_p()
    check(_lib.pl_store_open(dbpath, t.ptr, ctypes.byref(sto), err), err)
    o = _lib.init_options(_lib.pl_run_options, _lib.pl_run_options_init)
    o.threads = threads
    stop = ctypes.c_int(0)
    o.stop = ctypes.pointer(stop)
    box: Dict[str, Any] = {}

    def work() -> None:  # ctypes releases the GIL during the call
        e = _lib.pl_error()
        box["rc"] = _lib.pl_tournament_run(t.ptr, sto, o, e)
        box["err"] = e

    th = threading.Thread(target=work, name="parley-tournament")
    th.start()
    interrupted = False
    while th.is_alive():
        try:
            th.join(0.1)
        except KeyboardInterrupt:
            stop.value = 1
            interrupted = True
    done = _lib.pl_store_done_count(sto)
    total = _lib.pl_tournament_job_count(t.ptr)
    cerr = _lib.pl_error()
    crc = _lib.pl_store_close(sto, cerr)
    check(box["rc"], box["err"])
    check(crc, cerr)
    if interrupted:
        raise KeyboardInterrupt
    if done < total:
        raise StateError(f"interrupted: {done} of {total} negotiations done; "
                         "run the same tournament again to resume")
    return Summary(os.fsdecode(dbpath))


def results(db: PathLike) -> Any:
    """Every negotiation of a results store, one row each (the columns of
    ``parley results DB --csv``): a pandas DataFrame when pandas imports,
    else a list of dicts (numbers converted, empty fields None)."""
    path = fspath(db, "db")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{os.fsdecode(path)}: no such results "
                                "store")
    fd, tmp = tempfile.mkstemp(suffix=".csv", prefix="parley-results-")
    os.close(fd)
    try:
        err = _lib.pl_error()
        check(_lib.pl_results_write_csv(path, tmp.encode(), err), err)
        try:
            import pandas as pd
        except ImportError:
            pd = None
        if pd is not None:
            return pd.read_csv(tmp)
        with open(tmp, newline="", encoding="utf-8") as f:
            return [{k: _cell(v) for k, v in row.items()}
                    for row in csv.DictReader(f)]
    finally:
        os.unlink(tmp)


def _cell(v: str) -> Any:
    if v == "":
        return None
    for conv in (int, float):
        try:
            return conv(v)
        except ValueError:
            pass
    return v
