"""A small client for Streamlit's own websocket protocol: one simulated browser tab, without a browser.

Why: a load test with N headless Chromiums measures Chromium on this 2-core machine, not the server.
This client speaks what Streamlit's frontend speaks (websocket ``/_stcore/stream``, subprotocol
``streamlit``, ``BackMsg`` protobufs out, ``ForwardMsg`` in) and mirrors the frontend's bookkeeping
that changes the server's work: the full set of widget values on every rerun (as the frontend's
WidgetStateManager sends them), values the script set through ``st.session_state`` (``set_value``),
URL query parameters of widgets bound with ``bind="query-params"`` (the app reads them), and the
ForwardMsg cache (big unchanged elements come back as ``ref_hash`` when their hashes are reported).

    async with await Session.open("http://127.0.0.1:8501") as tab:
        first = await tab.rerun()                 # the page's first run, as a fresh browser tab
        run = await tab.set_widget("b0", 12.5)    # move the "Initial bias" slider
        print(run.elapsed, run.exceptions)

Sticky proxies: the tab first GETs the page over HTTP, keeps the cookies it is given (the proxy's
``DLSRV`` pins the session to a worker) and sends them with the websocket request, like a browser.

Not simulated: the page's static files (JS bundles, anything under ``/app/static``), media and
uploads, and custom components' JavaScript (a ``st.components.v2`` component sends state only when
its script sets some; checked against Chromium's frames for keyboard slider changes, which send
exactly the widget values this client sends).
"""

from __future__ import annotations

import asyncio
import math
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal
from http.cookies import SimpleCookie

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from streamlit.runtime.state.common import user_key_from_element_id

# The element types whose value the frontend keeps and sends on every rerun, and the WidgetState
# field it goes in. select_slider is a Slider proto with type SELECT_SLIDER: string_array_value of the
# formatted options (Streamlit ≥ 1.50; older versions sent int indices).
VALUE_FIELD = {"slider": "double_array_value", "select_slider": "string_array_value",
               "checkbox": "bool_value", "toggle": "bool_value", "selectbox": "string_value",
               "radio": "string_value", "multiselect": "string_array_value",
               "number_input": "double_value", "int_number_input": "int_value"}
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
        ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via $http_proxy


@dataclass
class Widget:
    """One widget as the frontend holds it: the value it will send, and what is needed to change it."""

    id: str
    key: str | None  # the user's key= (it is the tail of the id)
    kind: str  # a key of VALUE_FIELD
    label: str
    value: object  # list[float] | list[str] | bool | str | float | None
    default: object  # the value the URL leaves out (widgets bound to query params)
    options: list[str] = field(default_factory=list)
    query_param: str | None = None
    bounds: tuple[float, float, float] | None = None  # slider: min, max, step
    set_value: bool = False  # this delta carries a value the script set (st.session_state)
    fragment_id: str = ""  # the st.fragment that drew it: changing it reruns that fragment alone

    def state(self) -> WidgetState | None:
        """The WidgetState the frontend sends for this widget (None: nothing selected, not sent)."""
        if self.value is None:
            return None
        ws = WidgetState(id=self.id)
        name = VALUE_FIELD[self.kind]
        if name.endswith("_array_value"):
            getattr(ws, name).data.extend(self.value)
        else:
            setattr(ws, name, self.value)
        return ws


@dataclass
class Run:
    """What one script run sent back: its timing, exceptions and size."""

    elapsed: float  # seconds from sending the BackMsg to the script_finished message
    status: str
    exceptions: list[str]  # exception elements (st.exception, uncaught errors): "Type: message"
    errors: list[str]  # st.error alerts' text (an app may show its failures this way, or a result)
    messages: int
    bytes: int
    page_script_hash: str


def js_number(value: float) -> str:
    """A number as JavaScript's ``String()`` spells it in the URL: ``10``, ``10.5``, ``0.00005``,
    ``1e-7`` (positional from 1e-6 to 1e21, where Python's repr switches at 1e-4 and 1e16)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if 1e-6 <= abs(value) < 1e21:
        return format(Decimal(repr(value)), "f")
    mantissa, exp = repr(value).split("e")
    return f"{mantissa}e{'-' if exp.startswith('-') else '+'}{int(exp.lstrip('+-'))}"


def _url_text(value) -> str:
    """A widget value as the frontend writes it in the URL (convertToUrlValue)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return js_number(value)
    return str(value)


