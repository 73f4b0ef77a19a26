"""A deliberation's page: the phase timeline with a countdown, the survey of
the phase as a form, the discussion, the results with the opinion shift,
export, and advancing the phase for its hosts."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from ratel_tui.api import deliberations as deliberations_api
from ratel_tui.api import spaces as spaces_api
from ratel_tui.api.errors import ApiError
from ratel_tui.api.models import Deliberation
from ratel_tui.api.models.deliberations import Results, Survey
from ratel_tui.api.models.posts import Comment
from ratel_tui.screens.base import (
    error_line,
    freshness,
    nav,
    perform_or_say,
    session_of,
)
from ratel_tui.screens.deliberations import (
    answered_line,
    countdown,
    phase_name,
    phase_timeline,
)
from ratel_tui.services import codecs, export, surveys
from ratel_tui.services.session import WriteRefused
from ratel_tui.store.local import StoreError
from ratel_tui.widgets import age
from ratel_tui.widgets.comment_tree import CommentThread
from ratel_tui.widgets.results_view import ResultsView
from ratel_tui.widgets.safe_text import plain, plain_line
from ratel_tui.widgets.status_bar import StatusBar
from ratel_tui.widgets.survey_form import SurveyForm, survey_note

NEXT_PHASE = dict(zip(surveys.PHASES, surveys.PHASES[1:], strict=False))
"""The phase that follows each but the last."""

TAB_OF_PHASE = {"discussion": "discussion", "completed": "results"}
"""The tab a deliberation opens on in each phase (else the survey)."""

COMMENT_PAGES = 5
"""Pages of 100 discussion comments read at most."""


def _key(
    key: str, action: str, label: str, tooltip: str, *, priority: bool = False
) -> Binding:
    """A binding of this screen, its id named after its action (or tab)."""
    name = action.split("'")[1] if "'" in action else action
    return Binding(
        key,
        action,
        label,
        tooltip=tooltip,
        id=f"deliberation.{name}",
        priority=priority,
    )


class DeliberationScreen(Screen[None]):
    """One deliberation: timeline, survey, discussion and results."""

    DEFAULT_CSS = """
    DeliberationScreen #delib-head { height: auto; padding: 0 1; }
    DeliberationScreen #delib-clock { padding: 0 1; }
    DeliberationScreen TabbedContent { height: 1fr; }
    DeliberationScreen TabPane { padding: 0; }
    DeliberationScreen #survey-note, DeliberationScreen #discussion-note {
        padding: 0 1; height: auto;
    }
    DeliberationScreen SurveyForm { padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="deliberation.back"),
        _key("a", "show_tab('survey')", "Survey", "Show the survey of this phase."),
        _key("t", "show_tab('discussion')", "Discussion", "Show the threads."),
        _key("v", "show_tab('results')", "Results", "Show results and the shift."),
        _key(
            "ctrl+s",
            "send_answers",
            "Send answers",
            "Check the answers and send them through the outbox.",
            priority=True,
        ),
        _key("c", "reply", "Reply", "Reply to the highlighted comment."),
        _key("C", "new_thread", "New thread", "Start a thread in the discussion."),
        _key("x", "export_answers", "Export", "Write the responses to CSV or JSON."),
        _key("A", "advance_phase", "Advance", "Move on to the next phase (hosts)."),
        _key("R", "reload", "Reload", "Read the deliberation again."),
        Binding("j", "scroll_down", "Down", show=False, id="deliberation.down"),
        Binding("k", "scroll_up", "Up", show=False, id="deliberation.up"),
    ]

    def __init__(self, deliberation_id: str) -> None:
        super().__init__()
        self.deliberation_id = deliberation_id
        self.item: Deliberation | None = None
        self.results: Results | None = None
        self.manager = False
        self._sending = False

    def compose(self) -> ComposeResult:
        yield Static(Text("Loading…"), id="delib-head")
        yield Static("", id="delib-clock")
        with TabbedContent(id="delib-tabs"):
            with TabPane("Survey (a)", id="survey"), VerticalScroll(id="survey-scroll"):
                yield Static("", id="survey-note")
                yield Vertical(id="survey-area")
            with TabPane("Discussion (t)", id="discussion"):
                yield Static("", id="discussion-note")
                yield CommentThread(me=session_of(self).me.id, id="discussion-thread")
            with (
                TabPane("Results (v)", id="results"),
                VerticalScroll(id="results-scroll"),
            ):
                yield ResultsView(id="results-view")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)
        self.load(first=True)

    # Loading

    @work(group="deliberation-load", exclusive=True, exit_on_error=False)
    async def load(self, first: bool = False) -> None:
        session = session_of(self)
        try:
            fetched = await session.read(
                f"deliberation:{self.deliberation_id}",
                lambda c: deliberations_api.get_deliberation(c, self.deliberation_id),
                codecs.model(Deliberation),
            )
        except ApiError as exc:
            self.query_one("#delib-head", Static).update(Text(error_line(exc)))
            nav(self).report_error(exc, "reading the deliberation")
            return
        self.item = fetched.value
        if not session.space_names:
            with contextlib.suppress(ApiError):
                await session.load_space_names()
        self.manager = await self._is_manager(fetched.value)
        self.show_head(freshness(fetched))
        self.show_survey()
        if first:
            tab = TAB_OF_PHASE.get(self.item.status, "survey")
            self.query_one(TabbedContent).active = tab
        self.load_results()
        self.load_discussion()

    async def _is_manager(self, item: Deliberation) -> bool:
        """The creator or an admin of the Space may advance it."""
        me = session_of(self).me
        if item.created_by is not None and item.created_by.id == me.id:
            return True
        if item.space_id is None:
            return False
        try:
            space = await session_of(self).call(
                lambda c: spaces_api.get_space(c, item.space_id or "")
            )
        except ApiError:
            return False
        return space.my_role == "admin"

    def show_head(self, status: str = "") -> None:
        item = self.item
        if item is None:
            return
        names = session_of(self).space_names
        head = plain_line(item.title, style="bold", max_chars=200)
        head.append("\n")
        head.append_text(plain_line(names.get(item.space_id or "", item.space_id)))
        if item.created_by is not None:
            head.append(" · by @")
            head.append_text(plain_line(item.created_by.username, max_chars=40))
        if self.manager:
            head.append(" · you host it (A advances)")
        head.append("\n")
        head.append_text(answered_line(item))
        if status:
            head.append(f" · {status}")
        head.append("\n")
        head.append_text(phase_timeline(item.status))
        self.query_one("#delib-head", Static).update(head)
        self.tick()

    def tick(self) -> None:
        """Count the time left down, once a second."""
        if self.item is None:
            return
        line = countdown(self.item.phase_ends_at, self.item.status, age.now())
        self.query_one("#delib-clock", Static).update(Text(line, style="bold"))

    @work(group="deliberation-results", exclusive=True, exit_on_error=False)
    async def load_results(self) -> None:
        view = self.query_one(ResultsView)
        try:
            fetched = await session_of(self).read(
                f"deliberation-results:{self.deliberation_id}",
                lambda c: deliberations_api.results(c, self.deliberation_id),
                codecs.model(Results),
            )
        except ApiError as exc:
            view.update(Text(f"The results cannot be read: {error_line(exc)}"))
            return
        self.results = fetched.value
        view.show(fetched.value)

    @work(group="deliberation-discussion", exclusive=True, exit_on_error=False)
    async def load_discussion(self) -> None:
        note = self.query_one("#discussion-note", Static)
        if not session_of(self).supports(deliberations_api.FULL[0]):
            note.update(Text("This server does not share discussion threads."))
            return
        try:
            fetched = await session_of(self).read(
                f"deliberation-comments:{self.deliberation_id}",
                self._every_comment,
                codecs.models(Comment),
            )
        except ApiError as exc:
            note.update(Text(f"The discussion cannot be read: {error_line(exc)}"))
            return
        comments = list(fetched.value)
        self.query_one(CommentThread).set_comments(comments)
        note.update(Text(self._discussion_words(len(comments))))

    def _discussion_words(self, count: int) -> str:
        status = self.item.status if self.item else ""
        state = (
            "open: c replies to the highlighted comment, C starts a thread"
            if status == "discussion"
            else "closed: replies are taken in the discussion phase only"
        )
        return f"{count} comments · {state}"

    async def _every_comment(self, client: Any) -> tuple[Comment, ...]:
        found: list[Comment] = []
        for page in range(1, COMMENT_PAGES + 1):
            answer = await deliberations_api.list_comments(
                client, self.deliberation_id, page=page, per_page=100
            )
            found.extend(answer.items)
            if not answer.has_more:
                break
        return tuple(found)

    # The survey

    def current_survey(self) -> tuple[str, Survey] | None:
        """The survey of the phase (or the latest one): kind and survey."""
        item = self.item
        if item is None:
            return None
        if item.status in ("post_survey", "completed") and item.post_survey:
            return "post", item.post_survey
        if item.pre_survey is None:
            return None
        if item.status in ("draft", "pre_survey", "discussion"):
            return "pre", item.pre_survey
        return None

    def show_survey(self) -> None:
        area = self.query_one("#survey-area", Vertical)
        area.remove_children()
        chosen = self.current_survey()
        if self.item is None or chosen is None:
            self.query_one("#survey-note", Static).update(Text("No survey."))
            return
        kind, survey = chosen
        state = surveys.survey_state(self.item, kind)
        saved = self.saved_answers(survey.id)
        if saved is not None and state == "open":
            state = "waiting"
        note = survey_note(kind, survey, state, saved)
        self.query_one("#survey-note", Static).update(note)
        if state == "open":
            area.mount(SurveyForm(self.item.id, survey))

    def saved_answers(self, survey_id: str) -> dict[str, Any] | None:
        """What I answered to this survey from this app, if it was kept."""
        found = session_of(self).cache.get(f"my-answers:{survey_id}")
        return found.body if found is not None else None

    def action_send_answers(self) -> None:
        forms = self.query(SurveyForm)
        if self._sending:
            return
        if not forms:
            self.notify("There is no open survey to send.", severity="warning")
            return
        form = forms.first()
        answers = form.answers()
        problems = surveys.answer_problems(form.survey, answers)
        form.show_problems(problems)
        if problems:
            problem = problems[0][1]
            self.notify(
                f"{len(problems)} answer(s) to fix: this question {problem}.",
                severity="warning",
                markup=False,
            )
            return
        self._send(form, surveys.kept_answers(form.survey, answers))

    @work(group="deliberation-send", exit_on_error=False)
    async def _send(self, form: SurveyForm, answers: dict[str, Any]) -> None:
        session = session_of(self)
        payload = surveys.respond_payload(self.deliberation_id, form.survey.id, answers)
        self._sending = True
        try:
            outcome = await session.send(
                "respond", payload, summary=f"answers to {len(answers)} questions"
            )
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        finally:
            self._sending = False
        if outcome is not None and outcome.state == "refused":
            nav(self).report_error(WriteRefused(outcome.reason), "sending the answers")
            return
        session.cache.put(f"my-answers:{form.survey.id}", answers)
        form.forget_text()
        if outcome is None:
            self.notify("Kept in the outbox: sent when the server is back.")
            self.show_survey()
            return
        self.notify("Answers sent.", timeout=3)
        self.load()

    # Discussion

    def action_reply(self) -> None:
        comment = self.query_one(CommentThread).tree.comment
        self._compose_reply(comment)

    def action_new_thread(self) -> None:
        self._compose_reply(None)

    @work(group="deliberation-reply", exit_on_error=False)
    async def _compose_reply(self, parent: Comment | None) -> None:
        from ratel_tui.screens.writing import write_and_wait

        if self.item is None or self.item.status != "discussion":
            self.notify("Replies are taken in the discussion phase only.")
            return
        self.query_one(TabbedContent).active = "discussion"
        target = {"deliberation_id": self.deliberation_id, "parent_id": None}
        heading = Text("A new thread in the discussion", style="bold")
        if parent is not None:
            target["parent_id"] = parent.id
            heading = Text("Reply to @", style="bold").append_text(
                plain_line(parent.author.username, max_chars=40)
            )
        outcome = await write_and_wait(
            self, "discussion", target, heading, doing="sending the reply"
        )
        if outcome is not None:
            self.load_discussion()

    # Export and advance

    def action_export_answers(self) -> None:
        self._export()

    @work(group="deliberation-export", exit_on_error=False)
    async def _export(self) -> None:
        from ratel_tui.screens.dialogs import TextPrompt

        suggested = str(Path.home() / f"{self.deliberation_id}.csv")
        title = plain(
            "Export every response, anonymised. The file (.csv or .json) to write:"
        )
        answer = await self.app.push_screen_wait(TextPrompt(title, suggested, 1_000))
        if not answer or not answer.strip():
            return
        path = Path(answer.strip()).expanduser()
        fmt = export.format_of(path)
        try:
            data = await session_of(self).call(
                lambda c: export.fetch_export(c, self.deliberation_id, fmt)
            )
            export.write_file(path, data)
        except (ApiError, export.ExportError) as exc:
            nav(self).report_error(exc, "exporting the responses")
            return
        self.notify(
            f"Wrote {len(data):,} bytes of {fmt.upper()} to {path}", markup=False
        )

    def action_advance_phase(self) -> None:
        if self.item is None:
            return
        if not self.manager:
            self.notify("Only its creator or a Space admin may advance it.")
            return
        following = NEXT_PHASE.get(self.item.status)
        if following is None:
            self.notify("This deliberation is completed already.")
            return
        self._advance(following)

    @work(group="deliberation-advance", exit_on_error=False)
    async def _advance(self, following: str) -> None:
        from ratel_tui.screens.dialogs import Confirm

        assert self.item is not None
        question = (
            f"Move on from {phase_name(self.item.status)} to {phase_name(following)}?"
        )
        if not await self.app.push_screen_wait(Confirm(question, yes="Advance")):
            return
        moved = await perform_or_say(
            self,
            "advance",
            {"deliberation_id": self.deliberation_id},
            summary=f"advance to {phase_name(following)}",
            model=Deliberation,
            doing="advancing the deliberation",
            kept="it advances when the server is back",
        )
        if moved is None:
            return
        self.notify(f"Now in {phase_name(moved.status)}.", timeout=3)
        self.load(first=True)

    # Moving around

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.load()

    def _scroller(self) -> VerticalScroll | None:
        active = self.query_one(TabbedContent).active
        found = self.query(f"#{active}-scroll")
        return found.first() if found else None

    def action_scroll_down(self) -> None:
        if (scroller := self._scroller()) is not None:
            scroller.scroll_down()

    def action_scroll_up(self) -> None:
        if (scroller := self._scroller()) is not None:
            scroller.scroll_up()
