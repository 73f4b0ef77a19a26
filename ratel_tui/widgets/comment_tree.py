"""`CommentTree`: a post's comments as a folding tree, replies under their parent.

Labels are always `Text` built from cleaned server text: a `str` label would
be parsed as markup by `Tree`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from ratel_tui.api.models import Comment
from ratel_tui.text import clean_line
from ratel_tui.widgets.age import age
from ratel_tui.widgets.safe_text import plain, plain_line

SNIPPET_CHARS = 160
"""How much of a comment its tree line shows (the line is cut to the width)."""

CommentNode = TreeNode[Comment | None]


def comment_label(comment: Comment, now: float, *, mine: bool = False) -> Text:
    """One tree line: "author · age  first line of the text", or the place
    of a deleted or removed comment, muted."""
    when = age(comment.created_at.timestamp(), now)
    if comment.deleted or comment.removed:
        gone = "[deleted]" if comment.deleted else "[removed]"
        return Text.assemble((gone, "dim italic"), (f" · {when}", "dim"))
    author = comment.author.display_name or comment.author.username
    label = Text.assemble(
        (clean_line(author, max_chars=40), "bold"),
        (" (you)" if mine else "", "italic"),
        (f" · {when}  ", "dim"),
    )
    first_line = comment.content.strip().split("\n", 1)[0]
    label.append(clean_line(first_line, max_chars=SNIPPET_CHARS))
    return label


def comment_detail(comment: Comment, now: float) -> Text:
    """A whole comment: who and when on the first line, then every line of it."""
    author = comment.author
    text = Text.assemble(
        plain_line(author.display_name or author.username, "bold"),
        " @",
        plain_line(author.username),
        f" · {age(comment.created_at.timestamp(), now)}\n",
    )
    if comment.deleted or comment.removed:
        text.append("[deleted]" if comment.deleted else "[removed]", "dim italic")
    else:
        text.append_text(plain(comment.content))
    return text


class CommentTree(Tree[Comment | None]):
    """The thread of one post. A comment whose parent is not in the list is
    shown at the top level rather than dropped."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="comments.down"),
        Binding("k", "cursor_up", "Up", show=False, id="comments.up"),
        Binding("h,left", "fold", "Fold", show=False, id="comments.fold"),
        Binding("l,right", "unfold", "Unfold", show=False, id="comments.unfold"),
        Binding("p", "parent", "Parent", show=False, id="comments.parent"),
        Binding("z", "fold_all", "Fold all", show=False, id="comments.fold_all"),
    ]

    def __init__(self, *, me: str | None = None, id: str | None = None) -> None:
        super().__init__(Text("comments"), id=id)
        self.show_root = False
        self.auto_expand = False
        self.me = me
        """My user id, to mark my comments."""
        self._by_id: dict[str, CommentNode] = {}

    @property
    def comment(self) -> Comment | None:
        """The comment under the cursor."""
        node = self.cursor_node
        return None if node is None else node.data

    @property
    def count(self) -> int:
        """How many comments the tree holds (deleted ones included)."""
        return len(self._by_id)

    def node_of(self, comment_id: str) -> CommentNode | None:
        """The node of a comment, if shown."""
        return self._by_id.get(comment_id)

    def set_comments(self, comments: Iterable[Comment]) -> None:
        """Show these comments (oldest first), every thread unfolded."""
        self.clear()
        self._by_id.clear()
        now = time.time()
        for comment in comments:
            self._add(comment, now)
        self.root.expand_all()
        if self.root.children:
            self.move_cursor(self.root.children[0])

    def add_comment(self, comment: Comment) -> CommentNode:
        """Show a new comment under its parent, and put the cursor on it."""
        node = self._add(comment, time.time())
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        # The node has no line until the tree lays its lines out again.
        self.call_after_refresh(self.move_cursor, node)
        return node

    def replace_comment(self, comment: Comment) -> None:
        """Show a changed comment (deleted, say) in its place."""
        node = self._by_id.get(comment.id)
        if node is not None:
            node.data = comment
            node.set_label(self._label(comment, time.time()))

    def _add(self, comment: Comment, now: float) -> CommentNode:
        parent = self._by_id.get(comment.parent_id or "", self.root)
        # Only comments with replies show a fold arrow; a leaf that gets a
        # reply later becomes foldable then.
        parent.allow_expand = True
        node = parent.add(self._label(comment, now), data=comment, allow_expand=False)
        self._by_id[comment.id] = node
        return node

    def _label(self, comment: Comment, now: float) -> Text:
        return comment_label(comment, now, mine=comment.author.id == self.me)

    def action_fold(self) -> None:
        """Fold the comment's replies, or go to its parent when folded or alone."""
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node.children:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def action_unfold(self) -> None:
        """Unfold the comment's replies, or go to the first when unfolded."""
        node = self.cursor_node
        if node is None or not node.children:
            return
        if not node.is_expanded:
            node.expand()
        else:
            self.move_cursor(node.children[0])

    def action_parent(self) -> None:
        """Go to the comment this one answers."""
        node = self.cursor_node
        if (
            node is not None
            and node.parent is not None
            and node.parent is not self.root
        ):
            self.move_cursor(node.parent)

    def action_fold_all(self) -> None:
        """Fold every thread, or unfold them all when all are folded."""
        threads = [node for node in self.root.children if node.children]
        if any(node.is_expanded for node in threads):
            # Keep the cursor on the thread it was in, not on whatever line
            # slides under it once the replies are hidden.
            top = self.cursor_node
            while (
                top is not None
                and top.parent is not None
                and top.parent is not self.root
            ):
                top = top.parent
            for node in threads:
                node.collapse_all()
            if top is not None:
                self.move_cursor(top)
        else:
            self.root.expand_all()