def _widget_from_element(element) -> Widget | None:
    """Read a widget delta the way the frontend does on mount: its default, or the value the
    script set (``set_value``). Returns None for elements that keep no value between reruns."""
    kind = element.WhichOneof("type")
    if kind not in ("slider", "checkbox", "selectbox", "radio", "multiselect", "number_input"):
        return None
    proto = getattr(element, kind)
    options: list[str] = list(getattr(proto, "options", []))
    bounds = None
    if kind == "slider" and proto.type == Slider.SELECT_SLIDER:
        kind = "select_slider"
        default = [options[int(i)] for i in proto.default]
        raw = list(proto.raw_value)
        current = [v if v in options else default[i] for i, v in enumerate(raw)] if raw else default
    elif kind == "slider":
        default = list(proto.default)
        current = list(proto.value)
        bounds = (proto.min, proto.max, proto.step)
    elif kind == "checkbox":
        kind = "toggle" if proto.type == proto.TOGGLE else "checkbox"
        default, current = proto.default, proto.value
    elif kind in ("selectbox", "radio"):
        default = options[proto.default] if proto.HasField("default") and options else None
        current = proto.raw_value if proto.HasField("raw_value") else None
    elif kind == "multiselect":
        default = [options[i] for i in proto.default]
        current = list(proto.raw_values)
    else:  # number_input: int_value or double_value, as the frontend sends it
        kind, cast = ("int_number_input", int) if proto.data_type == proto.INT else ("number_input", float)
        default = cast(proto.default) if proto.HasField("default") else None
        current = cast(proto.value) if proto.HasField("value") else None
    return Widget(proto.id, user_key_from_element_id(proto.id), kind, proto.label,
                  current if proto.set_value else default, default, options,
                  proto.query_param_key if proto.HasField("query_param_key") else None, bounds,
                  proto.set_value)


class ProtocolError(Exception):
    """The server sent something this client cannot follow (e.g. a cache miss), or closed early."""


