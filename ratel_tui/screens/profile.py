"""`ProfileScreen`: a person's profile, recent posts and attestations; follow,
and edit my own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Static, TabbedContent, TabPane

from ratel_tui.api import posts as posts_api
from ratel_tui.api import users as users_api
from ratel_tui.api.errors import ApiError, NotFoundError, UnsupportedError
from ratel_tui.api.models import Attestation, Post, User
from ratel_tui.api.models.users import FollowState
from ratel_tui.screens.base import (
    error_line,
    freshness,
    nav,
    perform_or_say,
    session_of,
)
from ratel_tui.screens.verification import VerificationScreen
from ratel_tui.services import codecs
from ratel_tui.store.feed import FeedItem
from ratel_tui.text import clean_line
from ratel_tui.widgets.feed_list import FeedList
from ratel_tui.widgets.resource_table import Column, ResourceTable
from ratel_tui.widgets.safe_text import plain, plain_line
from ratel_tui.widgets.status_bar import StatusBar

RECENT_POSTS = 30
"""How many of the person's newest posts the Posts tab shows."""

ATTESTATIONS = 50
"""How many attestations are read (a person rarely has more than a few)."""


@dataclass(frozen=True, slots=True)
class ProfileEdit:
    """What the edit form gives back: the three fields as typed."""

    display_name: str
    bio: str
    location: str


def day(moment: datetime | None) -> Text:
    """A date cell: the day of a time, or a dash."""
    return Text(moment.date().isoformat() if moment is not None else "—")


def revoked_cell(found: Attestation) -> Text:
    return Text("✗ revoked", style="bold") if found.revoked else Text("valid")


ATTESTATION_COLUMNS = (
    Column("Attribute", lambda a: plain_line(a.attribute_type, max_chars=30)),
    Column("Value", lambda a: plain_line(a.attribute_value, max_chars=60)),
    Column("Issuer", lambda a: plain_line(a.issuer or "—", max_chars=40), min_width=70),
    Column("Issued", lambda a: day(a.issued_at), min_width=90),
    Column("Expires", lambda a: day(a.expires_at)),
    Column("State", revoked_cell),
    Column(
        "Request",
        lambda a: plain_line(a.verification_id or "—", max_chars=40),
        min_width=100,
    ),
)
"""The attestation table; the issuer, issue date and request fold away on
narrow screens (enter opens the request at any width)."""


