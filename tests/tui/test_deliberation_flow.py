"""A deliberation's page against a fresh sandbox, through a whole flow: answer
the pre-survey, reach the discussion and reply, answer the post-survey, see
the shift, export; and the answer checks and the list's markers."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import RadioSet, SelectionList, TextArea

from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.screens.compose import ComposeScreen
from ratel_tui.screens.deliberation import DeliberationScreen
from ratel_tui.screens.dialogs import Confirm, TextPrompt
from ratel_tui.widgets.resource_table import ResourceSection
from ratel_tui.widgets.survey_form import SurveyForm
from tests.conftest import Api
from tests.tui.harness import Host, open_session, settle

QUESTIONS = [
    {"text": "Which option?", "type": "multiple_choice", "options": ["Red", "Blue"]},
    {"text": "Which days?", "type": "checkbox", "options": ["Mon", "Tue", "Wed"]},
    {"text": "I feel heard.", "type": "likert"},
    {"text": "Anything else?", "type": "free_text", "required": False},
]
"""One question of each type; the post-survey asks them again."""


def screen_text(app: App[Any]) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


async def wait_for(pilot: Any, check: Callable[[], Any], timeout: float = 10) -> None:
    for _ in range(int(timeout / 0.05)):
        try:
            if check():
                return
        except Exception:
            pass
        await pilot.pause(0.05)
    raise AssertionError("condition never held")


def civic(api: Api) -> str:
    spaces = api.data("GET", "/spaces", params={"member": "true", "per_page": 50})
    return next(s["id"] for s in spaces if s["name"] == "Civic Tech Commons")


def new_deliberation(server: SandboxServer) -> dict[str, Any]:
    """A deliberation by ada (who may advance it), moved to its pre-survey."""
    ada = Api(server, "ada")
    made = ada.data(
        "POST",
        "/deliberations",
        json={
            "space_id": civic(ada),
            "title": "Paint the bike shed",
            "pre_survey": {"questions": QUESTIONS},
            "duration_days": 3,
        },
    )
    return ada.data("POST", f"/deliberations/{made['id']}/advance")


async def choose(app: App[Any], pilot: Any, question_id: str, presses: int) -> None:
    """Pick the option `presses` down from the top of a radio question."""
    field = app.screen.query_one(f"#q-{question_id}", RadioSet)
    field.focus()
    for _ in range(presses):
        await pilot.press("down")
    await pilot.press("enter")


async def tick(app: App[Any], pilot: Any, question_id: str, *indexes: int) -> None:
    """Tick options of a checkbox question with the keyboard."""
    field = app.screen.query_one(f"#q-{question_id}", SelectionList)
    field.focus()
    field.highlighted = 0
    at = 0
    for index in indexes:
        for _ in range(index - at):
            await pilot.press("down")
        at = index
        await pilot.press("space")


async def answer(
    app: App[Any], pilot: Any, questions: list[dict[str, Any]], picks: tuple[int, ...]
) -> None:
    first, days, feel = picks
    await choose(app, pilot, questions[0]["id"], first)
    await tick(app, pilot, questions[1]["id"], days)
    await choose(app, pilot, questions[2]["id"], feel)


async def advance(app: App[Any], pilot: Any, phase: str) -> None:
    await pilot.press("A")
    await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
    await pilot.press("y")
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, DeliberationScreen)
            and app.screen.item.status == phase
        ),
    )
    await settle(app, pilot)


async def write_reply(app: App[Any], pilot: Any, key: str, text: str) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
    await pilot.press(*text)
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(app.screen, DeliberationScreen))
    await settle(app, pilot)


async def export_to(app: App[Any], pilot: Any, path: Path) -> None:
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
    app.screen.query_one(TextArea).text = str(path)
    await pilot.press("ctrl+s")
    await wait_for(pilot, path.exists)
    await settle(app, pilot)


async def test_whole_flow_from_pre_survey_to_the_shift_and_export(
    make_sandbox: Callable[..., SandboxServer], tmp_path: Path
) -> None:
    server = make_sandbox()
    made = new_deliberation(server)
    did, pre = made["id"], made["pre_survey"]["questions"]
    ada = Api(server, "ada")
    async with open_session(server, "ada") as session:
        app = Host(session, lambda: DeliberationScreen(did))
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(app, pilot)
            await wait_for(pilot, lambda: app.screen.query_one(SurveyForm))
            assert "PRE-SURVEY (now)" in screen_text(app)

            # Free text is in the journal while it is typed.
            app.screen.query_one(f"#q-{pre[3]['id']}", TextArea).focus()
            await pilot.press(*"more paint")
            target = {"deliberation_id": did, "survey_id": made["pre_survey"]["id"],
                      "question_id": pre[3]["id"]}  # fmt: skip
            await wait_for(
                pilot,
                lambda: session.journal.find("survey", target).body == "more paint",
            )

            await answer(app, pilot, pre, (0, 0, 1))
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not app.screen.query(SurveyForm))
            await settle(app, pilot)
            assert "Your answer: Red" in screen_text(app)
            assert "Your answer: 2 (disagree)" in screen_text(app)
            assert session.journal.find("survey", target) is None
            assert ada.data("GET", f"/deliberations/{did}")["my_responses"]["pre"]

            await advance(app, pilot, "discussion")
            await write_reply(app, pilot, "C", "Blue is calmer")
            comments = ada.data("GET", f"/deliberations/{did}/comments")
            assert [c["content"] for c in comments] == ["Blue is calmer"]
            app.screen.query_one("#discussion-thread").tree.focus()
            await pilot.press("down")
            await write_reply(app, pilot, "c", "Red is bolder")
            comments = ada.data("GET", f"/deliberations/{did}/comments")
            assert comments[1]["parent_id"] == comments[0]["id"]
            assert "Red is bolder" in screen_text(app)

            await advance(app, pilot, "post_survey")
            post = app.screen.item.post_survey.questions
            await wait_for(pilot, lambda: app.screen.query_one(SurveyForm))
            await answer(app, pilot, [q.model_dump() for q in post], (1, 2, 4))
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not app.screen.query(SurveyForm))

            await advance(app, pilot, "completed")
            await wait_for(pilot, lambda: "Moved:" in screen_text(app))
            shown = screen_text(app)
            assert "BEFORE" in shown and "AFTER" in shown
            assert "Moved: 1 of 1 who answered both changed their answer" in shown
            assert "▲+100.0" in shown.replace(" ", "")

            await export_to(app, pilot, tmp_path / "out.json")
            await export_to(app, pilot, tmp_path / "out.csv")
    check_exports(ada, did, tmp_path)


def check_exports(ada: Api, did: str, folder: Path) -> None:
    """The files hold what the server's results count."""
    results = ada.data("GET", f"/deliberations/{did}/results")
    exported = json.loads((folder / "out.json").read_text())
    assert exported == ada.data("GET", f"/deliberations/{did}/export")
    by_survey = {"pre": 0, "post": 0}
    for response in exported["responses"]:
        by_survey[response["survey"]] += 1
    assert by_survey == results["participants"]
    first = results["pre"]["questions"][0]
    chosen = [r["answers"][first["question_id"]] for r in exported["responses"]
              if r["survey"] == "pre"]  # fmt: skip
    for option in first["options"]:
        assert chosen.count(option["option"]) == option["count"]
    rows = list(csv.DictReader(io.StringIO((folder / "out.csv").read_text())))
    assert {row["answer"] for row in rows} >= {
        "Red",
        "Blue",
        "Mon",
        "Wed",
        "more paint",
    }
    assert len(rows) == sum(len(r["answers"]) for r in exported["responses"])


