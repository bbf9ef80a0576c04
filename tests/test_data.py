import csv
from pathlib import Path

import numpy as np
import pytest

from fontnet import colors, data

SHIPPED = Path(data.__file__).parent / "datasets"


def test_the_shipped_csv_is_the_chapters_data_set():
    """The facts of the chapter's CSV, read from the project's own copy, checked on every row."""
    rows = list(csv.reader((SHIPPED / data.CHAPTER_CSV).read_text(encoding="utf-8").splitlines()))
    assert rows[0] == list(data.CHAPTER_COLUMNS)
    values = np.array(rows[1:], dtype=int)
    rgb, labels = values[:, :3], values[:, 3]
    assert len(values) == 1345 == data.CHAPTER_ROWS
    assert len({tuple(c) for c in rgb.tolist()}) == 661
    assert round(labels.mean(), 2) == 0.62
    assert ((labels == 1) == ((0.299 * rgb[:, 0] + 0.587 * rgb[:, 1] + 0.114 * rgb[:, 2]) / 255 > 0.5)).all()
    assert rgb.min() >= 0 and rgb.max() <= 255


def test_the_shipped_csv_names_its_source_and_licence():
    notice = (SHIPPED / "NOTICE").read_text(encoding="utf-8")
    assert "thomasnield/machine-learning-demo-data" in notice
    assert "classification/light_dark_font_training_set.csv" in notice and "Apache License, Version 2.0" in notice


def test_chapter_dataset_is_the_shipped_csv():
    ds = data.chapter_dataset()
    shipped = data.read_csv((SHIPPED / data.CHAPTER_CSV).read_bytes())
    assert np.array_equal(ds.rgb, shipped.rgb) and np.array_equal(ds.labels, shipped.labels)
    assert np.array_equal(ds.labels, colors.formula_label(ds.rgb))
    assert ds.name == "the chapter's data (1,345 rows)" and np.allclose(ds.X, ds.rgb / 255)
    assert data.chapter_csv() == (SHIPPED / data.CHAPTER_CSV).read_bytes()


def test_the_chapters_rows_cannot_be_changed_by_a_caller():
    ds = data.chapter_dataset()
    with pytest.raises(ValueError):
        ds.rgb[0, 0] = 7
    with pytest.raises(ValueError):
        ds.labels[0] = 1 - ds.labels[0]
    assert data.chapter_dataset().rgb[0].tolist() == [0, 0, 0]


def test_generated_dataset_is_named_colours_a_grey_ramp_then_seeded_random_colours():
    ds = data.generated_dataset()
    assert len(ds) == data.CHAPTER_ROWS and ds.name == "generated colours (1,345 rows)"
    assert ds.rgb.min() >= 0 and ds.rgb.max() <= 255
    assert np.array_equal(ds.labels, colors.formula_label(ds.rgb))
    named = np.array(list(colors.NAMED_COLOURS.values()))
    assert np.array_equal(ds.rgb[:len(named)], named)
    assert np.array_equal(ds.rgb[len(named):len(named) + 32], data.grey_ramp())
    assert np.array_equal(ds.rgb, data.generated_dataset().rgb)  # seeded
    assert not np.array_equal(ds.rgb, data.generated_dataset(seed=1).rgb)
    assert len(data.generated_dataset(100)) == 100


@pytest.mark.parametrize("chapter_columns", [True, False])
def test_csv_round_trip(chapter_columns):
    ds = data.random_dataset(50, seed=3)
    back = data.read_csv(data.to_csv(ds, chapter_columns))
    assert np.array_equal(back.rgb, ds.rgb) and np.array_equal(back.labels, ds.labels)


def test_reads_the_chapters_columns_in_any_order_with_bom():
    text = "\ufeffLIGHT_OR_DARK_FONT_IND,BLUE,GREEN,RED\n1,203,192,255\n0,128,0,0\n"
    ds = data.read_csv(text.encode())
    assert ds.rgb.tolist() == [[255, 192, 203], [0, 0, 128]] and ds.labels.tolist() == [1, 0]


@pytest.mark.parametrize("text,match", [
    ("", "empty"),
    ("red,green,blue,label\n", "no rows"),
    ("r,g,b,label\n1,2,3,0\n", "missing columns"),
    ("red,green,blue,label\n1,x,3,0\n0,0,0,1\n", "line 2: 'x' is not a number"),
    ("red,green,blue,label\n1,2,300,0\n0,0,0,1\n", "outside 0–255"),
    ("red,green,blue,label\n1,2,3,2\n0,0,0,1\n", "label 2 is not 0 or 1"),
    ("red,green,blue,label\n1,2,nan,0\n", "not a whole number"),
    ("red,green,blue,label\n1,2,3,1\n4,5,6,1\n", "both classes"),
    (b"\x00\x01\x02garbage", "binary"),
    (b"\xff\xfe\xfa", "UTF-8"),
])
def test_bad_csv_raises_one_clear_error(text, match):
    with pytest.raises(data.DataError, match=match):
        data.read_csv(text)


