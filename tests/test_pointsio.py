import numpy as np
import pytest

from toy2d import distributions, pointsio


def write(tmp_path, text, name="p.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_reads_rows_with_a_header_comments_and_several_separators(tmp_path):
    arr = pointsio.read_points_csv(write(tmp_path, "x,y\n1,2\n# note\n3;4\n5\t6\n 7 8 \n"))
    np.testing.assert_array_equal(arr, [[1, 2], [3, 4], [5, 6], [7, 8]])


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("x,y\n", "empty"),
    ("1,2\n", "at least 2"),
    ("1,2\n3,4,5\n", "line 2 has 3 values"),
    ("1,2\nhello,3\n", "line 2 is not numbers"),
    ("1,2\nnan,3\n", "NaN"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not text"),
])
def test_bad_files_get_a_message(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        pointsio.read_points_csv(write(tmp_path, text))


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr", "utf-8-sig", "utf-16"])
def test_a_csv_saved_by_korean_excel_is_read(tmp_path, encoding):
    """Korean Windows' Excel saves "CSV" in CP949 (EUC-KR's superset), "CSV UTF-8" with a BOM, "Unicode text" as
    UTF-16: each with a Korean header."""
    arr = pointsio.read_points_csv(write(tmp_path, "x좌표,y좌표\r\n1.5,2\r\n-3,4\r\n".encode(encoding)))
    np.testing.assert_array_equal(arr, [[1.5, 2], [-3, 4]])


def test_huge_files_are_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(pointsio, "MAX_CSV_BYTES", 100)
    with pytest.raises(ValueError, match="MB"):
        pointsio.read_points_csv(write(tmp_path, "1,2\n" * 100))
    monkeypatch.setattr(pointsio, "MAX_CSV_BYTES", 10**9)
    monkeypatch.setattr(distributions, "MAX_POINTS", 50)
    with pytest.raises(ValueError, match="too many points"):
        pointsio.read_points_csv(write(tmp_path, "1,2\n" * 100))


def test_missing_file(tmp_path):
    with pytest.raises(ValueError, match="could not read"):
        pointsio.read_points_csv(tmp_path / "nope.csv")
