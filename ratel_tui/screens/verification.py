"""`VerificationScreen`: one oracle request in full, voted on with `a`/`r`,
then straight on to the next one to review."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from ratel_tui.api import oracle as oracle_api
from ratel_tui.api import users as users_api
from ratel_tui.api.errors import ApiError
from ratel_tui.api.models import Attestation, Verification
from ratel_tui.api.urls import display_host
from ratel_tui.screens.base import error_line, freshness, nav, session_of
from ratel_tui.screens.dialogs import (
    Confirm,
    LinkPicker,
    find_links,
    link_prompt,
)
from ratel_tui.screens.note import NoteModal
from ratel_tui.services import codecs
from ratel_tui.services import oracle_rules as rules
from ratel_tui.store.journal import Draft, new_draft
from ratel_tui.store.local import StoreError
from ratel_tui.text import clean_line
from ratel_tui.widgets.age import age, now
from ratel_tui.widgets.safe_text import plain, plain_line
from ratel_tui.widgets.status_bar import StatusBar


class VerificationScreen(Screen[None]):
    """One request in full; `a`/`r` vote (asking a comment), `A`/`R` vote at
    once; then the next id of `queue` shows, already read."""

    DEFAULT_CSS = """
    VerificationScreen #v-header { height: 1; padding: 0 1; background: $boost; }
    VerificationScreen #v-body { height: 1fr; padding: 0 1; }
    VerificationScreen #v-warning {
        height: auto; padding: 0 1; text-style: bold; color: $warning;
    }
    VerificationScreen #v-status { height: auto; padding: 0 1; text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", tooltip="Go back.", id="verification.back"),
        Binding("a", "cast_vote('approve', True)", "Approve", tooltip="Approve the request, with an optional comment.", id="verification.approve"),
        Binding("r", "cast_vote('reject', True)", "Reject", tooltip="Reject the request, with an optional comment.", id="verification.reject"),
        Binding("A", "cast_vote('approve', False)", "Approve now", show=False, tooltip="Approve the request without a comment.", id="verification.approve_now"),
        Binding("R", "cast_vote('reject', False)", "Reject now", show=False, tooltip="Reject the request without a comment.", id="verification.reject_now"),
        Binding("o", "open_link", "Open link", tooltip="Open an evidence link in the browser, after a confirmation.", id="verification.open_link"),
        Binding("y", "copy_link", "Copy link", tooltip="Copy an evidence link to the clipboard.", id="verification.copy_link"),
        Binding("s", "skip_request", "Skip", tooltip="Go on to the next request without voting.", id="verification.skip"),
        Binding("u", "open_requester", "Requester", show=False, tooltip="Open the requester's profile.", id="verification.requester"),
        Binding("j", "scroll_body('down')", "Down", show=False, id="verification.down"),
        Binding("k", "scroll_body('up')", "Up", show=False, id="verification.up"),
    ]  # fmt: skip

    def __init__(self, verification_id: str, queue: Sequence[str] = ()) -> None:
        super().__init__()
        self.verification_id = verification_id
        self.queue = [v for v in queue if v != verification_id]
        """The requests to show after this one, in order."""
        self.seen: set[str] = {verification_id}
        self.item: Verification | None = None
        self._ready: dict[str, Verification] = {}
        """Prefetched requests, by id."""
        self._follows: tuple[set[str], set[str]] | None = None
        """(whom I follow, who follows me) by user id; None until read."""
        self._busy = False

    def compose(self) -> ComposeResult:
        yield Static(Text("Loading the request…"), id="v-header")
        yield Static(Text(""), id="v-warning")
        with VerticalScroll(id="v-body"):
            yield Static(Text(""), id="v-request")
            yield Static(Text(""), id="v-requester")
        yield Static(Text(""), id="v-status")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#v-body").focus()
        self.show(self.verification_id)

    # Reading

    @work(exclusive=True, group="verification", exit_on_error=False)
    async def show(self, verification_id: str, status: str = "") -> None:
        """Show a request (prefetched when it can be), then read the next one."""
        self.verification_id = verification_id
        self.seen.add(verification_id)
        self.status(status)
        item = self._ready.pop(verification_id, None)
        cached = ""
        if item is None:
            try:
                fetched = await session_of(self).read(
                    f"oracle:{verification_id}",
                    lambda c: oracle_api.get_verification(c, verification_id),
                    codecs.model(Verification),
                )
            except ApiError as exc:
                self.query_one("#v-header", Static).update(Text(error_line(exc)))
                nav(self).report_error(exc, "loading the request")
                return
            item, cached = fetched.value, freshness(fetched)
        self.item = item
        self.draw(cached)
        self.warn(self.follow_warning(item))
        self.query_one("#v-requester", Static).update(Text(""))
        self.prefetch()
        await self.load_requester(item)

    @work(group="verification-prefetch", exit_on_error=False)
    async def prefetch(self) -> None:
        """Read the next request of the queue now, so it shows at once."""
        upcoming = next((v for v in self.queue if v not in self.seen), None)
        if upcoming is None or upcoming in self._ready:
            return
        try:
            fetched = await session_of(self).read(
                f"oracle:{upcoming}",
                lambda c: oracle_api.get_verification(c, upcoming),
                codecs.model(Verification),
            )
        except ApiError:
            return  # It is read again when it is shown.
        if not fetched.cached:
            self._ready[upcoming] = fetched.value

    async def load_requester(self, item: Verification) -> None:
        """The requester's earlier attestations and whether we follow each other."""
        requester = item.requester
        panel = self.query_one("#v-requester", Static)
        if requester is None:
            return
        session = session_of(self)
        try:
            fetched = await session.read(
                f"user:{requester.id}:attestations",
                lambda c: users_api.attestations(c, requester.id, per_page=50),
                codecs.page(Attestation),
            )
            panel.update(earlier_attestations(fetched.value.items, item.id))
        except ApiError as exc:
            panel.update(Text(f"Earlier attestations: {error_line(exc)}"))
        await self.load_follows()
        self.warn(self.follow_warning(item))

    def warn(self, warning: Text) -> None:
        """The follow warning under the header; hidden when there is none."""
        panel = self.query_one("#v-warning", Static)
        panel.update(warning)
        panel.display = bool(warning.plain)

    async def load_follows(self) -> None:
        """Whom I follow and who follows me, once; silently nothing without it."""
        session = session_of(self)
        me = session.me
        if self._follows is not None or me is None or not session.supports("follows"):
            return
        try:
            following = await session.call(
                lambda c: users_api.following(c, me.id, per_page=100)
            )
            followers = await session.call(
                lambda c: users_api.followers(c, me.id, per_page=100)
            )
        except ApiError:
            return
        self._follows = (
            {f.user.id for f in following.items},
            {f.user.id for f in followers.items},
        )

    def follow_warning(self, item: Verification) -> Text:
        if self._follows is None or item.requester is None:
            return Text("")
        i_follow = item.requester.id in self._follows[0]
        follows_me = item.requester.id in self._follows[1]
        name = "@" + item.requester.username
        if i_follow and follows_me:
            line = f"⚠ Warning: you and {name} follow each other."
        elif i_follow:
            line = f"⚠ Warning: you follow {name}."
        elif follows_me:
            line = f"⚠ Warning: {name} follows you."
        else:
            return Text("")
        return Text(clean_line(line))

    # Drawing

    def draw(self, cached: str = "") -> None:
        item = self.item
        if item is None:
            return
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append(f"Oracle request · {item.status}")
        left = len([v for v in self.queue if v not in self.seen])
        if left:
            header.append(f" · {left} more to review")
        if cached:
            header.append(f" · {cached}", style="bold")
        self.query_one("#v-header", Static).update(header)
        self.query_one("#v-request", Static).update(describe_full(item))

    def status(self, line: str) -> None:
        self.query_one("#v-status", Static).update(Text(clean_line(line)))

    # Voting

    def action_cast_vote(self, vote: str, ask: bool) -> None:
        item = self.item
        if item is None or self._busy:
            return
        reason = rules.refusal(item, self._my_id())
        if reason:
            self.status(reason)
            return
        self.ask_and_vote(item, vote, ask)

    def ask_and_vote(self, item: Verification, vote: str, ask: bool) -> None:
        """Ask the optional comment (kept in the journal), then send the vote."""
        if not ask:
            self._busy = True
            self.send_vote(item, vote, "", None)
            return
        journal = session_of(self).journal
        target = {"verification_id": item.id, "vote": vote}
        draft = journal.find("verification", target) or new_draft(
            "verification", target=target
        )
        title = Text(f"{vote.capitalize()} ").append_text(
            plain_line(f"{item.attribute_type}: {item.attribute_value}")
        )

        def answered(comment: str | None) -> None:
            if comment is not None:
                self._busy = True
                self.send_vote(item, vote, comment, journal.get(draft.id))

        self.app.push_screen(NoteModal(title, draft), answered)

    @work(group="verification-vote", exit_on_error=False)
    async def send_vote(
        self, item: Verification, vote: str, comment: str, draft: Draft | None
    ) -> None:
        session = session_of(self)
        payload = {"verification_id": item.id, "vote": vote, "comment": comment or None}
        summary = clean_line(f"{vote} {item.attribute_type}: {item.attribute_value}")
        try:
            outcome = await session.send(
                "vote",
                payload,
                summary=summary,
                draft_id=draft.id if draft else None,
            )
        except StoreError as exc:
            self.status(str(exc))
            return
        finally:
            self._busy = False
        if outcome is None:
            self.next_one("Your vote waits in the outbox; it goes out once online.")
        elif outcome.state == "refused":
            self.status(rules.explain(outcome.reason))
        else:
            if draft is not None:
                session.journal.delete(draft.id)
            done = Verification.model_validate(outcome.result)
            said = "Approved" if vote == "approve" else "Rejected"
            self.next_one(f"{said}: {rules.tally_text(done.votes)} ({done.status}).")

    def action_skip_request(self) -> None:
        self.next_one("Skipped.")

    @work(group="verification-next", exit_on_error=False)
    async def next_one(self, said: str) -> None:
        """The next request of the queue, or of the review queue read again."""
        upcoming = next((v for v in self.queue if v not in self.seen), None)
        if upcoming is None:
            upcoming = await self.more_to_review()
        if upcoming is None:
            self.status(f"{said} Nothing more waits for your review.")
            await self.reload_current()
            return
        self.queue = [v for v in self.queue if v != upcoming]
        self.show(upcoming, said)

    async def more_to_review(self) -> str | None:
        session = session_of(self)
        if not session.supports("oracle_full"):
            return None
        try:
            page = await session.call(
                lambda c: oracle_api.list_verifications(
                    c, reviewable=True, per_page=100
                )
            )
        except ApiError:
            return None
        fresh = [v.id for v in page.items if v.id not in self.seen]
        self.queue.extend(fresh)
        return fresh[0] if fresh else None

    async def reload_current(self) -> None:
        try:
            self.item = await session_of(self).call(
                lambda c: oracle_api.get_verification(c, self.verification_id)
            )
        except ApiError:
            return
        self.draw()

    # Links and the rest

    def evidence_links(self) -> list[str]:
        if self.item is None:
            return []
        return find_links(" ".join(piece.url for piece in self.item.evidence))

    def action_open_link(self) -> None:
        self.pick_link(copy=False)

    def action_copy_link(self) -> None:
        self.pick_link(copy=True)

    def pick_link(self, copy: bool) -> None:
        """One evidence link (chosen when there are several), copied or opened."""
        links = self.evidence_links()
        if not links:
            self.status("This request has no web links as evidence.")
            return

        def chosen(url: str | None) -> None:
            if url is None:
                return
            if copy:
                self.app.copy_to_clipboard(url)
                self.status(f"Copied {url}")
            else:
                self.confirm_open(url)

        if len(links) == 1:
            chosen(links[0])
        else:
            self.app.push_screen(
                LinkPicker([(link, link_prompt(link)) for link in links]), chosen
            )

    def confirm_open(self, url: str) -> None:
        question = Text("Open a page on ")
        question.append(clean_line(display_host(url)), style="bold")
        question.append(" in your browser?\n").append(clean_line(url, max_chars=2_000))

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.open_url(url)

        self.app.push_screen(Confirm(question, yes="Open"), answered)

    def action_open_requester(self) -> None:
        if self.item is not None and self.item.requester is not None:
            nav(self).open_user(self.item.requester.id)

    def action_scroll_body(self, direction: str) -> None:
        body = self.query_one("#v-body", VerticalScroll)
        body.scroll_relative(y=1 if direction == "down" else -1, animate=False)

    def action_back(self) -> None:
        self.dismiss()

    def _my_id(self) -> str | None:
        me = session_of(self).me
        return None if me is None else me.id


