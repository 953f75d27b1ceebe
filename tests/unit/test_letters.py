"""The written warning letter: person, failure, consequences; literal text and escaped HTML."""

from __future__ import annotations

import os
import stat
from datetime import date, time
from html.parser import HTMLParser

import pytest

from omtui.domain.case import Case, EventType, OrderType, Rosh
from omtui.domain.caseformat import case_to_dict, parse_case
from omtui.letters import (
    LetterError,
    letter_context,
    letter_filename,
    render_warning_letter,
    save_letter,
    template_in_use,
    warning_event,
)
from omtui.outcomes_file import packaged_taxonomy
from omtui.rulepacks import load_rulebook

TAX = packaged_taxonomy()
TODAY = date(2026, 11, 23)

@pytest.fixture(autouse=True)
def no_office_overrides(monkeypatch):
    """A developer's own OMTUI_OUTCOMES / OMTUI_TEMPLATES must not change these tests."""
    monkeypatch.delenv("OMTUI_OUTCOMES", raising=False)
    monkeypatch.delenv("OMTUI_TEMPLATES", raising=False)

FAILED = date(2026, 11, 9)


def ftc(day=FAILED, at=time(10, 0), code="failed_to_attend", ctype="office", reason=None):
    return TAX.make_contact_event(day, at, ctype, code, reason)


def make_case(order=OrderType.CO, *events, name="Darren Smith", **extra):
    return Case(crn="X123456", name=name, order_type=order, sentence_date=date(2026, 3, 2),
                tier=3, rosh=Rosh.MEDIUM, events=events or (ftc(),), extra=extra)


def letter(case, number=1, fmt="txt", **kw):
    return render_warning_letter(case, FAILED, number, "Sam Jones", TODAY, fmt, taxonomy=TAX, **kw)


# -- content ------------------------------------------------------------------------------------

def test_first_warning_on_a_community_order_says_breach_next():
    text = letter(make_case(OrderType.CO, ftc(), address="1 High Street\nLeeds LS1 1AA"))
    assert "Darren Smith\n1 High Street\nLeeds LS1 1AA\n" in text
    assert "Our reference: X123456" in text
    assert "FORMAL WARNING\nCommunity order made on 2 March 2026" in text
    assert "This is your first formal warning for failing to comply with your community order." \
        in text
    assert "On Monday 9 November 2026:\n  - You did not attend your office appointment at 10:00." \
        in text
    assert ("If you fail to comply again without an acceptable explanation on or before "
            "23 November 2027 (the next 12 months), you will be taken back to court for breach "
            "of your community order.") in text
    assert "SENIOR MANAGER" not in text
    assert text.rstrip().endswith("Sam Jones\nOffender Manager")


def test_first_warning_on_licence_says_final_warning_then_recall():
    text = letter(make_case(OrderType.LICENCE))
    assert "FORMAL WARNING\nLicence made on" in text
    assert "you will receive a final warning. After a final warning, a further failure will " \
           "lead to recall to prison." in text
    assert "SENIOR MANAGER" not in text


def test_second_warning_on_licence_is_flagged_senior_manager():
    text = letter(make_case(OrderType.LICENCE), number=2)
    assert "FINAL WARNING - TO BE ISSUED BY A SENIOR MANAGER (National Standards 2f.8)" in text
    assert "This is your second formal warning" in text
    assert "action will be taken to recall you to prison." in text
    assert "Issued by: ______________________________\nSenior manager" in text


def test_second_warning_on_an_order_is_not_a_senior_manager_warning():
    # a CO goes to breach after one warning; a second warning is only given when the OM decides
    text = letter(make_case(OrderType.CO), number=2)
    assert "SENIOR MANAGER" not in text
    assert "FORMAL WARNING\n" in text and "FINAL" not in text
    assert "you will be taken back to court for breach of your community order" in text


def test_explicit_senior_manager_flag_wins():
    assert "SENIOR MANAGER" in letter(make_case(OrderType.CO), senior_manager=True)
    assert "SENIOR MANAGER" not in letter(make_case(OrderType.LICENCE), 2, senior_manager=False)


def test_every_failure_that_day_is_described():
    case = make_case(OrderType.CO,
                     ftc(at=time(9, 0), code="sent_home_behaviour"),
                     ftc(at=None, code="unacceptable_absence", ctype="other_agency",
                         reason="court_legal"),
                     ftc(at=time(15, 0), code="attended_ftc", ctype="home_visit"),
                     ftc(day=date(2026, 11, 2)))
    text = letter(case)
    assert ("  - You were sent home from your office appointment at 09:00 because of your "
            "behaviour.\n"
            "  - You did not attend your other agency appointment. The reason you gave "
            "(court / legal) was not accepted.\n"
            "  - You attended your home visit appointment at 15:00 but did not comply with the "
            "requirements of your community order.\n") in text
    assert text.count("  - ") == 3       # the failure of 2 November is not in this letter


def test_policy_numbers_come_from_the_enforcement_pack():
    policy = load_rulebook(use_env=False).enforcement
    ctx = letter_context(make_case(OrderType.LICENCE), FAILED, 2, "Sam Jones", TODAY,
                         policy=policy, taxonomy=TAX)
    assert ctx["warning"]["senior_manager"] is True
    assert ctx["consequence"] == {"next_step": "recall", "action": "recall", "months": 12,
                                  "until": "23 November 2027"}
    ctx = letter_context(make_case(OrderType.PSS), FAILED, 1, "Sam Jones", TODAY, policy=policy)
    assert ctx["consequence"]["next_step"] == "final_warning"
    assert ctx["consequence"]["action"] == "breach"


