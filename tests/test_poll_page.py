"""AppTest: the class poll in the pages — a teacher and students who share nothing but the database.

Every session is its own ``AppTest`` (its own session state, its own voter id); the only thing they
share is ``DESCENT_LAB_DB``. The whole classroom flow runs on a fresh SQLite file and, when
``DESCENT_LAB_TEST_PG`` names a server, in a fresh PostgreSQL schema (skipped with the reason otherwise;
failed when ``CI`` is set). Expiry is tested with a poll the store writes as started 24½ hours ago
(``now=``), so no clock is faked inside the app. The pure helpers and the chart are tested here too.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from conftest import APP, experiment_of, open_page, pg_schema, plain, specs, status_box
from streamlit.testing.v1 import AppTest

from gd_poll import ANSWERS, ENV_VAR, NotOwner, PollClosed, open_store
from gd_ui import poll_view as pv
from gd_ui.figures.poll_bars import FADED, poll_figure
from gd_ui.figures.style import INK, ZONE_COLOURS
from gd_ui.pages import PAGES
from gd_ui.presets import GUESSES, ZONE_OF_GUESS
from gd_ui.safe import md_text

QUESTION = {"dataset": "seattle", "label": "Seattle 2012–2015 (°C, mm)", "predictors": ["tmax"],
            "shown": "tmax", "standardize": False, "lr": 2.4e-3, "w0": -0.5, "b0": 10.0, "epochs": 10_000}
OUTCOME_WORDS = ("crawling", "converging", "oscillating", "diverging", "λmax", "Converged", "Diverged",
                 "right answer", "Right!")


# --- the classroom --------------------------------------------------------------------------------------

@pytest.fixture
def sqlite_db(tmp_path, monkeypatch) -> str:
    path = str(tmp_path / "polls.sqlite3")
    monkeypatch.setenv(ENV_VAR, path)
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request, tmp_path, monkeypatch):
    """``DESCENT_LAB_DB`` set to an empty SQLite file or an empty PostgreSQL schema."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_db")
        return
    with pg_schema(request.getfixturevalue("pg_admin_url")) as url:
        monkeypatch.setenv(ENV_VAR, url)
        yield url


def texts(at) -> str:
    """Everything a session shows as text (markdown, captions, alerts, code, radio captions)."""
    parts = [e.value for kind in (at.markdown, at.caption, at.success, at.info, at.warning, at.error, at.code)
             for e in kind]
    parts += [str(e.proto) for e in at.radio]
    return "\n".join(parts)


def teacher(page: str = "app.py", **query) -> tuple[AppTest, str]:
    """A teacher's session with a poll started on ``page``; returns it and the poll's code."""
    at = open_page(page, query=query or None) if page != "app.py" else open_page(query=query or None)
    at.button(key="poll_start").click().run()
    assert not at.exception, at.exception
    code = at.session_state["poll_owned"]["code"]
    assert at.get("code")[0].value.endswith(f"?poll={code}")  # the join link (relative: no browser here)
    return at, code


def student(code: str) -> AppTest:
    """A phone opening the join link: a fresh session with ``?poll=CODE``."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[pv.PARAM] = code
    at.run()
    assert not at.exception, at.exception
    return at


def send(at: AppTest, code: str, answer: str) -> AppTest:
    at.radio(key=f"poll_pick_{code}").set_value(answer).run()
    at.button(key="poll_send").click().run()
    assert not at.exception, at.exception
    return at


def count_line(at: AppTest) -> str:
    """The teacher's "N answers" line."""
    return next(m.value for m in at.markdown if m.value.endswith(("answer", "answers")))


def chart(at: AppTest) -> dict:
    return plain(at, "poll_chart")["figure"]


