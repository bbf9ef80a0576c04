"""A run the browser's feed ends while a page run is drawing (app/live_run.py): the page run still hands its panel
a feed, whose first answer says the run stopped, so the browser reruns the page and it ends up drawn stopped.

In the browser the panel on screen keeps asking its feed while a page run draws (a slider moved, a trigger). When
one of those requests ends the run, its answer is dropped as the new page run's panel replaces the old; a page run
that had drawn its buttons as running and then its panel without a feed was left so for good ("Use this model"
disabled, nothing to rerun it). Here the feed's request lands between the buttons and the panel."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import first_paint
from tests.page_helpers import click, feed, no_exception

ROOT = Path(__file__).resolve().parents[1]

PAGES = {  # page: (its link, its run's key, its live panel's key)
    "train": ({"iterations": "300"}, "train_run", "train_live"),
    "digits": ({"iterations": "200", "hidden": "16"}, "digits_run", "digits_live_chart"),
}


def panel(at, key: str) -> dict:
    """What the last page run sent the live panel `key`."""
    [el] = [e for e in at.get("bidi_component") if e.proto.id.endswith(key)]
    return json.loads(el.proto.json)


def use_button(at):
    return next(b for b in at.button if b.label == "Use this model")


@pytest.mark.parametrize("name", PAGES)
def test_a_run_that_ends_while_the_page_draws_still_reruns_the_page(name, monkeypatch):
    query, run_key, panel_key = PAGES[name]
    at = AppTest.from_file(str(ROOT / "app_pages" / f"{name}.py"), default_timeout=60)
    at.query_params.update(query)
    click(at.run(), "Train")
    run = at.session_state[run_key]
    assert run.status == "running" and "feed" in panel(at, panel_key)

    drawn_buttons = first_paint.stop_after_main_control   # each page calls it right after its run buttons

    def then_the_feed_ends_the_run():
        drawn_buttons()
        with run.lock:
            while run.status == "running":
                run.advance()

    monkeypatch.setattr(first_paint, "stop_after_main_control", then_the_feed_ends_the_run)
    at.run()   # a page run that starts while the run plays (the visitor moved a slider, say)
    monkeypatch.undo()
    no_exception(at)
    assert run.status == "done"
    # the buttons were drawn from the page's one reading, "running" ...
    assert use_button(at).disabled and next(b for b in at.button if b.label == "Pause").disabled is False
    # ... so the panel has a feed, and the feed's first answer tells the browser the run stopped
    sent = panel(at, panel_key)
    assert "feed" in sent
    answer = feed(at, panel_key).poll(str(run.run_id), len(run.history))
    assert answer["status"] == "done"
    at.run()   # the rerun the browser asks for on that answer
    assert not use_button(at).disabled and "feed" not in panel(at, panel_key)
    no_exception(at)


def test_each_page_run_numbers_the_data_it_sends_a_panel():
    """The browser keeps the latest of a panel's data by these numbers (static/live_chart.js, `render`)."""
    query, run_key, panel_key = PAGES["train"]
    at = AppTest.from_file(str(ROOT / "app_pages" / "train.py"), default_timeout=60)
    at.query_params.update(query)
    first = panel(at.run(), panel_key)["seq"]
    second = panel(click(at, "Train"), panel_key)["seq"]
    third = panel(at.run(), panel_key)["seq"]
    assert first[0] == second[0] == third[0] and len(first[0]) == 12   # one session: one mark
    assert first[1] < second[1] < third[1]
    other = AppTest.from_file(str(ROOT / "app_pages" / "train.py"), default_timeout=60)
    other.query_params.update(query)
    assert panel(other.run(), panel_key)["seq"][0] != first[0]         # another session: its own
