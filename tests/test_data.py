import numpy as np
import pytest

from fontnet import colors, data


def test_chapter_dataset_is_the_chapters_size_and_labelled_by_the_formula():
    ds = data.chapter_dataset()
    assert len(ds) == data.CHAPTER_ROWS
    assert ds.rgb.min() >= 0 and ds.rgb.max() <= 255
    assert np.array_equal(ds.labels, colors.formula_label(ds.rgb))
    assert 0.4 < ds.labels.mean() < 0.7
    assert np.array_equal(ds.rgb, data.chapter_dataset().rgb)  # seeded
    assert (255, 192, 203) in map(tuple, ds.rgb.tolist())
    assert np.allclose(ds.X, ds.rgb / 255)


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
    ("red,green,blue,label\n1,2,300,0\n0,0,0,1\n", "outside 0-255"),
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
