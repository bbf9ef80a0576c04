"""The cost surface on the Train and Backprop pages (app/cost_surface.py), in Streamlit's AppTest."""

import json
import re
import types
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from fontnet.params import flat_weights
from tests.page_helpers import click, feed, no_exception, poll

ROOT = Path(__file__).resolve().parents[1]


def page(name: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / f"{name}.py"), default_timeout=120)
    at.query_params.update(query)
    return at.run()


def maps(at) -> list[str]:
    return [m.value for m in at.markdown if "fontnet-surface" in m.value]


def pair_of(svg: str) -> tuple[int, int]:
    return tuple(int(v) for v in re.search(r'data-pair="(\d+),(\d+)"', svg).groups())


def point_of(svg: str) -> tuple[float, float]:
    return tuple(float(v) for v in re.search(r'data-point="([^"]+)"', svg).group(1).split(","))


def test_the_train_page_draws_the_slice_at_the_runs_weights():
    at = page("train", iterations="300")
    no_exception(at)
    [svg] = maps(at)   # iteration 0: a point, no path yet
    click(at, "Step")
    click(at, "Step")
    run = at.session_state["train_run"]
    [svg] = maps(at)
    i, j = (int(v) for v in re.search(r'data-pair="(\d+),(\d+)"', svg).groups())
    w = flat_weights(run.net)
    assert point_of(svg) == (w[i], w[j]) and 'data-path-points="3"' in svg
    assert any("a slice through 16 dimensions" in c.value for c in at.caption)
    # the picked parameters are drawn
    at.selectbox(key=f"train_surface_x_{run.run_id}").set_value(15).run()
    at.selectbox(key=f"train_surface_y_{run.run_id}").set_value(0).run()
    [svg] = maps(at)
    assert 'data-pair="15,0"' in svg and "B2[1]" in svg and "W1[1,1]" in svg
    no_exception(at)



def surface_caption(at) -> str:
    return next(c.value for c in at.caption if "Black arrow" in c.value)


def test_the_caption_says_what_is_drawn_at_the_start_after_steps_and_for_a_loaded_model():
    from tests.test_train_page import model_json

    at = page("train", iterations="300")
    [svg] = maps(at)
    words = surface_caption(at)
    assert 'data-path-points="1"' in svg and 'class="path"' not in svg
    assert "where the run starts" in words and "the run's path" not in words
    assert 'class="fine"' in svg and "Purple: the run's first 50 updates one by one" in words
    click(at, "Step")
    [svg] = maps(at)
    assert 'class="path"' in svg and "the run's path, one point per checkpoint" in surface_caption(at)
    # a model from a file arrives trained: one point, no path and no replayed updates, and the caption says so
    at = page("train")
    at.file_uploader(key="model_file").upload("m.json", model_json(), "application/json")
    at.run()
    no_exception(at)
    [svg] = maps(at)
    words = surface_caption(at)
    assert 'class="fine"' not in svg and 'class="path"' not in svg
    assert "the loaded model's weights" in words and "no path to show" in words
    assert "Purple" not in words and "updates" not in words

def live_panel(at) -> dict:
    """What the last page run sent the live surface's panel."""
    from app.cost_surface import LIVE_KEY

    el = next(e for e in at.get("bidi_component") if e.proto.id.endswith(LIVE_KEY))
    return json.loads(el.proto.json)