def test_too_many_rows():
    text = "red,green,blue,label\n" + "1,2,3,0\n" * 11
    with pytest.raises(data.DataError, match="too many rows"):
        data.read_rows(text, max_rows=10)


def test_split_holds_out_a_third():
    X_train, X_test, y_train, y_test = data.split(data.chapter_dataset(), seed=1)
    assert len(X_test) == pytest.approx(data.CHAPTER_ROWS / 3, abs=1)
    assert X_train.max() <= 1.0


PLAIN_VARIANTS = {
    "lf": "red,green,blue,label\n{rows}",
    "crlf and spaces": "RED, GREEN,BLUE ,LIGHT_OR_DARK_FONT_IND\r\n{rows_crlf}",
    "extra column": "red,green,blue,label,note\n{rows_note}",
    "columns reordered": "label,blue,green,red\n{rows_rev}",
}


@pytest.mark.parametrize("name", sorted(PLAIN_VARIANTS))
def test_a_plain_file_is_read_in_one_pass_and_equals_the_cell_by_cell_reading(name, monkeypatch):
    """The common upload (numbers, commas, line ends) never goes cell by cell, and reads exactly as it would."""
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, (2000, 3))
    labels = rng.integers(0, 2, 2000)
    rows = [(int(r), int(g), int(b), int(y)) for (r, g, b), y in zip(rgb, labels)]
    text = PLAIN_VARIANTS[name].format(
        rows="".join(f"{r},{g},{b},{y}\n" for r, g, b, y in rows),
        rows_crlf="".join(f"{r}, {g} ,{b},{y}\r\n" for r, g, b, y in rows),
        rows_note="".join(f"{r},{g},{b},{y},7\n" for r, g, b, y in rows),
        rows_rev="".join(f"{y},{b},{g},{r}\n" for r, g, b, y in rows))
    with monkeypatch.context() as m:
        m.setattr(data, "_read_plain", lambda *a: None)
        slow = data.read_csv(text.encode())          # cell by cell, as every file was read before
    monkeypatch.setattr(data, "parse_int_table", lambda *a: pytest.fail("a plain file was read cell by cell"))
    fast = data.read_csv(text.encode())
    assert np.array_equal(fast.rgb, rgb) and np.array_equal(fast.labels, labels)
    assert np.array_equal(slow.rgb, rgb) and np.array_equal(slow.labels, labels)


@pytest.mark.parametrize("body,message", [
    ("1,2,3\r9,0\n", "not readable as CSV"), ("1 2,3,4,0\n", "'1 2' is not a number"),
    ("1,,3,0\n", "'' is not a number"), ("1,2,300,0\n", "'300' is outside 0–255"),
    ("1,2,3,2\n", "label 2 is not 0 or 1"), ("9" * 40 + ",2,3,0\n", "'9{27}\\.\\.\\.' is outside 0–255"),
    ("1,2,3," + "7" * 40 + "\n", "label 7{27}\\.\\.\\. is not 0 or 1"),
])
def test_what_is_not_plain_is_named_as_before(body, message):
    with pytest.raises(data.DataError, match=message):
        data.read_csv("red,green,blue,label\n4,5,6,1\n" + body)


def test_a_large_file_read_cell_by_cell_sets_off_no_full_garbage_collection():
    """Streamlit serves every visitor from threads of one process: a full pass of the garbage collector over a
    hundred thousand small lists would hold all of them up. The reader keeps the cells in one flat list."""
    import gc

    rows = np.random.default_rng(3).integers(0, 256, (data.MAX_ROWS, 3))
    text = "red,green,blue,label\n" + "".join(f"{r},{g},{b},0\n" for r, g, b in rows[:-1]) + "1,2,three,0\n"
    full = []

    def seen(phase, info):
        if phase == "start" and info["generation"] == 2:
            full.append(info)

    gc.collect()
    gc.callbacks.append(seen)
    try:
        with pytest.raises(data.DataError, match=f"line {data.MAX_ROWS + 1}: 'three' is not a number"):
            data.read_rows(text)
    finally:
        gc.callbacks.remove(seen)
    assert full == []


def test_a_plain_file_is_converted_a_piece_at_a_time(monkeypatch):
    """No single conversion call gets the whole of a large file (one call would hold the interpreter)."""
    rows = np.random.default_rng(4).integers(0, 256, (data.MAX_ROWS, 3))
    text = "red,green,blue,label\n" + "".join(f"{r},{g},{b},1\n" for r, g, b in rows)
    sizes = []
    real = np.fromstring

    def spy(s, *a, **k):
        sizes.append(len(s))
        return real(s, *a, **k)

    monkeypatch.setattr(np, "fromstring", spy)
    rgb, labels = data.read_rows(text)
    assert np.array_equal(rgb, rows) and (labels == 1).all()
    assert len(sizes) > 10 and max(sizes) < 80_000 and sum(sizes) > len(text) * 0.9