def test_a_class_answers_the_teacher_counts_reveals_and_closes(any_db):
    tutor, code = teacher()
    status = " ".join(e.value for e in (*tutor.success, *tutor.info, *tutor.error))
    charts = [e for e in tutor.get("bidi_component") if e.proto.component_name == "descent_lab_live"]
    assert "Converged" not in status and not charts  # the outcome waits (plotly.js may preload)
    assert status_box(tutor) is None
    assert count_line(tutor) == "0 answers"
    phones = [student(code) for _ in range(3)]  # three AppTests: nothing shared but DESCENT_LAB_DB
    for phone, answer in zip(phones, ("converge", "oscillate", "crawl")):
        send(phone, code, answer)
        assert "Answer received" in phone.success[0].value
    send(phones[2], code, "converge")  # changed its mind: replaces, still one answer
    assert "Answer received: “converges smoothly”" in phones[2].success[0].value
    voters = {p.session_state["poll_voter"] for p in phones}
    assert len(voters) == 3
    tutor.run()
    assert count_line(tutor) == "3 answers"
    assert open_store().counts(code) == {"crawl": 0, "converge": 2, "oscillate": 1, "diverge": 0}

    tutor.button(key="poll_reveal").click().run()  # the default rate is 0.4 × critical: converging
    assert not tutor.exception
    revealed = tutor.success[0].value
    assert "converges smoothly" in revealed
    assert re.search(r"η·λmax is 0\.[1-9]\d* \(0\.1 ≤ η·λmax ≤ 1\)", revealed)
    assert "67 % of the class (2 of 3) said “converges smoothly”." in texts(tutor)
    assert plain(tutor, "poll_chart")["alt"] == (
        "Bar chart of the class poll's answers, 3 in all: crawls 0 (0 %); converges smoothly 2 (67 %), "
        "the right answer; oscillates but converges 1 (33 %); diverges 0 (0 %).")
    bars = chart(tutor)["data"][0]
    assert bars["y"][1] == "✓ converges smoothly" and bars["marker"]["line"]["width"] == [0, 3, 0, 0]
    assert tutor.get("bidi_component") or tutor.get("plotly_chart")  # the playground is back
    assert status_box(tutor)["kind"] == "converged"
    for phone, right in zip(phones, (True, False, True)):
        phone.run()
        verdict = (phone.success if right else phone.warning)[0].value
        assert verdict.startswith("Right!" if right else "Not quite")
        assert "67 % of the class" in texts(phone)
    with pytest.raises(PollClosed):
        open_store().answer(code, "late-phone", "diverge")

    tutor.button(key="poll_close").click().run()
    assert f"Poll {code} is closed." in texts(tutor)
    assert tutor.button(key="poll_start")  # ready for the next one
    assert open_store().get(code).closed


def test_the_student_page_is_the_question_only(sqlite_db):
    _, code = teacher(lr="6.13e-03")  # a link's rate: η·λmax just under 1
    phone = student(code)
    shown = texts(phone)
    assert "Learning rate η:** 6.13e-03" in shown and "Epochs:** 10,000" in shown
    assert "Seattle 2012–2015" in shown and "weight of tmax -0.5, bias 10" in shown
    assert [phone.radio[0].label, phone.radio[0].options] == ["Your prediction", list(ANSWERS.values())]
    assert phone.button(key="poll_send").disabled  # nothing picked yet
    # no playground: no sidebar, no charts, no status; nothing that gives the outcome away
    assert not phone.sidebar.children and not phone.get("plotly_chart") and not phone.get("bidi_component")
    assert not any(word in "\n".join(e.value for e in (*phone.markdown, *phone.caption)) for word in
                   OUTCOME_WORDS[:4])
    assert not any(w in shown for w in ("Converged", "Diverged", "Right!", "right answer"))
    assert [b.key for b in phone.button] == ["poll_send"]


def test_a_student_cannot_reveal_or_close(sqlite_db):
    tutor, code = teacher()
    phone = send(student(code), code, "diverge")
    assert [b.key for b in phone.button] == ["poll_send"]  # no reveal or close control
    assert "poll_owned" not in phone.session_state
    store = open_store()
    for secret in ("", phone.session_state["poll_voter"], "x" * 43):
        with pytest.raises(NotOwner):
            store.reveal(code, secret)
        with pytest.raises(NotOwner):
            store.close(code, secret)
    assert not store.get(code).revealed and not store.get(code).closed


def test_an_expired_code_says_so_and_shows_the_playground(sqlite_db):
    old = datetime.now(UTC) - timedelta(hours=24, minutes=30)  # expired, within the purge grace
    code, _ = open_store().start(QUESTION, now=old)
    phone = student(code)
    assert f"Poll {code} has expired" in phone.warning[0].value
    assert phone.select_slider(key="lr")  # the normal app, sidebar and all
    assert status_box(phone)["kind"] == "converged"
    assert pv.PARAM not in phone.query_params  # its links do not carry the dead code on


@pytest.mark.parametrize("typed, said", [("ZZZZZZ", "There is no poll with the code ZZZZZZ"),
                                         ("abc", "There is no poll with the code ABC"),
                                         ("<b>x</b>", "There is no poll with that code")])
def test_a_wrong_code_says_so_and_shows_the_playground(sqlite_db, typed, said):
    phone = student(typed)
    assert said in phone.warning[0].value and "playground instead" in phone.warning[0].value
    assert phone.select_slider(key="lr")