def test_while_a_run_plays_the_slice_follows_it_at_most_once_a_second(monkeypatch):
    from app import cost_surface

    clock = [1000.0]
    monkeypatch.setattr(cost_surface, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    monkeypatch.setattr(cost_surface, "BUDGET", cost_surface.Budget(cost_surface.LIVE_PER_SERVER))
    at = page("train", iterations="50000")
    click(at, "Train")
    run = at.session_state["train_run"]
    assert run.status == "running" and not maps(at)   # no still map: a live panel of its own
    sent = live_panel(at)
    [chart] = sent["charts"]
    held, f = sent["held"], feed(at, cost_surface.LIVE_KEY)
    assert sent["feed"]["every_ms"] == cost_surface.LIVE_POLL * 1000 and sent["feed"]["watch"]
    i, j = pair_of(chart["svg"])
    w = flat_weights(run.net)
    assert point_of(chart["svg"]) == (w[i], w[j]) and chart["length"] == run.iteration
    assert any("redrawn once a second" in c.value for c in at.caption)

    poll(at, "train_live", "train_run")            # the run trains a chunk...
    assert run.iteration > chart["length"]
    assert f.poll(held, chart["length"])["charts"] == []    # ...but a second has not passed: nothing is sent
    clock[0] += 1.0
    [news] = f.poll(held, chart["length"])["charts"]       # now the picture of where the run is
    w = flat_weights(run.net)
    assert news["full"] and news["length"] == run.iteration and point_of(news["svg"]) == (w[i], w[j])
    assert f'data-path-points="{len(run.history)}"' in news["svg"] and f'data-pair="{i},{j}"' in news["svg"]
    clock[0] += 5.0
    assert f.poll(held, news["length"])["charts"] == []      # the run has not moved since: nothing new

    click(at, "Pause")
    assert run.status == "paused" and f.poll(held, news["length"]) is None   # the browser stops asking
    [svg] = maps(at)                                        # and the page run draws the 60 x 60 map
    w = flat_weights(run.net)
    i, j = pair_of(svg)
    assert point_of(svg) == (w[i], w[j])
    no_exception(at)


def test_a_picked_pair_holds_when_the_run_plays_and_stops():
    at = page("train", iterations="50000")
    run = at.session_state["train_run"]
    at.selectbox(key=f"train_surface_x_{run.run_id}").set_value(15).run()
    at.selectbox(key=f"train_surface_y_{run.run_id}").set_value(0).run()
    click(at, "Step")
    click(at, "Resume")
    assert run.status == "running"
    assert live_panel(at)["held"].endswith(":15,0") and 'data-pair="15,0"' in live_panel(at)["charts"][0]["svg"]
    click(at, "Pause")
    [svg] = maps(at)
    assert 'data-pair="15,0"' in svg
    no_exception(at)


def test_deeper_networks_say_why_there_is_no_map():
    at = page("train", layers="2")
    assert not maps(at) and any("one hidden layer" in i.value and "Set Hidden layers to 1" in i.value
                                for i in at.info)
    no_exception(at)
    # a deeper model from a file: the sidebar's layers would not change it, so the page does not suggest them
    from fontnet.training import TrainingRun, TrainingSettings

    run = TrainingRun(TrainingSettings(iterations=50, layers=2))
    run.start()
    run.advance()
    at = page("train")
    at.file_uploader(key="model_file").upload("deep.json", json.dumps(run.net.to_dict()).encode(), "application/json")
    at.run()
    no_exception(at)
    assert not maps(at) and at.session_state["train_run"].loaded
    [note] = [i.value for i in at.info if "one hidden layer" in i.value]
    assert "came from a file" in note and "Set Hidden layers" not in note


def test_the_backprop_page_draws_the_step_and_a_large_one_goes_uphill_for_the_training_rows():
    at = page("backprop", bg="c83232", lr="0.05")
    no_exception(at)
    [svg] = maps(at)
    assert 'class="step"' in svg and "896 training rows" in svg
    assert any("dashed arrow" in c.value and "goes from" in c.value and "down." in c.value for c in at.caption)
    small = svg
    at = page("backprop", bg="c83232", lr="5")
    [svg] = maps(at)
    before, after = point_of(svg), tuple(float(v) for v in re.search(r'data-after="([^"]+)"', svg).group(1).split(","))
    small_after = tuple(float(v) for v in re.search(r'data-after="([^"]+)"', small).group(1).split(","))
    # the same way, 100 times as far: past the valley, the training rows' cost goes up
    assert np.allclose(np.subtract(after, before), 100 * np.subtract(small_after, point_of(small)), rtol=1e-6)
    assert any("up: it overshoots" in c.value for c in at.caption)
    no_exception(at)


def test_the_servers_live_pictures_are_shared_by_every_playing_run(monkeypatch):
    """The runs playing share the server's pictures: each run's pictures come as far apart as the server's rate
    shared by all of them needs (never under a second), the browser is told when to ask next, and a run that stops
    asking no longer counts."""
    from app import cost_surface
    from fontnet.training import TrainingRun, TrainingSettings

    clock = [50.0]
    monkeypatch.setattr(cost_surface, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    monkeypatch.setattr(cost_surface, "random", types.SimpleNamespace(uniform=lambda lo, hi: 0.0))
    budget = cost_surface.Budget(0.5)   # one picture every two seconds for the whole server
    monkeypatch.setattr(cost_surface, "BUDGET", budget)
    runs = [TrainingRun(TrainingSettings(seed=s)) for s in (1, 2, 3)]
    sources = []
    for run in runs:
        run.start()
        sources.append(cost_surface.live_surface_source(run, (0, 1), None, str(run.run_id), run.iteration))
        run.advance()
    clock[0] = 51.0
    answers = [source("", 0) for source in sources[:2]]   # three runs ask: six seconds apart
    assert [a["charts"] for a in answers] == [[], []] and [a["next_ms"] for a in answers] == [5000, 5000]
    clock[0] = 58.5                                       # the third has not asked for 8.5 s: it no longer counts
    [picture] = (answer := sources[0]("", 0))["charts"]
    assert answer["next_ms"] == 4000 and picture["length"] == runs[0].iteration
    assert picture["made"] == 58_500.0                    # stamped with the server's clock, in ms
    assert sources[0]("", 0)["charts"] == []              # its next picture is four seconds away
    runs[0].pause()
    assert sources[0]("", 0) is None                      # a paused run: nothing to serve, the browser stops asking
    assert len(budget.asking) == 1                        # and it no longer counts either


def test_one_run_alone_gets_a_picture_a_second():
    from app import cost_surface

    budget = cost_surface.Budget(cost_surface.LIVE_PER_SERVER)
    assert budget.interval(1, 10.0) == cost_surface.LIVE_SECONDS == 1.0
    assert [budget.interval(k, 10.0) for k in range(2, 7)][-1] == 3.0   # six runs at two a second