def header_text(user: User, *, own: bool) -> Text:
    """Name, username and the marks of the profile, on one line."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append_text(plain_line(user.display_name or user.username, "bold"))
    text.append("  ")
    text.append_text(plain_line(f"@{user.username}", max_chars=80))
    if user.verified:
        text.append("  ✓ verified", style="bold")
    if own:
        text.append("  (me)")
    if user.follows_me:
        text.append("  · follows me")
    if user.followed_by_me:
        text.append("  · ★ following")
    return text


def card_text(user: User) -> Text:
    """The bio, where and since when, and the counts."""
    text = plain(user.bio or "No bio.")
    facts = []
    if user.location:
        facts.append(plain_line(user.location, max_chars=60))
    if user.created_at:
        facts.append(Text(f"joined {user.created_at.date().isoformat()}"))
    stats = user.stats
    facts.append(
        Text(
            f"{stats.posts} posts · {stats.followers} followers · "
            f"{stats.following} following"
        )
    )
    for fact in facts:
        text.append("\n")
        text.append_text(fact)
    return text


class EditProfileModal(ModalScreen[ProfileEdit | None]):
    """My display name, bio and location; ctrl+s saves, escape cancels."""

    DEFAULT_CSS = """
    EditProfileModal { align: center middle; }
    EditProfileModal > Vertical {
        width: 70; max-width: 95%; height: auto;
        border: thick $accent; background: $panel; padding: 0 1;
    }
    EditProfileModal .problem { color: $error; height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            tooltip="Save the profile on the server.",
            id="edit_profile.save",
        ),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            tooltip="Close the form without saving.",
            id="edit_profile.cancel",
        ),
    ]

    def __init__(self, typed: ProfileEdit, *, problem: str = "") -> None:
        super().__init__()
        self.typed = typed
        self.problem = problem

    def compose(self) -> ComposeResult:
        typed = self.typed
        with Vertical():
            yield Static(Text("Edit my profile", style="bold"))
            yield Label("Display name")
            yield Input(clean_line(typed.display_name), id="display-name")
            yield Label("Bio")
            yield Input(clean_line(typed.bio, max_chars=2_000), id="bio")
            yield Label("Location")
            yield Input(clean_line(typed.location), id="location")
            yield Static(Text(self.problem), classes="problem")
            yield Static(Text("ctrl+s save · escape cancel · enter next field"))

    def on_mount(self) -> None:
        self.query_one("#display-name", Input).focus()

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "location":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        self.dismiss(
            ProfileEdit(
                display_name=self.query_one("#display-name", Input).value.strip(),
                bio=self.query_one("#bio", Input).value.strip(),
                location=self.query_one("#location", Input).value.strip(),
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class ProfileScreen(Screen[None]):
    """Someone's profile (or mine, with `user_id` None): F follows, e edits mine."""

    DEFAULT_CSS = """
    ProfileScreen TabbedContent, ProfileScreen TabPane { height: 1fr; }
    ProfileScreen #profile-header { height: 1; padding: 0 1; background: $boost; }
    ProfileScreen #profile-card { height: auto; max-height: 8; padding: 0 1; }
    ProfileScreen .tab-note { height: auto; color: $text-muted; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", tooltip="Go back.", id="profile.back"),
        Binding(
            "F",
            "toggle_follow",
            "Follow/unfollow",
            tooltip="Follow this person, or stop following them.",
            id="profile.follow",
        ),
        Binding(
            "e",
            "edit_profile",
            "Edit",
            tooltip="Change my display name, bio and location.",
            id="profile.edit",
        ),
        Binding(
            "R",
            "refresh",
            "Refresh",
            show=False,
            tooltip="Read the profile again.",
            id="profile.refresh",
        ),
        Binding("1", "show_tab('posts')", "Posts", show=False, id="profile.posts"),
        Binding(
            "2",
            "show_tab('attestations')",
            "Attestations",
            show=False,
            id="profile.attestations",
        ),
    ]

    def __init__(self, user_id: str | None = None) -> None:
        super().__init__()
        self.user_id = user_id
        """Whose profile: an id (or username); None for mine."""
        self.user: User | None = None
        self._freshness = ""

    def compose(self) -> ComposeResult:
        yield Static(Text("Loading the profile…"), id="profile-header")
        yield Static(Text(""), id="profile-card")
        with TabbedContent(initial="posts"):
            with TabPane("1 Posts", id="posts"):
                yield Static("", id="posts-note", classes="tab-note")
                yield FeedList(id="profile-posts")
            with TabPane("2 Attestations", id="attestations"):
                yield Static("", id="attestations-note", classes="tab-note")
                yield ResourceTable[Attestation](
                    ATTESTATION_COLUMNS, lambda a: a.id, title="Attestations"
                )
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.load_user()
        self.query_one(FeedList).focus()

    @property
    def own(self) -> bool:
        """Whether this is my own profile."""
        me = session_of(self).me
        if self.user_id is None:
            return True
        if me is None:
            return False
        shown = self.user.id if self.user is not None else None
        return me.id in (self.user_id, shown) or self.user_id == me.username

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Following is for other people on servers that have it; editing is
        # for my own profile. Shown dimmed (None) until the profile is known.
        if action == "toggle_follow":
            if self.own or not session_of(self).supports("follows"):
                return False
            return None if self.user is None else True
        if action == "edit_profile":
            return self.own
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load_user()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    @on(TabbedContent.TabActivated)
    def focus_tab(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "posts":
            self.query_one(FeedList).focus()
        else:
            self.query_one(ResourceTable).table.focus()

    # Reading

    @work(exclusive=True, group="profile", exit_on_error=False)
    async def load_user(self) -> None:
        session = session_of(self)
        user_id = self.user_id
        try:
            if user_id is None:
                fetched = await session.read("me", users_api.me, codecs.model(User))
            else:
                fetched = await session.read(
                    f"user:{user_id}",
                    lambda c: users_api.get_user(c, user_id),
                    codecs.model(User),
                )
        except ApiError as exc:
            self.query_one("#profile-header", Static).update(
                Text(error_line(exc), style="bold")
            )
            nav(self).report_error(exc, "loading the profile")
            return
        self.user = fetched.value
        self._freshness = freshness(fetched)
        self._draw_user()
        self.refresh_bindings()
        self.load_posts(fetched.value.id)
        self.load_attestations(fetched.value.id)

    def _draw_user(self) -> None:
        if self.user is None:
            return
        header = header_text(self.user, own=self.own)
        if self._freshness:
            header.append(f"  · {self._freshness}", style="bold")
        self.query_one("#profile-header", Static).update(header)
        self.query_one("#profile-card", Static).update(card_text(self.user))

    @work(exclusive=True, group="profile-posts", exit_on_error=False)
    async def load_posts(self, user_id: str) -> None:
        """The person's newest posts."""
        note = self.query_one("#posts-note", Static)
        try:
            fetched = await session_of(self).read(
                f"posts:author:{user_id}",
                lambda c: posts_api.list_posts(
                    c, author_id=user_id, per_page=RECENT_POSTS
                ),
                codecs.page(Post),
            )
        except ApiError as exc:
            note.update(Text(error_line(exc), style="bold"))
            return
        posts = self.query_one(FeedList)
        posts.set_items(FeedItem.from_post(post) for post in fetched.value.items)
        posts.empty_text = "No posts yet."
        note.update(Text(freshness(fetched)))
        note.display = fetched.cached

    @work(exclusive=True, group="profile-attestations", exit_on_error=False)
    async def load_attestations(self, user_id: str) -> None:
        """What the oracle vouches for; a server without it hides the table."""
        note = self.query_one("#attestations-note", Static)
        listing = self.query_one(ResourceTable)
        try:
            fetched = await session_of(self).read(
                f"user:{user_id}:attestations",
                lambda c: users_api.attestations(c, user_id, per_page=ATTESTATIONS),
                codecs.page(Attestation),
            )
        except (UnsupportedError, NotFoundError) as exc:
            note.update(Text(f"No attestations: {error_line(exc)}"))
            listing.display = False
            return
        except ApiError as exc:
            listing.set_status(Text(error_line(exc), style="bold"))
            return
        found = fetched.value.items
        listing.set_records(found)
        listing.set_title(Text(f"Attestations ({len(found)})"))
        listing.set_status(freshness(fetched) or ("" if found else "No attestations."))

    @on(FeedList.Opened)
    def open_post(self, event: FeedList.Opened) -> None:
        event.stop()
        nav(self).open_post(event.item.id)

    @on(ResourceTable.Chosen)
    def open_request(self, event: ResourceTable.Chosen) -> None:
        """Enter on an attestation opens the oracle request that led to it."""
        event.stop()
        listing = self.query_one(ResourceTable)
        found = next((a for a in listing.records if a.id == event.key), None)
        if found is None or not found.verification_id:
            self.notify("No request is known for this attestation", markup=False)
            return
        self.app.push_screen(VerificationScreen(found.verification_id))

    # Following

    def action_toggle_follow(self) -> None:
        if self.user is not None and not self.own:
            self.toggle_follow(self.user)

    @work(group="profile-follow", exit_on_error=False)
    async def toggle_follow(self, user: User) -> None:
        """Follow or unfollow on the server; the header shows the new state."""
        action = "unfollow" if user.followed_by_me else "follow"
        state = await perform_or_say(
            self,
            action,
            {"user_id": user.id},
            summary=f"{action} @{user.username}",
            model=FollowState,
            doing="changing whom I follow",
        )
        if state is None:
            return
        stats = user.stats
        if state.followers is not None:
            stats = stats.model_copy(update={"followers": state.followers})
        self.user = user.model_copy(
            update={"followed_by_me": state.following, "stats": stats}
        )
        self._draw_user()
        name = clean_line(user.display_name or user.username, max_chars=60)
        verb = "Following" if state.following else "No longer following"
        self.notify(f"{verb} {name}.", markup=False)

    # Editing my profile

    def action_edit_profile(self) -> None:
        user = self.user
        if user is None or not self.own:
            return
        typed = ProfileEdit(user.display_name, user.bio or "", user.location or "")
        self._ask(typed, problem="")

    def _ask(self, typed: ProfileEdit, *, problem: str) -> None:
        def answered(edit: ProfileEdit | None) -> None:
            if edit is not None:
                self.save_profile(edit)

        self.app.push_screen(EditProfileModal(typed, problem=problem), answered)

    @work(group="profile-edit", exit_on_error=False)
    async def save_profile(self, edit: ProfileEdit) -> None:
        """Send the form; on failure the form comes back with what was typed."""
        session = session_of(self)
        try:
            user = await session.call(
                lambda c: users_api.update_me(
                    c,
                    display_name=edit.display_name,
                    bio=edit.bio,
                    location=edit.location,
                )
            )
        except ApiError as exc:
            self._ask(edit, problem=error_line(exc))
            return
        self.user = user
        session.me = user
        self._draw_user()
        self.notify("Profile saved.", markup=False)