class Session:
    """One browser tab: an HTTP visit for cookies, one websocket, and the widget values it holds."""

    def __init__(self, base_url: str, path: str = "/", query: str = "", *, timeout: float = 180.0):
        self.base_url = base_url.rstrip("/")
        self.path = path
        self.query: dict[str, list[str]] = urllib.parse.parse_qs(query, keep_blank_values=True)
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.ws = None
        self.widgets: dict[str, Widget] = {}  # by id, in the order they appeared
        self.pages: dict[str, str] = {}  # url_pathname -> page_script_hash
        self.page_script_hash = ""
        self.session_id = ""
        self.script_running = False
        self._cache: dict[str, list] = {}  # hash -> [ForwardMsg, run it was last used]
        self._max_age = 2
        self._runs = 0

    # ------------------------------------------------------------------------------ connection

    @classmethod
    async def open(cls, base_url: str, path: str = "/", query: str = "", *, timeout: float = 180.0):
        """Visit the page over HTTP (for the proxy's sticky cookie), then open the websocket."""
        tab = cls(base_url, path, query, timeout=timeout)
        await asyncio.to_thread(tab._http_get, tab.path)
        await asyncio.to_thread(tab._http_get, "/_stcore/health")  # as the frontend does; XSRF cookie
        scheme = "wss" if tab.base_url.startswith("https") else "ws"
        netloc = urllib.parse.urlsplit(tab.base_url).netloc
        headers = {"Origin": tab.base_url}
        if tab.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in tab.cookies.items())
        tab.ws = await asyncio.wait_for(websockets.connect(
            f"{scheme}://{netloc}/_stcore/stream", subprotocols=["streamlit"], additional_headers=headers,
            max_size=None, ping_interval=None), timeout)
        return tab

    def _http_get(self, path: str) -> None:
        request = urllib.request.Request(self.base_url + path)
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        with _OPENER.open(request, timeout=self.timeout) as response:
            response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # ------------------------------------------------------------------------------ script runs

    def widget(self, key: str) -> Widget:
        """The widget with user key ``key`` (raises KeyError with the keys there are)."""
        for w in self.widgets.values():
            if w.key == key:
                return w
        keys = sorted(str(w.key) for w in self.widgets.values())
        raise KeyError(f"no widget with key {key!r}; keys: {keys}")

    async def rerun(self, *, page_script_hash: str | None = None, fragment_id: str = "") -> Run:
        """Send a rerun with every widget's value (as the frontend does) and read until the script
        finishes (a timeout raises TimeoutError). ``fragment_id``: rerun that fragment alone, as the
        frontend does when a widget drawn by a fragment changes."""
        hash_ = self.page_script_hash if page_script_hash is None else page_script_hash
        page_name = "" if hash_ else self.path.strip("/")
        states = [s for s in (w.state() for w in self.widgets.values()) if s is not None]
        url = self.base_url + self.path + (f"?{self.query_string()}" if self.query else "")
        client = ClientState(
            query_string=self.query_string(), page_script_hash=hash_, page_name=page_name,
            widget_states=WidgetStates(widgets=states), cached_message_hashes=list(self._cache),
            context_info=ContextInfo(timezone="UTC", timezone_offset=0, locale="en-US", url=url,
                                     is_embedded=False, color_scheme="light"),
            fragment_id=fragment_id)
        start = time.perf_counter()
        await self.ws.send(BackMsg(rerun_script=client).SerializeToString())
        return await asyncio.wait_for(self._read_run(start, fragment_id), self.timeout)

    async def set_widget(self, key: str, value) -> Run:
        """Change one widget as a user would, then rerun. ``value``: a number for a slider (a pair
        for a range) or a number input, an option's text for select_slider/selectbox/radio, a bool
        for a toggle or checkbox, a list of option texts for a multiselect."""
        w = self.widget(key)
        if w.kind == "slider":
            w.value = [float(v) for v in (value if isinstance(value, (list, tuple)) else [value])]
        elif w.kind == "select_slider":
            values = list(value) if isinstance(value, (list, tuple)) else [value]
            missing = [v for v in values if v not in w.options]
            if missing:
                raise ValueError(f"{key}: {missing} not among its options")
            w.value = [str(v) for v in values]
        elif w.kind in ("selectbox", "radio"):
            if value not in w.options:
                raise ValueError(f"{key}: {value!r} not among its options {w.options}")
            w.value = value
        elif w.kind.endswith("number_input"):
            w.value = int(value) if w.kind == "int_number_input" else float(value)
        else:
            w.value = value
        self._sync_url(w)
        return await self.rerun(fragment_id=w.fragment_id)

    async def switch_page(self, url_pathname: str, query: str = "") -> Run:
        """Follow a ``st.page_link`` to another page (``""`` is the main page) as the frontend does:
        the link's query string plus the URL parameters of bound widgets (filterParamsForPageChange),
        and no widget values (the old page's elements are cleared; widgets with
        ``persist_state="session"`` come back from the server with ``set_value``)."""
        bound = {w.query_param for w in self.widgets.values() if w.query_param}
        kept = {k: v for k, v in self.query.items() if k in bound}
        self.query = {**urllib.parse.parse_qs(query, keep_blank_values=True), **kept}
        self.widgets = {}
        return await self.rerun(page_script_hash=self.pages[url_pathname])

    def query_string(self) -> str:
        return urllib.parse.urlencode(sorted(self.query.items()), doseq=True)

    def _sync_url(self, w: Widget) -> None:
        """A user's change of a bound widget rewrites its URL parameter, or drops it at the default
        (the frontend's WidgetStateManager.maybeSyncValueToUrl); the next rerun carries the URL."""
        if not w.query_param:
            return
        def as_list(v) -> list[str]:
            return [_url_text(x) for x in v] if isinstance(v, list) else [_url_text(v)]

        if w.value is None or as_list(w.value) == as_list(w.default):
            self.query.pop(w.query_param, None)
        else:
            self.query[w.query_param] = as_list(w.value)

    async def _read_run(self, start: float, fragment_id: str = "") -> Run:
        """Read ForwardMsgs until this run's ``script_finished`` (a run cut short by a rerun or a page
        switch is followed by another one: keep reading)."""
        exceptions: list[str] = []
        errors: list[str] = []
        seen: set[str] = set()
        started = False
        n = size = 0
        while True:
            try:
                raw = await self.ws.recv()
            except websockets.ConnectionClosed as exc:
                raise ProtocolError(f"websocket closed during a run: {exc}") from exc
            n += 1
            size += len(raw)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            msg = self._through_cache(msg)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                started = True
                seen.clear()
                exceptions.clear()
                errors.clear()
                self._on_new_session(msg.new_session)
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                if element.WhichOneof("type") == "exception":
                    exceptions.append(f"{element.exception.type}: {element.exception.message}")
                elif element.WhichOneof("type") == "alert" and element.alert.format == Alert.ERROR:
                    errors.append(element.alert.body)
                widget = _widget_from_element(element)
                if widget is not None:
                    widget.fragment_id = msg.delta.fragment_id
                    seen.add(widget.id)
                    self._on_widget(widget)
            elif kind == "navigation":
                self._on_pages(msg.navigation.app_pages, msg.navigation.page_script_hash)
            elif kind == "page_info_changed":  # the server rewrote the URL's query string
                self.query = urllib.parse.parse_qs(msg.page_info_changed.query_string, keep_blank_values=True)
            elif kind == "session_status_changed":
                self.script_running = msg.session_status_changed.script_is_running
            elif kind == "page_not_found":
                exceptions.append(f"PageNotFound: {msg.page_not_found.page_name}")
            elif kind == "script_finished" and started:
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    started = False  # st.rerun / st.switch_page: the next run follows
                    continue
                if status in DONE:
                    elapsed = time.perf_counter() - start
                    if status == ForwardMsg.FINISHED_SUCCESSFULLY:  # the frontend drops unmounted widgets
                        self.widgets = {i: w for i, w in self.widgets.items() if i in seen}
                    elif status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:  # …of the fragments
                        ran = {w.fragment_id for i, w in self.widgets.items() if i in seen} | {fragment_id}
                        self.widgets = {i: w for i, w in self.widgets.items()
                                        if i in seen or not w.fragment_id or w.fragment_id not in ran}
                    self._expire_cache()
                    return Run(elapsed, ForwardMsg.ScriptFinishedStatus.Name(status), exceptions, errors, n,
                               size, self.page_script_hash)
            # Everything else (page_config_changed, page_profile, logo, git info, auto
            # reruns, transient deltas, add_block) does not change what this client sends next.

    def _on_new_session(self, new_session) -> None:
        self.session_id = new_session.initialize.session_id or self.session_id
        if new_session.config.max_cached_message_age:
            self._max_age = new_session.config.max_cached_message_age
        self._on_pages(new_session.app_pages, new_session.page_script_hash)

    def _on_pages(self, app_pages, page_script_hash: str) -> None:
        """The page this run shows and the app's pages. A ``pages/`` app gets them in a ``navigation``
        message after ``new_session`` (whose hash is the main script's): the frontend sends the
        navigation's hash on later reruns, and another hash would be a page switch to the server."""
        self.page_script_hash = page_script_hash
        for page in app_pages:
            self.pages[page.url_pathname] = page.page_script_hash
            if page.page_script_hash == page_script_hash:
                self.path = "/" + ("" if page.is_default else page.url_pathname)

    def _on_widget(self, new: Widget) -> None:
        """The frontend keeps a widget's value across reruns; only ``set_value`` replaces it."""
        old = self.widgets.get(new.id)
        if old is not None and not new.set_value:
            new.value = old.value
        self.widgets[new.id] = new

    # ------------------------------------------------------------------------------ message cache

    def _through_cache(self, msg: ForwardMsg) -> ForwardMsg:
        """Keep cacheable messages; resolve ``ref_hash`` to the cached message (with the ref's own
        metadata, i.e. its position), as the frontend's ForwardMsgCache does."""
        if msg.WhichOneof("type") == "ref_hash":
            entry = self._cache.get(msg.ref_hash)
            if entry is None:
                raise ProtocolError(f"cache miss for ref_hash {msg.ref_hash}")
            entry[1] = self._runs
            full = ForwardMsg()
            full.CopyFrom(entry[0])
            full.metadata.CopyFrom(msg.metadata)
            return full
        if msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = [msg, self._runs]
        return msg

    def _expire_cache(self) -> None:
        self._runs += 1
        self._cache = {h: e for h, e in self._cache.items() if self._runs - e[1] <= self._max_age}


def nearest_step(w: Widget, value: float) -> float:
    """``value`` clamped to a slider's range and rounded to its step (what a real slider can send)."""
    lo, hi, step = w.bounds
    value = min(max(value, lo), hi)
    k = round((value - lo) / step)
    digits = max(0, -math.floor(math.log10(step))) + 2 if step < 1 else 0
    return round(lo + k * step, digits)
