"""Loading libparley and declaring its public C API for ctypes.

Only declarations live here: every struct mirrors include/parley/*.h field
for field, and every function used by the package gets its argtypes and
restype, so that ctypes converts and checks arguments instead of guessing
(a wrong guess would truncate pointers or doubles on x86-64).

The library is found, in this order (docs/python.md):

1. the ``PARLEY_LIBRARY`` environment variable (a path to libparley.so);
2. the build tree of a checkout: ``build/libparley.so*`` in a folder above
   this file or above the current directory that holds parley's
   CMakeLists.txt and include/parley/parley.h;
3. the usual loader paths: ``ctypes.util.find_library("parley")``, then
   ``pkg-config --variable=libdir parley``.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
import shutil
import subprocess
from ctypes import (POINTER, CFUNCTYPE, c_char, c_char_p, c_double, c_int,
                    c_int64, c_size_t, c_uint, c_uint8, c_uint32, c_uint64,
                    c_void_p)
from typing import List, Optional

# --------------------------------------------------------------------------
# finding the shared object
# --------------------------------------------------------------------------


def _checkout_roots(start: str) -> List[str]:
    """Folders at or above `start` that look like a parley checkout."""
    roots = []
    d = os.path.abspath(start)
    while True:
        if (os.path.isfile(os.path.join(d, "CMakeLists.txt")) and
                os.path.isfile(os.path.join(d, "include", "parley",
                                            "parley.h"))):
            roots.append(d)
        parent = os.path.dirname(d)
        if parent == d:
            return roots
        d = parent


def candidates() -> List[str]:
    """Every place libparley is looked for, in order (for messages)."""
    out: List[str] = []
    env = os.environ.get("PARLEY_LIBRARY")
    if env:
        out.append(env)
    seen = set()
    for start in (os.path.dirname(os.path.abspath(__file__)), os.getcwd()):
        for root in _checkout_roots(start):
            if root in seen:
                continue
            seen.add(root)
            found = sorted(glob.glob(os.path.join(root, "build",
                                                  "libparley.so*")))
            out.extend(found[:1])
    name = ctypes.util.find_library("parley")
    if name:
        out.append(name)
    if shutil.which("pkg-config"):
        try:
            libdir = subprocess.run(
                ["pkg-config", "--variable=libdir", "parley"],
                capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            libdir = ""
        if libdir:
            found = sorted(glob.glob(os.path.join(libdir, "libparley.so*")))
            out.extend(found[:1])
    return out


def _load() -> ctypes.CDLL:
    tried = []
    env = os.environ.get("PARLEY_LIBRARY")
    for path in candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            if env and path == env:
                raise ImportError(
                    f"PARLEY_LIBRARY={env!r} cannot be loaded: {e}") from e
            tried.append(f"{path}: {e}")
    raise ImportError(
        "libparley not found: set PARLEY_LIBRARY to the path of "
        "libparley.so, run from a parley checkout after 'make build', or "
        "install the library where the loader finds it"
        + ("" if not tried else " (tried: " + "; ".join(tried) + ")"))


lib = _load()
LIBRARY_PATH: str = getattr(lib, "_name", "")

# --------------------------------------------------------------------------
# structs (field for field as in the headers)
# --------------------------------------------------------------------------


class pl_error(ctypes.Structure):
    _fields_ = [("code", c_int), ("line", c_int), ("column", c_int),
                ("file", c_char * 1024), ("message", c_char * 1024)]


class pl_load_options(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("real_intervals", c_uint),
                ("warning", c_void_p), ("warning_ctx", c_void_p)]


PROGRESS_FN = CFUNCTYPE(c_int, c_void_p, c_double)


class pl_analysis_options(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("method", c_int),
                ("max_outcomes", c_uint64), ("memory_limit", c_uint64),
                ("partial_max_issues", c_int), ("kalai", c_int),
                ("epsilon", c_double), ("progress", c_void_p),
                ("progress_ctx", c_void_p), ("max_boxes", c_uint64)]


class pl_point(ctypes.Structure):
    _fields_ = [("options", POINTER(c_uint32)),
                ("utilities", POINTER(c_double))]


class pl_constraint(ctypes.Structure):
    _fields_ = [("kind", c_int), ("party", c_int), ("red_line", c_int)]


class pl_partial(ctypes.Structure):
    _fields_ = [("n_issues", c_size_t), ("issues", POINTER(c_int)),
                ("nash", pl_point), ("n_blocking", c_size_t),
                ("blocking", POINTER(c_int))]


class pl_session_options(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("protocol", c_int),
                ("drafter", c_int), ("rounds", c_int), ("seed", c_uint64),
                ("time_limit", c_double), ("clock", c_void_p),
                ("clock_ctx", c_void_p), ("max_events", c_size_t),
                ("partial", c_int), ("registry", c_void_p),
                ("move_limit", c_double), ("agent_limit", c_double),
                ("max_message", c_size_t), ("inputs", c_void_p),
                ("n_inputs", c_size_t), ("real_intervals", ctypes.c_uint),
                ("drop_messages", c_int)]


class pl_event(ctypes.Structure):
    _fields_ = [("kind", c_int), ("round", c_int), ("party", c_int),
                ("time", c_double), ("options", POINTER(c_uint32)),
                ("utilities", POINTER(c_double)),
                ("rejects", POINTER(c_uint8))]


class pl_blocker(ctypes.Structure):
    _fields_ = [("party", c_int), ("red_line", c_int)]


class pl_run_options(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("threads", c_int),
                ("progress", c_void_p), ("progress_ctx", c_void_p),
                ("poll", c_void_p), ("poll_ctx", c_void_p),
                ("stop", POINTER(c_int))]


class pl_tournament_options(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("registry", c_void_p)]


class pl_summary_row(ctypes.Structure):
    _fields_ = [("name", c_char_p), ("count", c_uint64),
                ("mean_utility", c_double), ("ci95", c_double),
                ("agreement_rate", c_double), ("mean_welfare", c_double),
                ("mean_distance_nash", c_double),
                ("mean_distance_pareto", c_double), ("failures", c_uint64)]


class pl_sequence_options(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("max_states", c_uint64),
                ("memory_limit", c_uint64), ("beam_width", c_uint),
                ("max_conflicts", c_uint), ("levers", c_int),
                ("max_extra_tranches", c_uint), ("tranche_work", c_uint64)]


class pl_plot_options(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("scale", c_double),
                ("max_points", c_uint64), ("max_outcomes", c_uint64),
                ("sample", c_uint64), ("seed", c_uint64), ("order", c_int)]


class pl_report_options(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("title", c_char_p),
                ("session", c_void_p), ("session_setup", c_char_p),
                ("sequence", c_void_p), ("plot", pl_plot_options),
                ("record", c_void_p), ("verdict", c_void_p),
                ("unlock", c_void_p), ("improve", c_void_p)]


def init_options(struct_type, init_fn):
    """A struct filled by its _init function, checked against the library.

    The _init function writes sizeof(C struct) bytes, which is then compared
    with the Python mirror's size: a mismatch (a library built from other
    headers) raises instead of corrupting memory. The buffer is padded so
    that a larger C struct cannot write past it before the check.
    """
    size = ctypes.sizeof(struct_type)
    buf = ctypes.create_string_buffer(size + 512)
    init_fn(buf)
    got = c_size_t.from_buffer(buf).value
    if got != size:
        raise ImportError(
            f"libparley's {struct_type.__name__} has {got} bytes, this "
            f"binding expects {size}: the library and the Python package "
            "come from different versions")
    return struct_type.from_buffer_copy(buf.raw[:size])


# --------------------------------------------------------------------------
# functions
# --------------------------------------------------------------------------

P = c_void_p  # every opaque handle
E = POINTER(pl_error)
U32P = POINTER(c_uint32)
DP = POINTER(c_double)
PP = POINTER(c_void_p)


def _fn(name: str, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_DECLS = [
    # core.h
    ("pl_strerror", c_char_p, c_int),
    ("pl_errname", c_char_p, c_int),
    ("pl_version", c_char_p),
    ("pl_has", c_int, c_char_p),
    ("pl_free", None, c_void_p),
    # scenario.h
    ("pl_load_options_init", None, c_void_p),
    ("pl_scenario_load_inputs", c_int, POINTER(c_char_p), c_size_t,
     POINTER(pl_load_options), PP, E),
    ("pl_scenario_load_yaml", c_int, c_char_p, c_size_t, c_char_p, PP, E),
    ("pl_format_name", c_char_p, c_int),
    ("pl_scenario_write", c_int, P, c_int, c_char_p, E),
    ("pl_scenario_new", P, c_char_p),
    ("pl_scenario_free", None, P),
    ("pl_scenario_set_text", c_int, P, c_char_p, c_char_p, E),
    ("pl_scenario_add_party", c_int, P, c_char_p, c_char_p, c_double, E),
    ("pl_scenario_add_discrete_issue", c_int, P, c_char_p, c_char_p,
     c_size_t, POINTER(c_char_p), POINTER(c_char_p), E),
    ("pl_scenario_add_integer_issue", c_int, P, c_char_p, c_char_p, c_int64,
     c_int64, c_int64, E),
    ("pl_scenario_add_real_issue", c_int, P, c_char_p, c_char_p, c_double,
     c_double, c_double, E),
    ("pl_scenario_set_weight", c_int, P, c_int, c_int, c_double, E),
    ("pl_scenario_set_value", c_int, P, c_int, c_int, c_uint32, c_double, E),
    ("pl_scenario_set_value_function", c_int, P, c_int, c_int, c_size_t, DP,
     DP, E),
    ("pl_scenario_set_status_quo", c_int, P, c_int, U32P, E),
    ("pl_scenario_set_reservation", c_int, P, c_int, c_double, E),
    ("pl_scenario_set_discount", c_int, P, c_int, c_double, E),
    ("pl_expr_in", P, c_int, c_size_t, U32P),
    ("pl_expr_not", P, P),
    ("pl_expr_all", P, c_size_t, PP),
    ("pl_expr_any", P, c_size_t, PP),
    ("pl_expr_free", None, P),
    ("pl_scenario_add_red_line", c_int, P, c_int, c_char_p, c_char_p, P, E),
    ("pl_scenario_add_linkage", c_int, P, c_int, c_char_p, c_char_p,
     c_size_t, POINTER(c_int), E),
    ("pl_scenario_finish", c_int, P, E),
    ("pl_scenario_id", c_char_p, P),
    ("pl_scenario_title", c_char_p, P),
    ("pl_scenario_description", c_char_p, P),
    ("pl_scenario_party_count", c_int, P),
    ("pl_scenario_party_id", c_char_p, P, c_int),
    ("pl_scenario_party_name", c_char_p, P, c_int),
    ("pl_scenario_reservation", c_double, P, c_int),
    ("pl_scenario_discount", c_double, P, c_int),
    ("pl_scenario_issue_count", c_int, P),
    ("pl_scenario_issue_id", c_char_p, P, c_int),
    ("pl_scenario_issue_name", c_char_p, P, c_int),
    ("pl_scenario_issue_kind", c_int, P, c_int),
    ("pl_scenario_option_count", c_uint32, P, c_int),
    ("pl_scenario_option_id", c_char_p, P, c_int, c_uint32),
    ("pl_scenario_option_name", c_char_p, P, c_int, c_uint32),
    ("pl_scenario_option_number", c_double, P, c_int, c_uint32),
    ("pl_scenario_weight", c_double, P, c_int, c_int),
    ("pl_scenario_value", c_double, P, c_int, c_int, c_uint32),
    ("pl_scenario_issue_min", c_double, P, c_int),
    ("pl_scenario_issue_max", c_double, P, c_int),
    ("pl_scenario_issue_step", c_double, P, c_int),
    ("pl_scenario_find_issue", c_int, P, c_char_p),
    ("pl_scenario_find_party", c_int, P, c_char_p),
    ("pl_scenario_find_option", c_int64, P, c_int, c_char_p),
    ("pl_scenario_utility", c_double, P, c_int, U32P),
    ("pl_scenario_status_quo", c_uint32, P, c_int, c_int),
    ("pl_scenario_outcome_count_text", c_int, P, c_char_p, c_size_t),
    ("pl_scenario_red_line_count", c_int, P),
    ("pl_scenario_red_line_party", c_int, P, c_int),
    ("pl_scenario_red_line_id", c_char_p, P, c_int),
    ("pl_scenario_red_line_description", c_char_p, P, c_int),
    ("pl_scenario_red_line_holds", c_int, P, c_int, U32P),
    # analysis.h
    ("pl_analysis_options_init", None, c_void_p),
    ("pl_analyze", c_int, P, POINTER(pl_analysis_options), PP, E),
    ("pl_analysis_free", None, P),
    ("pl_analysis_method", c_char_p, P),
    ("pl_analysis_epsilon", c_double, P),
    ("pl_analysis_feasible_text", c_int, P, c_char_p, c_size_t),
    ("pl_analysis_pareto_count", c_size_t, P),
    ("pl_analysis_pareto", POINTER(pl_point), P, c_size_t),
    ("pl_analysis_to_json", c_void_p, P),
    # session.h
    ("pl_protocol_name", c_char_p, c_int),
    ("pl_session_options_init", None, c_void_p),
    ("pl_session_new", c_int, P, POINTER(pl_session_options),
     POINTER(c_char_p), PP, E),
    ("pl_session_free", None, P),
    ("pl_session_step", c_int, P),
    ("pl_session_run", c_int, P),
    ("pl_end_name", c_char_p, c_int),
    ("pl_session_end", c_int, P),
    ("pl_session_agreement", POINTER(pl_point), P),
    ("pl_session_failed_party", c_int, P),
    ("pl_session_failure", c_char_p, P),
    ("pl_session_rounds", c_int, P),
    ("pl_session_time", c_double, P),
    ("pl_session_payoff", c_double, P, c_int),
    ("pl_event_name", c_char_p, c_int),
    ("pl_session_event_count", c_size_t, P),
    ("pl_session_event", POINTER(pl_event), P, c_size_t),
    ("pl_session_transcript", c_void_p, P),
    ("pl_session_to_json", c_void_p, P, P),
    # tournament.h
    ("pl_tournament_load", c_int, c_char_p, PP, E),
    ("pl_tournament_load_string", c_int, c_char_p, c_size_t, c_char_p,
     c_char_p, PP, E),
    ("pl_tournament_free", None, P),
    ("pl_tournament_options_init", None, c_void_p),
    ("pl_tournament_load_opts", c_int, c_char_p,
     POINTER(pl_tournament_options), PP, E),
    ("pl_tournament_load_string_opts", c_int, c_char_p, c_size_t, c_char_p,
     c_char_p, POINTER(pl_tournament_options), PP, E),
    ("pl_tournament_job_count", c_uint64, P),
    ("pl_store_open", c_int, c_char_p, P, PP, E),
    ("pl_store_close", c_int, P, E),
    ("pl_store_done_count", c_uint64, P),
    ("pl_run_options_init", None, c_void_p),
    ("pl_tournament_run", c_int, P, P, POINTER(pl_run_options), E),
    ("pl_summary_load", c_int, c_char_p, PP, E),
    ("pl_summary_free", None, P),
    ("pl_summary_to_json", c_void_p, P),
    ("pl_summary_done", c_uint64, P),
    ("pl_summary_total", c_uint64, P),
    ("pl_summary_finished", c_int, P),
    ("pl_results_write_csv", c_int, c_char_p, c_char_p, E),
    # sequence.h
    ("pl_plan_load", c_int, c_char_p, PP, E),
    ("pl_plan_free", None, P),
    ("pl_plan_step_count", c_int, P),
    ("pl_plan_find_step", c_int, P, c_char_p),
    ("pl_sequence_options_init", None, c_void_p),
    ("pl_sequence_analyze", c_int, P, POINTER(pl_sequence_options), PP, E),
    ("pl_sequence_evaluate", c_int, P, POINTER(c_int), c_size_t, PP, E),
    ("pl_sequence_free", None, P),
    ("pl_sequence_feasible", c_int, P),
    ("pl_sequence_exact", c_int, P),
    ("pl_sequence_to_json", c_void_p, P),
    # report.h
    ("pl_plot_options_init", None, c_void_p),
    ("pl_plot_analysis", c_int, P, c_char_p, POINTER(pl_plot_options), E),
    ("pl_plot_session", c_int, P, P, P, c_char_p, POINTER(pl_plot_options),
     E),
    ("pl_plot_sequence", c_int, P, c_char_p, POINTER(pl_plot_options), E),
    ("pl_report_options_init", None, c_void_p),
    ("pl_report_write", c_int, P, POINTER(pl_report_options), c_char_p, E),
]

for _decl in _DECLS:
    globals()[_decl[0]] = _fn(*_decl)


def take_string(ptr: Optional[int]) -> str:
    """A malloc'd C string handed over by the library, as str; freed."""
    if not ptr:
        raise MemoryError("libparley: out of memory")
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        pl_free(ptr)  # noqa: F821 (declared above)


def text(b: Optional[bytes]) -> str:
    return "" if b is None else b.decode("utf-8")


# --------------------------------------------------------------------------
# env.h: the stepped negotiation (python/parley/env.py)
# --------------------------------------------------------------------------


class pl_action(ctypes.Structure):
    _fields_ = [("kind", c_int), ("options", U32P)]


class pl_observation(ctypes.Structure):
    _fields_ = [("round", c_int), ("time", c_double), ("offer", U32P),
                ("offer_utility", c_double), ("done", c_int), ("end", c_int),
                ("payoff", c_double)]


for _decl in [
        ("pl_env_new", c_int, P, POINTER(pl_session_options), c_int,
         c_char_p, PP, E),
        ("pl_env_free", None, P),
        ("pl_env_reset", c_int, P, c_uint64, c_void_p, E),
        ("pl_env_step", c_int, P, c_void_p, c_void_p, c_void_p, E),
        ("pl_env_session", P, P),
        ("pl_session_failure", c_char_p, P)]:
    globals()[_decl[0]] = _fn(*_decl)