async def test_refused_answers_are_not_sent_and_the_form_closes_with_its_phase(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    server = make_sandbox()
    made = new_deliberation(server)
    did, pre = made["id"], made["pre_survey"]["questions"]
    async with open_session(server, "bruno") as session:
        app = Host(session, lambda: DeliberationScreen(did))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await wait_for(pilot, lambda: app.screen.query_one(SurveyForm))
            await choose(app, pilot, pre[0]["id"], 1)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            problem = app.screen.query_one(f"#problem-{pre[1]['id']}")
            assert "needs an answer" in str(problem.render())
            assert app.screen.focused is app.screen.query_one(f"#q-{pre[1]['id']}")
            assert session.outbox.pending_count() == 0
            assert not Api(server, "bruno").data("GET", f"/deliberations/{did}")[
                "my_responses"
            ]["pre"]
            # bruno neither created it nor runs the Space: advancing is refused here.
            await pilot.press("A")
            await settle(app, pilot)
            assert not isinstance(app.screen, Confirm)

            # Once the phase is over the form is closed.
            Api(server, "ada").data("POST", f"/deliberations/{did}/advance")
            await pilot.press("R")
            await wait_for(pilot, lambda: not app.screen.query(SurveyForm))
            await settle(app, pilot)
            assert "closed: its phase is over" in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_list_marks_my_answers_and_enter_opens_the_page(
    make_sandbox: Callable[..., SandboxServer], size: tuple[int, int]
) -> None:
    from ratel_tui.screens.deliberations import DeliberationsSection

    # A fresh world: the shared one gains deliberations as other tests run.
    async with open_session(make_sandbox(), "ada") as session:
        app = Host(session, lambda: _SectionScreen(DeliberationsSection))
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            await wait_for(pilot, lambda: "pre✓" in screen_text(app))
            assert "post✗" in screen_text(app)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DeliberationScreen))
            await settle(app, pilot)
            assert "(now)" in screen_text(app)
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, _SectionScreen))
            await settle(app, pilot)
            assert "pre✓" in screen_text(app)
            assert not app.errors


