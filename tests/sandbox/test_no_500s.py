"""No generated or broken request gets a 500.

For every operation of the served OpenAPI document, hypothesis builds
requests from the operation's own parameters and body schema, then breaks
them: ids of the wrong kind, unicode, dot segments, very long strings,
numbers out of range, omitted and type-swapped fields, unknown fields,
garbage bytes and wrong content types, with a demo user's key, a read-only
key, a bad key or none. Every answer must be below 500 and, where the
contract promises it, the envelope.

Reads run against the shared session sandbox; every other method runs
against a private sandbox of this module, so that deleting Spaces, leaving
them or rewriting profiles cannot disturb other tests.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ratel_tui.sandbox.app import create_api
from ratel_tui.sandbox.config import SandboxConfig
from ratel_tui.sandbox.server import SandboxServer

EXAMPLES = int(os.environ.get("RATEL_FUZZ_EXAMPLES", "50"))
"""Examples per operation; the whole file stays under a minute at the default."""

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # No explain phase: it reruns a failing case many times to annotate it.
    phases=[Phase.explicit, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

NOT_ENVELOPED = {
    ("get", "/v2/openapi.json"),
    ("get", "/v2/docs"),
}
"""Operations whose answers are not the envelope at all."""

RAW_WHEN_OK = {
    ("get", "/v2/media/{media_id}/file"),  # the file's bytes
    ("get", "/v2/deliberations/{deliberation_id}/export"),  # CSV when asked
}
"""Operations whose successful answers may be something else than the envelope."""


def _operations() -> list[tuple[str, str]]:
    """Every (method, path) of the API, known at collection time."""
    document = create_api(None).openapi()  # type: ignore[arg-type]
    order = {"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}
    # Deletions last, so that the other writes still find the Spaces and posts.
    return sorted(
        (
            (method, path)
            for path, operations in document["paths"].items()
            for method in operations
            if method in order
        ),
        key=lambda op: (order[op[0]], op[1]),
    )


OPERATIONS = _operations()


# --- the servers and the ids of their worlds -------------------------------------------


@dataclass(repr=False)
class World:
    """A sandbox, its credentials and real ids of each kind in it."""

    server: SandboxServer
    credentials: dict[str, str | None]
    ids: dict[str, list[str]] = field(default_factory=dict)
    http: httpx.Client = field(
        # A new connection for every request, so that one crash cannot fail the
        # next request; one client, so that its SSL context is made only once.
        default_factory=lambda: httpx.Client(
            timeout=30, limits=httpx.Limits(max_keepalive_connections=0)
        )
    )

    def __repr__(self) -> str:  # hypothesis shows the test's arguments on failure
        return f"<sandbox at {self.server.url}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    @property
    def root(self) -> str:
        return self.server.url.removesuffix("/v2")

    @property
    def all_ids(self) -> list[str]:
        return sorted({i for values in self.ids.values() for i in values})


def _collect_ids(server: SandboxServer) -> dict[str, list[str]]:
    """Real ids of every kind, gathered (and where needed made) through the API."""
    headers = {"Authorization": f"Bearer {server.key_for('ada')}"}
    admin = {"Authorization": f"Bearer {server.key_for('june')}"}
    ids: dict[str, list[str]] = {}

    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:

        def listed(path: str, **params: Any) -> list[dict[str, Any]]:
            answer = http.get(path, params=params)
            return answer.json()["data"] if answer.status_code == 200 else []

        def made(path: str, **kwargs: Any) -> dict[str, Any] | None:
            answer = http.post(path, **kwargs)
            return answer.json()["data"] if answer.status_code in (200, 201) else None

        ids["user"] = [
            http.get(f"/users/{name}").json()["data"]["id"]
            for name in ("ada", "bruno", "june")
        ] + ["ada"]
        spaces = listed("/spaces", per_page=100)
        ids["space"] = [s["id"] for s in spaces[:4]] + [s["slug"] for s in spaces[:1]]
        post = made("/posts", json={"content": "fuzz target"})
        assert post is not None
        ids["post"] = [post["id"]] + [p["id"] for p in listed("/posts", per_page=3)]
        comment = made(
            f"/posts/{post['id']}/comments", json={"content": "fuzz comment"}
        )
        ids["comment"] = [comment["id"]] if comment else []
        media = made("/media/upload", files={"file": ("f.txt", b"fuzz", "text/plain")})
        ids["media"] = [media["id"]] if media else []
        hook = made(
            "/webhooks",
            json={"url": "https://example.org/h", "events": ["post.created"]},
        )
        ids["webhook"] = [hook["id"]] if hook else []
        deliberations = listed("/deliberations", per_page=3)
        ids["deliberation"] = [d["id"] for d in deliberations]
        ids["survey"] = [
            survey["id"]
            for d in deliberations
            for survey in (d.get("pre_survey"), d.get("post_survey"))
            if isinstance(survey, dict) and "id" in survey
        ]
        ids["verification"] = [
            v["id"] for v in listed("/oracle/verifications", per_page=3)
        ]
        items: list[str] = []
        for space in spaces[:4]:
            answer = http.get(f"/spaces/{space['id']}/moderation/queue", headers=admin)
            if answer.status_code == 200:
                items += [i["id"] for i in answer.json()["data"][:2] if "id" in i]
        ids["item"] = items
    return {kind: values for kind, values in ids.items() if values}


def _credentials(server: SandboxServer) -> dict[str, str | None]:
    return {
        "ada": f"Bearer {server.key_for('ada')}",
        "june (platform admin)": f"Bearer {server.key_for('june')}",
        "ada read-only": f"Bearer {server.key_for('ada', read_only=True)}",
        "no key": None,
        "unknown key": "Bearer ratel_sk_test_" + "x" * 32,
    }


class Document(dict):
    """The served OpenAPI document, with a short repr for failure reports."""

    def __repr__(self) -> str:
        return "<served OpenAPI document>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@pytest.fixture(scope="module")
def served_document(sandbox: SandboxServer) -> Document:
    answer = httpx.get(sandbox.url + "/openapi.json", timeout=30)
    assert answer.status_code == 200
    return Document(answer.json())


@pytest.fixture(scope="module")
def reading_world(sandbox: SandboxServer) -> Iterator[World]:
    """The shared session sandbox, for reads."""
    world = World(sandbox, _credentials(sandbox), _collect_ids(sandbox))
    yield world
    world.http.close()


@pytest.fixture(scope="module")
def writing_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A private sandbox of this module, for every other method."""
    config = SandboxConfig(
        db_path=tmp_path_factory.mktemp("fuzz") / "world.db", port=0, access_log=False
    )
    server = SandboxServer(config).start()
    world = World(server, _credentials(server), _collect_ids(server))
    yield world
    world.http.close()
    server.stop()