class CommentThread(Vertical):
    """The comment pane: a title line, the tree, and below it a panel with the
    whole comment under the cursor (enter opens and closes it)."""

    DEFAULT_CSS = """
    CommentThread {
        #thread-title { color: $text-muted; }
        #comment-detail {
            height: auto; max-height: 8; border-top: dashed $accent; padding: 0 1;
        }
        #comment-detail.-closed { display: none; }
    }
    """

    def __init__(self, *, me: str | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.me = me
        self._detail_id: str | None = None
        """The comment the detail panel shows."""

    def compose(self) -> ComposeResult:
        yield Static(Text("Comments: loading…"), id="thread-title")
        yield CommentTree(me=self.me, id="comments")
        with VerticalScroll(id="comment-detail", classes="-closed"):
            yield Static(id="comment-text")

    @property
    def tree(self) -> CommentTree:
        return self.query_one(CommentTree)

    def set_comments(self, comments: Iterable[Comment]) -> None:
        """Show these comments (oldest first)."""
        self.tree.set_comments(comments)
        self.show_title()

    def add_comment(self, comment: Comment) -> None:
        """Show a new comment, focused."""
        self.tree.add_comment(comment)
        self.tree.focus()
        self.show_title()

    def show_title(self, text: Text | None = None) -> None:
        """Title the pane with `text`, or with the count of comments."""
        if text is None:
            text = Text(
                f"Comments ({self.tree.count}) · tab/c to focus · enter shows in full"
            )
        self.query_one("#thread-title", Static).update(text)

    @on(Tree.NodeSelected, "#comments")
    def toggle_detail(self, event: Tree.NodeSelected[Comment | None]) -> None:
        """Enter shows the whole comment below the tree, or hides it again."""
        detail = self.query_one("#comment-detail")
        data = event.node.data
        if not detail.has_class("-closed") and data and data.id == self._detail_id:
            detail.add_class("-closed")
        else:
            self._show_detail(data)

    @on(Tree.NodeHighlighted, "#comments")
    def follow_detail(self, event: Tree.NodeHighlighted[Comment | None]) -> None:
        """An open detail panel follows the cursor."""
        if not self.query_one("#comment-detail").has_class("-closed"):
            self._show_detail(event.node.data)

    def _show_detail(self, comment: Comment | None) -> None:
        if comment is None:
            return
        self._detail_id = comment.id
        self.query_one("#comment-text", Static).update(
            comment_detail(comment, time.time())
        )
        detail = self.query_one("#comment-detail", VerticalScroll)
        detail.remove_class("-closed")
        detail.scroll_home(animate=False)