class _SectionScreen(Screen[None]):
    """Shows one section, as the app's frame does."""

    def __init__(self, section: type[ResourceSection]) -> None:
        super().__init__()
        self.section = section()

    def compose(self) -> ComposeResult:
        yield self.section

    def on_mount(self) -> None:
        self.section.on_shown()


async def test_a_host_builds_a_deliberation_with_every_question_type(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    from textual.widgets import Input, Select

    from ratel_tui.screens.deliberation_new import DeliberationNewScreen, QuestionRow

    server = make_sandbox()
    ada = Api(server, "ada")
    space = civic(ada)
    async with open_session(server, "ada") as session:
        await session.load_space_names()
        app = Host(session, lambda: DeliberationNewScreen(space))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press(*"Name the river path")
            for kind, options in (
                ("checkbox", "Mon"),
                ("likert", ""),
                ("free_text", ""),
            ):
                await pilot.press("ctrl+n")
                await settle(app, pilot)
                row = app.screen.query(QuestionRow).last()
                await pilot.press(*f"Question {kind}")
                row.query_one(".q-type", Select).value = kind
                row.query_one(".q-options", Input).value = options
            first = app.screen.query(QuestionRow).first()
            first.query_one(".q-text", Input).value = "Which name?"
            await settle(app, pilot)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            shown = screen_text(app)
            assert "Question 2 needs 2 to 20 options" in shown
            assert not _titled(ada, "Name the river path")

            rows = list(app.screen.query(QuestionRow))
            rows[1].query_one(".q-options", Input).value = "Mon | Tue"
            await settle(app, pilot)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, DeliberationScreen))
            await settle(app, pilot)
            assert "DRAFT (now)" in screen_text(app)
    made = _titled(ada, "Name the river path")
    assert made["status"] == "draft"
    types = [q["type"] for q in made["pre_survey"]["questions"]]
    assert types == ["multiple_choice", "checkbox", "likert", "free_text"]
    assert made["pre_survey"]["questions"][1]["options"] == ["Mon", "Tue"]


def _titled(api: Api, title: str) -> dict[str, Any] | None:
    found = api.data("GET", "/deliberations", params={"per_page": 100})
    return next((d for d in found if d["title"] == title), None)


async def test_hostile_question_text_and_options_show_literally(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    server = make_sandbox()
    ada = Api(server, "ada")
    hostile = "[@click=app.quit]Quit[/] [b]bold"
    made = ada.data(
        "POST",
        "/deliberations",
        json={
            "space_id": civic(ada),
            "title": hostile,
            "pre_survey": {
                "questions": [
                    {"text": hostile, "type": "multiple_choice",
                     "options": ["[/]", "x\x1b]52;c;ZXZpbA==\x07y"]},
                    {"text": "[/bold]", "type": "checkbox", "options": ["[/]", "[b]"]},
                ]
            },
            "duration_days": 3,
        },
    )  # fmt: skip
    ada.data("POST", f"/deliberations/{made['id']}/advance")
    async with open_session(server, "ada") as session:
        app = Host(session, lambda: DeliberationScreen(made["id"]))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await wait_for(pilot, lambda: app.screen.query_one(SurveyForm))
            shown = screen_text(app)
            assert hostile in shown and "[/bold]" in shown and "○▌ [/]" in shown
            assert "\x1b" not in shown
            app.screen.action_show_tab("results")
            await settle(app, pilot)
            assert app.is_running and not app.errors