def test_every_operation_of_the_code_is_in_the_served_document(served_document):
    served = {
        (method, path)
        for path, operations in served_document["paths"].items()
        for method in operations
    }
    assert set(OPERATIONS) <= served


# --- strategies -------------------------------------------------------------------------

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
ANY_JSON = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)

ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "me",
        "null",
        "0",
        "-1",
        "true",
        "💥",
        "\x00",
        "ünïcödé",
        "'; DROP TABLE posts; --",
        "%s%s%n",
        "<script>alert(1)</script>",
        "a/b",
        "..",
        "../",
        "../../etc/passwd",
        "\u202e\u0000\uffff",
    ]
)

TRAVERSALS = ["..", "../..", "../../v2/users/me", "./.", "%2e%2e", "..%2f..%2fetc"]
"""Path values sent unescaped, so that the dot segments reach the URL as such."""


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _cursors() -> st.SearchStrategy[str]:
    """Cursors: garbage, any JSON list, and lists shaped like ours (a time or a
    name, then a sequence number) holding numbers of every size."""
    big = st.sampled_from([2**63 - 1, 2**63, -(2**63) - 1, 10**30, -(10**30)])
    number = st.one_of(st.integers(), big)
    values = st.lists(
        st.one_of(st.text(max_size=25), number, st.booleans(), st.none()), max_size=3
    )
    shaped = st.tuples(st.one_of(st.text(max_size=25), number), number).map(list)
    encoded = st.one_of(values, shaped, shaped).map(
        lambda v: base64.urlsafe_b64encode(json.dumps(v).encode()).decode().rstrip("=")
    )
    return st.integers(0, 5).flatmap(
        lambda n: (
            st.text(max_size=40)
            if n == 0
            else st.just("x" * 600)
            if n == 1
            else encoded
        )
    )


def _dates() -> st.SearchStrategy[str]:
    """Dates, often at the ends of the calendar, and things that are not dates."""
    edges = st.one_of(
        st.dates(max_value=date(1, 2, 1)),
        st.dates(min_value=date(9999, 12, 1)),
    ).map(lambda d: d.isoformat())
    odd = st.sampled_from(
        [
            "2025-02-30",
            "2025-13-01",
            "yesterday",
            "2025-05-15T10:30:00Z",
            "",
            "0000-01-01",
            "+10000-01-01",
        ]
    )
    return st.one_of(st.dates().map(lambda d: d.isoformat()), edges, edges, odd)