def test_window_end_is_clipped_on_a_leap_day():
    case = make_case(OrderType.CO, ftc(day=date(2028, 2, 14)))
    ctx = letter_context(case, date(2028, 2, 14), 1, "Sam", date(2028, 2, 29))
    assert ctx["consequence"]["until"] == "28 February 2029"


def test_failures_without_a_known_detail_get_a_plain_description():
    from omtui.domain.case import ContactOutcome, Event

    bare = Event(EventType.CONTACT, FAILED, ContactOutcome.FTC,
                 extra={"contact_type": "office", "time": "10:00",
                        "outcome_detail": "Did not turn up; phoned later."})
    text = render_warning_letter(make_case(OrderType.CO, bare), FAILED, 1, "Sam Jones", TODAY)
    assert ("  - You did not comply with the requirements of your community order "
            "(office appointment at 10:00).") in text
    assert "phoned later" not in text


# -- names are data, never markup ----------------------------------------------------------------

HOSTILE = "Zoë [bold]O'Brien[/bold] <script>alert(1)</script> & [link=http://x]王[/link]"


def test_text_letter_shows_names_literally():
    text = letter(make_case(OrderType.CO, name=HOSTILE))
    assert f"Dear {HOSTILE}," in text
    assert "&lt;" not in text and "&amp;" not in text


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_letter_escapes_names():
    html = letter(make_case(OrderType.CO, name=HOSTILE, address="<b>1</b> High St"), fmt="html")
    assert "<script>" not in html and "<b>1</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; [link=http://x]王[/link]" in html
    parsed = _Collect()
    parsed.feed(html)
    assert "script" not in parsed.tags and "b" not in parsed.tags
    assert f"Dear {HOSTILE}," in "".join(parsed.text)


def test_html_senior_manager_banner():
    html = letter(make_case(OrderType.LICENCE), 2, fmt="html")
    assert '<p class="banner senior">Final warning – to be issued by a senior manager' in html


# -- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    (dict(failure_date=date(2026, 11, 10)), "no failure to comply is recorded for X123456 on "
                                            "2026-11-10"),
    (dict(warning_number=0), "the warning number 0 must be 1 or more"),
    (dict(officer="  "), "the letter needs the offender manager's name"),
    (dict(failure_date=date(2026, 11, 24)), "the failure date 2026-11-24 is after today"),
    (dict(fmt="pdf"), "unknown letter format 'pdf': use txt or html"),
])
def test_bad_requests_say_why(kwargs, message):
    args = dict(case=make_case(), failure_date=FAILED, warning_number=1, officer="Sam Jones",
                today=TODAY)
    args.update(kwargs)
    with pytest.raises(LetterError) as exc:
        render_warning_letter(**args)
    assert str(exc.value).startswith(message)


# -- office templates -----------------------------------------------------------------------------

def test_office_template_overrides_the_packaged_one(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "warning-letter.txt.j2").write_text(
        "Ref {{ person.crn }} / warning {{ warning.number }} / {{ failure.date_iso }}\n", "utf-8")
    assert template_in_use("txt", folder) == str(folder / "warning-letter.txt.j2")
    assert letter(make_case(), template_dir=folder) == "Ref X123456 / warning 1 / 2026-11-09\n"
    # the HTML one is still the packaged template
    assert template_in_use("html", folder) == "packaged warning-letter.html.j2"
    assert "<!DOCTYPE html>" in letter(make_case(), fmt="html", template_dir=folder)


def test_office_template_from_the_config_dir(tmp_path):
    folder = tmp_path / "omtui-config" / "templates"    # conftest's OMTUI_CONFIG_DIR
    folder.mkdir(parents=True)
    (folder / "warning-letter.txt.j2").write_text("Office: {{ person.name }}\n", "utf-8")
    assert letter(make_case()) == "Office: Darren Smith\n"


@pytest.mark.parametrize("body, message", [
    ("{{ person.nmae }}", "letter template"),
    ("{% if %}", "warning-letter.txt.j2 line 1: Expected an expression"),
    ("{{ ''.__class__.__mro__ }}", "letter template"),
])
def test_broken_office_templates_are_clear_errors(tmp_path, body, message):
    (tmp_path / "warning-letter.txt.j2").write_text(body, "utf-8")
    with pytest.raises(LetterError) as exc:
        letter(make_case(), template_dir=tmp_path)
    assert str(exc.value).startswith("letter template ")
    assert message in str(exc.value)


# -- saving and recording ---------------------------------------------------------------------

def test_save_letter_is_private_and_never_overwrites(tmp_path):
    case = make_case()
    name = letter_filename(case, FAILED, 1, "txt")
    assert name == "X123456-warning-1-2026-11-09.txt"
    first = save_letter("one", tmp_path / "letters", name)
    second = save_letter("two", tmp_path / "letters", name)
    assert first.name == name and second.name == "X123456-warning-1-2026-11-09-2.txt"
    assert first.read_text("utf-8") == "one" and second.read_text("utf-8") == "two"
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o600


def test_warning_event_links_the_failure_and_round_trips():
    e = warning_event(FAILED, TODAY, 2, senior_manager=True, letter="X123456-warning-2.txt",
                      officer="Sam Jones")
    assert e.type is EventType.WARNING and e.for_date == FAILED and e.date == TODAY
    case = make_case(OrderType.LICENCE, ftc(), e)
    back, problems = parse_case(case_to_dict(case))
    assert problems == []
    assert back.events[-1] == e
