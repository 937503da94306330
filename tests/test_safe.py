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