def _swap(typed: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the typed value; one time in eight a value of any type."""
    return st.integers(0, 7).flatmap(lambda n: ANY_JSON if n == 0 else typed)


class Strategies:
    """Strategies for the requests of one world and one OpenAPI document."""

    def __init__(self, world: World, document: dict[str, Any]) -> None:
        self.world = world
        self.components = document.get("components", {}).get("schemas", {})

    def ids_for(self, name: str) -> st.SearchStrategy[str]:
        kind = name.removesuffix("_id")
        right = self.world.ids.get(kind, [])
        every = self.world.all_ids
        choices = [st.sampled_from(every)]
        if right:
            choices = [st.sampled_from(right), st.sampled_from(right)] + choices
            choices.append(st.sampled_from(right).map(lambda v: v.upper()))
            choices.append(st.sampled_from(right).map(lambda v: v + "x"))
        return st.one_of(*choices)

    def value(
        self, schema: dict[str, Any], name: str = "", depth: int = 0
    ) -> st.SearchStrategy[Any]:
        """A value for `schema`, mostly valid, sometimes broken."""
        schema = _resolve(schema, self.components)
        if depth > 4:
            return ANY_JSON
        if "anyOf" in schema or "oneOf" in schema:
            options = schema.get("anyOf") or schema.get("oneOf")
            return st.one_of(*(self.value(option, name, depth) for option in options))
        if "enum" in schema:
            return _swap(st.sampled_from(schema["enum"]))
        kind = schema.get("type")
        if kind == "string":
            return _swap(self._string(schema, name))
        if kind == "integer":
            low, high = schema.get("minimum"), schema.get("maximum")
            in_range = st.integers(
                min_value=None if low is None else int(low),
                max_value=None if high is None else int(high),
            )
            return _swap(st.one_of(in_range, st.integers(-(10**20), 10**20)))
        if kind == "number":
            return _swap(st.floats(allow_nan=False, allow_infinity=False))
        if kind == "boolean":
            return _swap(st.booleans())
        if kind == "array":
            items = self.value(schema.get("items", {}), name, depth + 1)
            most = schema.get("maxItems", 3)
            return _swap(st.lists(items, max_size=min(most + 1, 4)))
        if kind == "object" or "properties" in schema:
            return self._object(schema, depth)
        return ANY_JSON

    def _string(self, schema: dict[str, Any], name: str) -> st.SearchStrategy[str]:
        least, most = schema.get("minLength", 0), schema.get("maxLength")
        choices = [st.text(min_size=least, max_size=min(most or 40, 40)), ODD_TEXT]
        if most is not None:
            choices.append(st.just("y" * (most + 1)))
            choices.append(st.just("é" * most))
        if name == "id" or name.endswith("_id"):
            choices += [self.ids_for(name)] * 2
        if schema.get("format") == "date-time":
            choices.append(
                st.datetimes(
                    min_value=datetime(1, 1, 2),
                    max_value=datetime(9999, 12, 30),
                    timezones=st.just(UTC),
                ).map(lambda d: d.isoformat())
            )
        if name in ("url", "redirect_uri"):
            choices.append(
                st.sampled_from(
                    [
                        "https://example.org/x",
                        "http://127.0.0.1:9/x",
                        "ftp://x",
                        "javascript:alert(1)",
                        "http://",
                        "https://[::1",
                    ]
                )
            )
        if name == "events":
            choices.append(st.sampled_from(["post.created", "space.joined"]))
        return st.one_of(*choices)

    def _object(
        self, schema: dict[str, Any], depth: int
    ) -> st.SearchStrategy[dict[str, Any]]:
        properties = {
            name: self.value(sub, name, depth + 1)
            for name, sub in schema.get("properties", {}).items()
        }
        required = {
            n: s for n, s in properties.items() if n in schema.get("required", [])
        }
        optional = {n: s for n, s in properties.items() if n not in required}
        complete = st.fixed_dictionaries(required, optional=optional)
        missing = st.fixed_dictionaries({}, optional=properties)  # required ones may go
        base = st.integers(0, 5).flatmap(lambda n: missing if n == 0 else complete)
        extra = st.dictionaries(st.text(min_size=1, max_size=10), ANY_JSON, max_size=2)
        return st.tuples(base, st.integers(0, 7), extra).map(
            lambda t: {**t[2], **t[0]} if t[1] == 0 else t[0]
        )

    def query_value(self, parameter: dict[str, Any]) -> st.SearchStrategy[Any]:
        """Any value for a query parameter: one time in four of the wrong type."""
        wrong = st.one_of(
            st.text(max_size=30),
            st.sampled_from(
                [
                    "",
                    "-1",
                    "0",
                    "1.5",
                    "1e9",
                    "NaN",
                    "true",
                    "[]",
                    "null",
                    str(10**30),
                    str(-(10**30)),
                    "%00",
                ]
            ),
        )
        right = self._query_right(parameter)
        return st.integers(0, 3).flatmap(lambda n: wrong if n == 0 else right)

    def query_plain(self, parameter: dict[str, Any]) -> st.SearchStrategy[Any]:
        """A plausible value, so that other parameters do not stop the request early."""
        name = parameter["name"]
        target = self._query_schema(parameter)
        if name.endswith("_id"):
            right = self.world.ids.get(name.removesuffix("_id"))
            return st.sampled_from(right) if right else st.text(max_size=10)
        if "enum" in target:
            return st.sampled_from(target["enum"])
        if target.get("type") == "integer":
            low = int(target.get("minimum", 1))
            return st.integers(low, max(low, min(int(target.get("maximum", 50)), 50)))
        if target.get("type") == "boolean":
            return st.sampled_from(["true", "false"])
        if name in ("start_date", "end_date"):
            return st.dates().map(lambda d: d.isoformat())
        return st.text(max_size=20)

    def _query_schema(self, parameter: dict[str, Any]) -> dict[str, Any]:
        schema = _resolve(parameter.get("schema", {}), self.components)
        options = schema.get("anyOf", [schema])
        typed = [o for o in options if o.get("type") != "null"] or [{}]
        return typed[0]

    def _query_right(self, parameter: dict[str, Any]) -> st.SearchStrategy[Any]:
        name = parameter["name"]
        target = self._query_schema(parameter)
        if name == "cursor":
            return _cursors()
        if name in ("start_date", "end_date"):
            return _dates()
        if "enum" in target:
            return st.sampled_from(target["enum"]) | ODD_TEXT
        if target.get("type") == "integer":
            return st.integers(-(10**6), 10**6) | st.integers(-(10**30), 10**30)
        if target.get("type") == "boolean":
            return st.sampled_from(["true", "false", "1", "0", "yes", "maybe"])
        if name.endswith("_id") or name in ("moderator", "login"):
            return self.ids_for(name) | st.text(max_size=30)
        return st.text(max_size=40) | ODD_TEXT

    def query(
        self, parameters: list[dict[str, Any]]
    ) -> st.SearchStrategy[dict[str, Any]]:
        """Query parameters: one of them (the focus) broken every way, the others
        left out or plausible, and now and then an unknown one."""
        if not parameters:
            return st.dictionaries(
                st.text(min_size=1, max_size=8), st.text(max_size=8), max_size=1
            )

        def build(focus: int) -> st.SearchStrategy[dict[str, Any]]:
            others = {
                p["name"]: st.integers(0, 2).flatmap(
                    lambda n, p=p: st.just(None) if n else self.query_plain(p)
                )
                for i, p in enumerate(parameters)
                if i != focus
            }
            chosen = parameters[focus]
            return st.fixed_dictionaries(
                {chosen["name"]: self.query_value(chosen), **others}
            ).map(lambda d: {k: v for k, v in d.items() if v is not None})

        focused = st.integers(0, len(parameters) - 1).flatmap(build)
        unknown = st.dictionaries(
            st.text(min_size=1, max_size=8), st.text(max_size=8), max_size=2
        )
        return st.integers(0, 7).flatmap(
            lambda n: (
                st.tuples(focused, unknown).map(lambda t: {**t[1], **t[0]})
                if n == 0
                else focused
            )
        )

    def path_value(self, name: str) -> st.SearchStrategy[tuple[str, bool]]:
        """(value, sent unescaped): mostly a real id of the right kind."""
        right = self.world.ids.get(name.removesuffix("_id"))
        odd = st.one_of(
            st.sampled_from(self.world.all_ids),
            self.ids_for(name),
            st.text(max_size=40),
            ODD_TEXT,
            st.integers(1_000, 5_000).map(lambda n: "x" * n),
        ).map(lambda v: (v, False))
        raw = st.sampled_from(TRAVERSALS).map(lambda v: (v, True))
        real = st.sampled_from(right).map(lambda v: (v, False)) if right else odd

        def pick(n: int) -> st.SearchStrategy[tuple[str, bool]]:
            return raw if n == 0 else odd if n < 4 else real

        return st.integers(0, 9).flatmap(pick)


@dataclass
class Call:
    """One generated request, shown in full when a test fails."""

    method: str
    path: str
    params: dict[str, Any]
    credential: str
    idempotency_key: str | None
    body_kind: str
    body: Any = None
    content_type: str | None = None

    def describe(self) -> str:
        body = repr(self.body)
        if len(body) > 600:
            body = body[:600] + f"… ({len(body)} characters)"
        return (
            f"{self.method} {self.path}\n  params={self.params!r}\n  credential={self.credential}"
            f"  idempotency_key={self.idempotency_key!r}\n  body ({self.body_kind}, "
            f"content-type {self.content_type!r}) = {body}"
        )


GARBAGE_TYPES = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/xml",
    "application/json; charset=latin-1",
    "",
]

HEADER_TEXT = st.text(
    alphabet=st.characters(
        codec="ascii", exclude_characters="\r\n\x0b\x0c", min_codepoint=32
    ),
    max_size=300,
).map(str.strip)  # httpx refuses to send a header value with blanks at its ends


def calls(strategies: Strategies, method: str, path: str, operation: dict[str, Any]):
    """Strategy of `Call`s for one operation."""
    parameters = operation.get("parameters", [])
    path_names = [p["name"] for p in parameters if p["in"] == "path"]
    query_params = strategies.query([p for p in parameters if p["in"] == "query"])
    content = operation.get("requestBody", {}).get("content", {})

    json_schema = content.get("application/json", {}).get("schema")
    multipart_schema = content.get("multipart/form-data", {}).get("schema")

    garbage = st.one_of(
        st.tuples(st.just("raw"), st.binary(max_size=200), st.just("application/json")),
        st.tuples(st.just("json"), ANY_JSON, st.just(None)),
        st.tuples(st.just("none"), st.none(), st.just(None)),
    )
    if json_schema is not None:
        schema_body = strategies.value(json_schema)
        wrong_type = st.tuples(
            st.just("raw"),
            schema_body.map(lambda b: json.dumps(b).encode()),
            st.sampled_from(GARBAGE_TYPES),
        )
        bodies = st.integers(0, 9).flatmap(
            lambda n: (
                garbage
                if n == 0
                else wrong_type
                if n == 1
                else st.tuples(st.just("json"), schema_body, st.just(None))
            )
        )
    elif multipart_schema is not None:
        upload = st.tuples(
            st.just("multipart"),
            st.fixed_dictionaries(
                {},
                optional={
                    "file": st.tuples(
                        st.one_of(st.text(max_size=30), st.just("../../etc/passwd")),
                        st.binary(max_size=300),
                        st.sampled_from(
                            [
                                "image/png",
                                "text/plain",
                                "application/pdf",
                                "application/x-msdownload",
                                "video/mp4",
                                "",
                                "image/png; charset=x",
                                "nonsense",
                            ]
                        ),
                    ),
                    "alt_text": st.text(max_size=30) | st.just("z" * 1_001),
                },
            ),
            st.just(None),
        )
        bodies = st.integers(0, 4).flatmap(lambda n: garbage if n == 0 else upload)
    else:
        bodies = st.integers(0, 4).flatmap(
            lambda n: (
                garbage
                if n == 0
                else st.tuples(st.just("none"), st.none(), st.just(None))
            )
        )

    def make(parts: tuple[Any, ...]) -> Call:
        values, params, credential, key, body = parts
        return Call(
            method=method.upper(),
            path=_fill(path, dict(zip(path_names, values, strict=True))),
            params=params,
            credential=credential,
            idempotency_key=key,
            body_kind=body[0],
            body=body[1],
            content_type=body[2],
        )

    return st.tuples(
        st.tuples(*(strategies.path_value(name) for name in path_names)),
        query_params,
        st.sampled_from(list(strategies.world.credentials)) | st.just("ada"),
        st.none() | st.none() | HEADER_TEXT,
        bodies,
    ).map(make)


def _fill(template: str, values: dict[str, tuple[str, bool]]) -> str:
    path = template
    for name, (value, raw) in values.items():
        path = path.replace("{" + name + "}", value if raw else quote(value, safe=""))
    return path


def send(world: World, call: Call) -> httpx.Response:
    """Send `call` on a connection of its own (a crash closes its connection)."""
    headers: dict[str, str] = {}
    credential = world.credentials[call.credential]
    if credential is not None:
        headers["Authorization"] = credential
    if call.idempotency_key is not None:
        headers["Idempotency-Key"] = call.idempotency_key
    kwargs: dict[str, Any] = {}
    if call.body_kind == "json":
        kwargs["json"] = call.body
    elif call.body_kind == "raw":
        kwargs["content"] = call.body
        if call.content_type:
            headers["Content-Type"] = call.content_type
    elif call.body_kind == "multipart":
        kwargs["files"] = {"file": call.body["file"]} if "file" in call.body else None
        kwargs["data"] = {k: v for k, v in call.body.items() if k != "file"}
        if kwargs["files"] is None:
            del kwargs["files"]
            kwargs["data"] = kwargs["data"] or {"alt_text": "no file"}
    return world.http.request(
        call.method,
        world.root + call.path,
        params=call.params,
        headers=headers,
        **kwargs,
    )


def check(call: Call, response: httpx.Response, method: str, path: str) -> None:
    """Below 500 and, where promised, the envelope."""
    shown = f"{call.describe()}\n  -> {response.status_code} {response.text[:800]}"
    assert response.status_code < 500, shown
    assert "Traceback" not in response.text, shown
    if (method, path) == ("post", "/v2/oauth/token"):
        # Bare OAuth JSON by contract: a token answer or an RFC 6749 error.
        body = response.json()
        assert "success" not in body, shown
        wanted = "access_token" if response.is_success else "error"
        assert isinstance(body.get(wanted), str), shown
        return
    if 300 <= response.status_code < 400 or (method, path) in NOT_ENVELOPED:
        return
    if (method, path) in RAW_WHEN_OK and response.status_code < 300:
        return
    content_type = response.headers.get("content-type", "")
    assert content_type.startswith("application/json"), shown
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("success"), bool), shown
    assert body["meta"]["request_id"].startswith("req_"), shown
    if response.headers.get("idempotent-replayed") != "true":  # a replay keeps its id
        assert body["meta"]["request_id"] == response.headers["x-request-id"], shown
    if not body["success"]:
        assert isinstance(body["error"]["code"], str), shown
        assert body["error"]["code"] != "server_error", shown


_STRATEGIES: dict[tuple[int, str, str], st.SearchStrategy[Call]] = {}


def strategy_for(world: World, document: dict[str, Any], method: str, path: str):
    """The (cached) strategy of one operation's calls."""
    key = (id(world), method, path)
    if key not in _STRATEGIES:
        operation = document["paths"][path][method]
        _STRATEGIES[key] = calls(Strategies(world, document), method, path, operation)
    return _STRATEGIES[key]


@pytest.mark.parametrize(
    ("method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in OPERATIONS]
)
@FUZZ
@given(data=st.data())
def test_no_generated_request_gets_a_500(
    method, path, served_document, reading_world, writing_world, data
):
    # Being parametrized, each operation gets its own derandomized seed.
    world = reading_world if method == "get" else writing_world
    call = data.draw(strategy_for(world, served_document, method, path), label="call")
    try:
        response = send(world, call)
    except httpx.InvalidURL:
        return  # too odd for httpx to send at all
    except httpx.TransportError as exc:
        raise AssertionError(
            f"{call.describe()}\n  -> {type(exc).__name__}: {exc}"
        ) from exc
    check(call, response, method, path)


# --- a few broken requests beyond the document ------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@pytest.mark.parametrize(
    "path",
    [
        "/v2",
        "/v2/",
        "/v2/posts/",
        "/v2//posts",
        "/v2/posts/%2e%2e/users/me",
        "/V2/POSTS",
        "/v2/openapi.json/x",
        "/favicon.ico",
    ],
)
def test_an_odd_method_and_path_never_gets_a_500(writing_world, method, path):
    headers = {"Authorization": f"Bearer {writing_world.server.key_for('ada')}"}
    response = writing_world.http.request(
        method, writing_world.root + path, headers=headers
    )
    assert response.status_code < 500, (
        method,
        path,
        response.status_code,
        response.text[:300],
    )
    if response.status_code >= 400 and method != "HEAD":
        body = response.json()
        assert body["success"] is False, body
        assert body["meta"]["request_id"] == response.headers["x-request-id"]
