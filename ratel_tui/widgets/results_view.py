"""A deliberation's results as text: bars per option with counts and shares,
and for questions asked twice the pre and post bars side by side with the
net change and how many moved. Plain block characters and numbers, so 16
colours and NO_COLOR read the same."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ratel_tui.api.models.deliberations import (
    QuestionResult,
    QuestionShift,
    Results,
    SurveyResults,
)
from ratel_tui.services.surveys import (
    LIKERT_LABELS,
    TYPE_NAMES,
    bar,
    direction,
    likert_share,
    moved_line,
    percent,
    signed,
)
from ratel_tui.widgets.safe_text import plain_line

Row = tuple[str, int, float | None]
"""One bar: its label, count and percentage."""


def render_results(results: Results, width: int = 80) -> Text:
    """The whole results page at `width` columns."""
    text = _header(results)
    shifts = {s.pre_question_id: s for s in results.shift or ()}
    shown_post: set[str | None] = set()
    post = _by_id(results.post)
    number = 0
    for question in results.pre.questions if results.pre else ():
        number += 1
        shift = shifts.get(question.question_id)
        text.append("\n")
        if shift is None:
            text.append_text(_single(number, question, "pre-survey", width))
            continue
        shown_post.add(shift.post_question_id)
        later = post.get(shift.post_question_id or "")
        text.append_text(_shift(number, shift, question, later, width))
    for question in results.post.questions if results.post else ():
        if question.question_id in shown_post:
            continue
        number += 1
        text.append("\n")
        text.append_text(_single(number, question, "post-survey", width))
    if number == 0:
        text.append("\nNo figures to show yet.\n")
    return text


def _by_id(block: SurveyResults | None) -> dict[str, QuestionResult]:
    return {q.question_id: q for q in block.questions} if block else {}


def _header(results: Results) -> Text:
    state = "final" if results.final else "so far (not final)"
    phase = (results.status or "").replace("_", "-")
    text = Text("Results ", style="bold")
    text.append(f"· {phase} · {state}\n")
    text.append(
        f"Participants: {results.participants.pre} answered the pre-survey,"
        f" {results.participants.post} the post-survey.\n"
    )
    text.append(
        "Shares are of those who answered each question · no pass rule or quorum.\n"
    )
    reasons = results.hidden_reason
    for kind in ("pre", "post"):
        reason = getattr(reasons, kind) if reasons else None
        if reason:
            text.append(f"{kind.capitalize()}-survey hidden: ")
            text.append_text(plain_line(reason, max_chars=200))
            text.append("\n")
    return text


def _title(number: int, question_text: str, kind: str, detail: str) -> Text:
    line = Text(f"Q{number} ", style="bold")
    line.append_text(plain_line(question_text, max_chars=300, style="bold"))
    line.append(f"\n   {TYPE_NAMES.get(kind, kind)} · {detail}\n")
    return line


def _rows(question: QuestionResult) -> list[Row]:
    if question.type == "likert":
        return [
            (f"{n} {LIKERT_LABELS[n]}", count, share)
            for n, count, share in likert_share(question.distribution)
        ]
    return [(o.option, o.count, o.percentage) for o in question.options]


def _label_width(width: int) -> int:
    return 18 if width < 100 else 28


def _single(number: int, question: QuestionResult, survey: str, width: int) -> Text:
    """One question asked once: a bar per option."""
    answered = question.respondents or 0
    text = _title(
        number, question.text, question.type, f"{survey} · {answered} answered"
    )
    if question.type == "free_text":
        text.append(f"   {question.count or 0} written answers (see the export)\n")
        return text
    if question.type == "likert" and question.mean is not None:
        text.append(f"   mean {question.mean:.2f} of 5\n")
    label_width = _label_width(width)
    bar_width = max(10, width - label_width - 22)
    for label, count, share in _rows(question):
        text.append("   ")
        text.append_text(_label(label, label_width))
        text.append(f" {bar(share, bar_width)} {count:>4} {percent(share):>6}\n")
    return text


def _shift(
    number: int,
    shift: QuestionShift,
    before: QuestionResult,
    after: QuestionResult | None,
    width: int,
) -> Text:
    """One question asked in both surveys: pre and post side by side."""
    counts = f"{shift.pre_respondents or 0} before, {shift.post_respondents or 0} after"
    text = _title(number, shift.text, shift.type, f"asked twice · {counts}")
    if shift.type == "free_text":
        text.append(f"   Written answers: {counts}\n   Moved: {moved_line(shift)}\n")
        return text
    rows = _shift_rows(shift, before, after)
    label_width = _label_width(width)
    bar_width = max(6, (width - label_width - 3 - 2 * 12 - 8) // 2)
    text.append("   ")
    text.append(" " * label_width)
    text.append(f" {'BEFORE':<{bar_width + 11}} {'AFTER':<{bar_width + 11}} NET\n")
    for label, pre_n, pre_share, post_n, post_share, change in rows:
        text.append("   ")
        text.append_text(_label(label, label_width))
        text.append(f" {bar(pre_share, bar_width)} {pre_n:>3} {percent(pre_share):>6}")
        text.append(
            f" {bar(post_share, bar_width)} {post_n:>3} {percent(post_share):>6}"
        )
        text.append(f" {direction(change)}{signed(change):>6}\n", style="bold")
    if shift.type == "likert" and shift.pre_mean is not None:
        text.append(
            f"   mean {shift.pre_mean:.2f} → {shift.post_mean or 0:.2f}"
            f" ({direction(shift.change)} {signed(shift.change, 2)})\n"
        )
    text.append(f"   Moved: {moved_line(shift)}\n")
    return text


ShiftRow = tuple[str, int, float | None, int, float | None, float | None]
"""label, pre count, pre share, post count, post share, net change."""


def _shift_rows(
    shift: QuestionShift, before: QuestionResult, after: QuestionResult | None
) -> list[ShiftRow]:
    if shift.type != "likert":
        return [
            (o.option, o.pre_count, o.pre_percentage, o.post_count, o.post_percentage,
             o.change)
            for o in shift.options
        ]  # fmt: skip
    pre = likert_share(before.distribution)
    post = likert_share(after.distribution if after else None)
    rows: list[ShiftRow] = []
    for (n, pre_n, pre_share), (_, post_n, post_share) in zip(pre, post, strict=True):
        pre_pct = pre_share if shift.pre_respondents else None
        post_pct = post_share if shift.post_respondents else None
        change = None if pre_pct is None or post_pct is None else post_pct - pre_pct
        rows.append(
            (f"{n} {LIKERT_LABELS[n]}", pre_n, pre_pct, post_n, post_pct, change)
        )
    return rows


def _label(label: str, width: int) -> Text:
    line = plain_line(label, max_chars=width)
    line.truncate(width, overflow="ellipsis", pad=True)
    return line


class ResultsView(Static):
    """The results of one deliberation, re-drawn to the width it is given."""

    DEFAULT_CSS = "ResultsView { height: auto; padding: 0 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.results: Results | None = None

    def show(self, results: Results) -> None:
        """Show `results`, fitted to the current width."""
        self.results = results
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if self.results is None:
            return
        width = max(60, self.size.width - 2 or 78)
        self.update(render_results(self.results, width))