def test_codes_are_read_as_typed(sqlite_db):
    code, _ = open_store().start(QUESTION)
    phone = student(f"{code[:3].lower()}-{code[3:].lower()}")
    assert phone.radio[0].label == "Your prediction"


def test_a_student_after_the_reveal_and_after_close(sqlite_db):
    tutor, code = teacher()
    late = student(code)  # opened the page, never sent
    tutor.button(key="poll_reveal").click().run()
    late.run()
    assert late.warning[0].value.startswith("You did not answer")
    assert not late.radio  # no more answers
    tutor.button(key="poll_close").click().run()
    other, _ = teacher()
    other_code = other.session_state["poll_owned"]["code"]
    phone = student(other_code)
    other.button(key="poll_close").click().run()
    phone.run()
    assert "The teacher closed this poll." in phone.info[0].value and not phone.radio


def test_sending_after_the_reveal_shows_the_result(sqlite_db):
    tutor, code = teacher()
    phone = student(code)
    phone.radio(key=f"poll_pick_{code}").set_value("crawl").run()
    tutor.button(key="poll_reveal").click().run()
    phone.button(key="poll_send").click().run()  # too late: the page turns to the result
    assert not phone.exception
    assert phone.warning[0].value.startswith("You did not answer") and not phone.radio


def test_the_step_through_page_starts_a_poll_and_waits(sqlite_db):
    tutor, code = teacher("pages/Step_Through.py")
    assert "Class poll: what will gradient descent do?" in [h.value for h in tutor.subheader]
    assert [c["layout"].get("height") for c in specs(tutor)] == [chart(tutor)["layout"]["height"]]  # only
    # the poll's chart: the lesson waits for the reveal
    tutor.button(key="poll_reveal").click().run()
    assert tutor.session_state["poll_hide"] is False
    assert "converges smoothly" in tutor.success[0].value


def test_the_sidebar_badge_waits_while_the_poll_asks(sqlite_db):
    tutor, _ = teacher()
    badges = [m.value for m in tutor.sidebar.markdown if "badge" in m.value]
    assert badges and badges[0].startswith(":gray-badge[**predict first**]")
    tutor.button(key="poll_reveal").click().run()
    badges = [m.value for m in tutor.sidebar.markdown if "badge" in m.value]
    assert badges[0].startswith(":green-badge[**converging**]")


def test_an_upload_label_is_stored_as_text_and_shown_as_text(sqlite_db):
    label = "[click](http://evil.example) <script>x</script> $x^2$"
    question = {**QUESTION, "dataset": "upload:abc123", "label": pv.storable(label)}
    code, secret = open_store().start(question)
    phone = student(code)
    line = next(m.value for m in phone.markdown if m.value.startswith("**Dataset:**"))
    assert md_text(pv.storable(label)) in line and "](http" not in line
    open_store().reveal(code, secret)
    phone.run()
    assert "on the teacher's screen" in phone.info[0].value  # an upload's outcome is not computed here


