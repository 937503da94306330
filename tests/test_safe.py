from gd_ui.safe import ZWSP, md_text


def test_every_markdown_and_latex_character_is_escaped():
    nasty = "[click](http://x.y) ![img](a.png) $x^2$ :red[alert] <b>bold</b> **b** _i_ `c` # h | t ~s~"
    out = md_text(nasty)
    for ch in "[]()!$:<>*_`#|~":
        assert ch not in out.replace("\\" + ch, "")  # each one only ever appears escaped
    assert out.replace("\\", "").replace(ZWSP, "") == nasty
    for glue in (".", ":", "@"):  # no autolink can form: each is followed by a zero-width space
        assert all(part.startswith(ZWSP) for part in out.split("\\" + glue)[1:])


def test_long_and_multiline_text_is_shortened_to_one_line():
    out = md_text("a\nb\r" + "x" * 500, limit=50)
    assert "\n" not in out and len(out) <= 50 and out.endswith("…")


def test_the_data_preview_is_safe_for_its_own_csv_download():
    """st.dataframe offers "Download as CSV": a column named in the file must not become a formula."""
    import pandas as pd

    from gd_ui.datasets import Dataset

    days = pd.date_range("2021-01-01", periods=3, name="date")
    frame = pd.DataFrame({"tmax": [-3.5, 1.0, 2.0], "=HYPERLINK(\"http://x\")": [1.0, 2.0, 3.0],
                          "station": ["@SUM(A1)", "ok", "+1"]}, index=days)
    shown = Dataset("upload:x", "x.csv", frame, "C", "mm").preview(2)
    assert list(shown.columns) == ["tmax (°C)", "'=HYPERLINK(\"http://x\")", "station"]
    assert shown["station"].tolist() == ["'@SUM(A1)", "ok"]
    assert shown["tmax (°C)"].tolist() == [-3.5, 1.0]  # numbers stay numbers
    assert list(shown.index) == ["2021-01-01", "2021-01-02"]
