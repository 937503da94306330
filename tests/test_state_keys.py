"""``gd_ui/state.py`` lists every session key: read from the code (every ``key=`` of a widget, every
``st.session_state[...]``, ``.get``, ``.setdefault``, ``.pop``, through module constants too), and seen
in the session after every page has run."""

from __future__ import annotations

import ast

from conftest import REPO, open_page

from gd_ui.state import KEYS, registered

STREAMLIT_CODE = [REPO / "app.py", *sorted((REPO / "pages").glob("*.py")),
                  *sorted((REPO / "gd_ui" / "widgets").glob("*.py"))]
STATE_NAMES = {"session_state"}  # and each module's aliases (``state = st.session_state``)
# Streamlit's own keys and AppTest's, never ours.
FOREIGN = ("$$", "_stcore")


def _constants(tree: ast.Module) -> dict[str, str]:
    out = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str):
                out[target.id] = node.value.value
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                for name, value in zip(target.elts, node.value.elts):
                    if isinstance(name, ast.Name) and isinstance(value, ast.Constant) \
                            and isinstance(value.value, str):
                        out[name.id] = value.value
    return out


def _text(node: ast.AST, constants: dict[str, str]) -> str | None:
    """A key expression as text: a literal, a module constant, or an f-string (``poll_pick_<code>``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.JoinedStr):
        return "".join(p.value if isinstance(p, ast.Constant) else "<x>" for p in node.values)
    return None


def _aliases(tree: ast.Module) -> set[str]:
    """Names assigned ``st.session_state`` anywhere in the module."""
    return {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Attribute) and node.value.attr == "session_state"
            for t in node.targets if isinstance(t, ast.Name)}


def _is_state(node: ast.AST, aliases: set[str]) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr in STATE_NAMES) or \
        (isinstance(node, ast.Name) and node.id in aliases)


def keys_in_code() -> dict[str, str]:
    """{key: where} for every session key the Streamlit-side code names."""
    found = {}
    for path in STREAMLIT_CODE:
        tree = ast.parse(path.read_text())
        constants, aliases = _constants(tree), _aliases(tree)
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Call):
                names += [kw.value for kw in node.keywords if kw.arg == "key"]
                func = node.func
                if isinstance(func, ast.Attribute) and func.attr in ("get", "setdefault", "pop") \
                        and _is_state(func.value, aliases) and node.args:
                    names.append(node.args[0])
            elif isinstance(node, ast.Subscript) and _is_state(node.value, aliases):
                names.append(node.slice)
            for name in names:
                text = _text(name, constants)
                if text is not None:
                    found.setdefault(text, f"{path.relative_to(REPO)}:{name.lineno}")
    return found


def _known(key: str) -> bool:
    """Registered, or a family member (``poll_pick_<x>`` from an f-string matches ``poll_pick_<code>``)."""
    if registered(key.replace("<x>", "x")) is not None:
        return True
    return any(k.name.split("<")[0] == key.split("<")[0] for k in KEYS if "<" in k.name and "<" in key)


def test_the_code_scan_finds_keys_of_every_kind():
    found = keys_in_code()
    for key in ("ds", "lr", "_lr_seen", "data_uploads", "presenter_on", "poll_owned", "step_next",
                "poll_pick_<x>", "_api_written"):
        assert key in found, f"the scan misses {key}: it cannot see what it is meant to check"


def test_every_session_key_in_the_code_is_registered():
    missing = {k: where for k, where in keys_in_code().items() if not _known(k)}
    assert not missing, f"session keys used but not listed in gd_ui/state.py KEYS: {missing}"


def test_every_key_in_a_session_after_every_page_is_registered():
    at = open_page()
    seen = set(at.session_state.to_dict())
    for page in sorted(p.relative_to(REPO).as_posix() for p in (REPO / "pages").glob("*.py")):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        seen |= set(at.session_state.to_dict())
    ours = {k for k in seen if not k.startswith(FOREIGN)}
    assert len(ours) > 40, sorted(seen)
    missing = sorted(k for k in ours if registered(k) is None)
    assert not missing, f"session keys set but not listed in gd_ui/state.py KEYS: {missing}"


def test_the_registry_has_no_duplicates_and_names_real_owners():
    names = [k.name for k in KEYS]
    assert len(names) == len(set(names))
    for k in KEYS:
        owner = REPO / (k.owner if k.owner.endswith(".py") else f"gd_ui/{k.owner.replace('.', '/')}.py")
        assert owner.is_file() or k.owner == "app.py", f"{k.name}: owner {k.owner} is no file"