def test_an_unreachable_database_is_said_and_phones_do_not_fall_back(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv(ENV_VAR, str(blocker / "polls.sqlite3"))  # its folder cannot be created
    phone = student("K7P3QX")
    assert "cannot be created" in phone.error[0].value
    assert [b.label for b in phone.button] == ["Try again"] and not phone.select_slider  # no playground
    tutor = open_page()
    tutor.button(key="poll_start").click().run()
    assert "cannot be created" in tutor.error[0].value and "poll_owned" not in tutor.session_state
    assert tutor.button(key="poll_start")


# --- the pure helpers and the chart ---------------------------------------------------------------------

def test_the_answers_are_the_predict_first_guesses_and_map_the_zones():
    assert tuple(ANSWERS) == GUESSES
    assert {pv.ANSWER_OF_ZONE[zone] for zone in ZONE_OF_GUESS.values()} == set(ANSWERS)
    theory = experiment_of("seattle").theory
    for s, answer in ((0.05, "crawl"), (0.8, "converge"), (1.9, "oscillate"), (2.1, "diverge")):
        assert pv.answer_of(theory, s / theory.lambda_max) == answer


def test_rates_are_spelled_as_the_slider_does_and_read_back_exactly():
    for lr in (6.13e-3, 2.4e-3, 6.1325e-3, 1e-4, 0.1 + 0.2):
        assert float(pv.rate_text(lr)) == lr
    assert pv.rate_text(6.13e-3) == "6.13e-03" and pv.rate_text(6.1325e-3) == "6.1325e-03"


def test_storable_keeps_labels_within_the_stores_rules():
    assert pv.storable("a<b>\x00c") == "a‹b› c"
    assert len(pv.storable("x" * 500)) == 200 and pv.storable("   ") == "(unnamed)"


@pytest.mark.parametrize("page_url, host, want", [
    ("http://10.0.0.5:8501", None, "http://10.0.0.5:8501/?poll=K7P3QX"),
    ("http://10.0.0.5:8501/", None, "http://10.0.0.5:8501/?poll=K7P3QX"),
    ("https://lab.example.org/Step_Through", None, "https://lab.example.org/?poll=K7P3QX"),
    ("https://school.example/descent/Step_Through", None, "https://school.example/descent/?poll=K7P3QX"),
    (None, "10.0.0.5:8501", "http://10.0.0.5:8501/?poll=K7P3QX"),
    (None, "evil.example/<x>", "./?poll=K7P3QX"),
    (None, None, "./?poll=K7P3QX"),
])
def test_the_join_link_is_the_apps_root_with_the_code(page_url, host, want):
    slugs = [p.slug for p in PAGES if p.slug]  # every page's URL path but the root's
    assert {"Data", "Step_Through"} <= set(slugs)
    assert pv.join_url(page_url, "K7P3QX", slugs, host=host) == want


def test_the_qr_code_is_an_svg_of_the_link():
    svg = pv.qr_svg("http://10.0.0.5:8501/?poll=K7P3QX")
    assert svg.startswith("<svg ") and 'width="' in svg and "#1a1a1a" in svg.lower()
    import segno

    side = segno.make("http://10.0.0.5:8501/?poll=K7P3QX", error="m").symbol_size(scale=10)[0]
    assert side >= 200  # and st.image shows it at 220-250 px


def test_share_and_count_sentences():
    counts = {"crawl": 1, "converge": 3, "oscillate": 14, "diverge": 12}
    said = "47 % of the class (14 of 30) said “oscillates but converges”."
    assert pv.share_sentence(counts, "oscillate") == said
    assert pv.share_sentence(dict.fromkeys(ANSWERS, 0), "crawl") == "Nobody answered this poll."
    assert [pv.answers_text(n) for n in (0, 1, 3)] == ["0 answers", "1 answer", "3 answers"]
    assert pv.bar_text(counts)["oscillate"] == "14 · 47 %"
    summary = pv.counts_summary(counts, "oscillate")
    assert summary.startswith("Bar chart of the class poll's answers, 30 in all: crawls 1 (3 %);")
    assert summary.endswith("diverges 12 (40 %).")
    assert "oscillates but converges 14 (47 %), the right answer;" in summary
    assert pv.counts_summary(dict.fromkeys(ANSWERS, 0)) == "Bar chart of the class poll's answers: none yet."
    assert pv.verdict("crawl", "crawl")[0] and not pv.verdict(None, "crawl")[0]


def test_the_poll_chart_bars_colours_text_and_the_marked_answer():
    counts = {"crawl": 0, "converge": 2, "oscillate": 5, "diverge": 1}
    fig = poll_figure(counts, ANSWERS, pv.bar_text(counts))
    bars = fig.data[0]
    assert list(bars.y) == list(ANSWERS.values()) and list(bars.x) == [0, 2, 5, 1]
    assert list(bars.marker.color) == [ZONE_COLOURS[ZONE_OF_GUESS[k]] for k in ANSWERS]
    assert bars.textfont.color == INK and bars.textposition == "outside"
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.xaxis.range[1] > 5
    marked = poll_figure(counts, ANSWERS, pv.bar_text(counts), right="oscillate", big=True).data[0]
    assert marked.y[2] == "✓ oscillates but converges" and list(marked.marker.line.width) == [0, 0, 3, 0]
    assert list(marked.marker.opacity) == [FADED, FADED, 1.0, FADED]


def test_the_polls_join_link_is_the_classs_address(sqlite_db, monkeypatch):
    """The poll's link is built as the class's is (``DESCENT_LAB_PUBLIC_URL``, localhost turned into the
    network address): never the teacher's own localhost."""
    from gd_ui.class_links import PUBLIC_ENV

    monkeypatch.setenv(PUBLIC_ENV, "https://lab.example.org/descent")
    at, code = teacher()
    assert at.get("code")[0].value == f"https://lab.example.org/descent/?poll={code}"
    assert "No QR code" not in texts(at)  # an absolute link: its QR code is drawn
