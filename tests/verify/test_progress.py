"""The one progress-callback convention: ``progress(done, total)``, with keyword details only
for callbacks that accept them (infopricing._progress)."""

from infopricing._progress import menu_rounds, report_progress


def test_two_argument_callbacks_get_two_arguments():
    got = []
    report_progress(lambda done, total: got.append((done, total)), 3, 10, stage="revenue")
    report_progress(None, 1, 2)                       # no callback: nothing to do
    assert got == [(3, 10)]


def test_keyword_details_reach_callbacks_that_accept_them():
    got = []
    report_progress(lambda done, total, stage=None: got.append((done, total, stage)), 1, None,
                    stage="selection", round=4)
    report_progress(lambda *a, **k: got.append((a, k)), 2, 5, round=1)
    assert got == [(1, None, "selection"), ((2, 5), {"round": 1})]


def test_builtins_are_called_positionally():
    report_progress(max, 1, 2, stage="s")     # a builtin (no signature): positional only, no error


def test_menu_rounds_maps_the_internal_callback_to_done_total():
    got = []
    cb = menu_rounds(lambda done, total, **d: got.append((done, total, d)), n_types=4)
    cb("revenue", 2, 7)
    assert got == [(7, 12, {"stage": "revenue", "round": 2})]       # 12 = 4 * 3 IC rows
    assert menu_rounds(None, 4) is None