def describe_full(item: Verification) -> Text:
    """The request in full: what, who, why, the evidence and the votes."""
    text = Text.assemble(
        plain_line(item.attribute_type, style="bold"),
        ": ",
        plain_line(item.attribute_value, style="bold"),
    )
    if item.requester is not None:
        text.append("\nRequested by ")
        text.append_text(plain_line("@" + item.requester.username, max_chars=40))
        if item.requester.display_name:
            text.append(" (").append_text(
                plain_line(item.requester.display_name, max_chars=60)
            )
            text.append(")")
    if item.created_at is not None:
        text.append(f" · {age(item.created_at.timestamp(), now())} ago")
    text.append(f"\nStatus: {item.status}")
    text.append(f"\nVotes: {rules.tally_text(item.votes)}")
    text.append(f"\nRule: {rules.rule_text(item.votes)}")
    if item.my_vote is not None:
        text.append("\nYour vote: ").append_text(plain_line(item.my_vote.vote))
    if item.description:
        text.append("\n\n").append_text(plain(item.description[:2_000]))
    text.append(
        "\n\nEvidence (o open, y copy):" if item.evidence else "\n\nNo evidence."
    )
    for number, piece in enumerate(item.evidence, start=1):
        text.append(f"\n  {number}. ")
        text.append_text(plain_line(f"{piece.type}: {piece.url}", max_chars=300))
    if item.voters:
        text.append("\n\nVotes cast:")
    for voter in item.voters or ():
        text.append("\n  ").append_text(
            plain_line(f"@{voter.user.username} {voter.vote}: {voter.comment or ''}")
        )
    return text


def earlier_attestations(found: Sequence[Attestation], current: str) -> Text:
    """The requester's attestations other than the one this request led to."""
    earlier = [a for a in found if a.verification_id != current]
    if not earlier:
        return Text("\nThe requester has no earlier attestations.")
    text = Text("\nThe requester's earlier attestations:")
    for found_one in earlier:
        issued = found_one.issued_at.date().isoformat() if found_one.issued_at else "—"
        state = "revoked" if found_one.revoked else "valid"
        text.append("\n  • ")
        text.append_text(
            plain_line(f"{found_one.attribute_type}: {found_one.attribute_value}")
        )
        text.append(f" · issued {issued} · {state}")
    return text
