"""pyx12's 837P map (005010X222A1), compiled once into plain tables for the fast IG pass.

The map (``837.5010.X222.A1.xml``), its data elements (``dataele.xml``) and the external
code lists (``codes.xml``) are read with lxml the first time the pass runs, turned into
plain tuples and dicts, and pickled to a cache file keyed by pyx12's version and the
map's sha256 (``$XDG_CACHE_HOME/edi-lint`` or ``~/.cache/edi-lint``). Later runs load
the pickle (a few milliseconds); no run parses XML once the cache is written. A cache
that cannot be read or written is ignored: the tables are then compiled in memory.

pyx12 is located, not imported: ``importlib.util.find_spec`` gives its folder and
``importlib.metadata`` its version. The tables mirror what pyx12's ``map_if`` builds
(positions, x12 paths, the qualifier each segment is matched by, usage, repeat and
max use, elements and composites, syntax rules), so ``igwalk.py`` can walk them the
way pyx12's ``map_walker`` walks its nodes.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import re
import tempfile

MAP_FILE = "837.5010.X222.A1.xml"
FORMAT = 3  # bump when the tables' shape changes
MAXINT = 2147483647


class MapUnavailable(Exception):
    """pyx12 (or its map files) cannot be found."""


def _pyx12_dir() -> str:
    spec = importlib.util.find_spec("pyx12")
    if spec is None or not spec.submodule_search_locations:
        raise MapUnavailable("pyx12 is not installed")
    return os.path.join(list(spec.submodule_search_locations)[0], "map")


def _pyx12_version(folder: str) -> str:
    """pyx12's ``__version__``, read from its ``version.py`` (importlib.metadata takes
    tens of milliseconds to find a distribution; a run should not pay that)."""
    try:
        with open(os.path.join(os.path.dirname(folder), "version.py"), encoding="utf-8") as fh:
            found = re.search(r"""__version__\s*=\s*["']([^"']+)""", fh.read())
    except OSError:
        found = None
    return found.group(1) if found else "unknown"


def _cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "edi-lint")


_TABLES = None


def load_tables():
    """The compiled tables (a dict): from memory, the cache file, or compiled now."""
    global _TABLES
    if _TABLES is not None:
        return _TABLES
    folder = _pyx12_dir()
    path = os.path.join(folder, MAP_FILE)
    try:
        with open(path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()
    except OSError as exc:
        raise MapUnavailable(f"pyx12's map {MAP_FILE} cannot be read: {exc}") from None
    key = f"ig837-{FORMAT}-{_pyx12_version(folder)}-{digest[:24]}.pickle"
    cache = os.path.join(_cache_dir(), key)
    tables = _read_cache(cache)
    if tables is None:
        tables = compile_map(folder)
        _write_cache(cache, tables)
    _TABLES = tables
    return tables


def _read_cache(path):
    try:
        with open(path, "rb") as fh:
            tables = pickle.load(fh)
    except Exception:  # absent, truncated, written by another version: compile again
        return None
    return tables if isinstance(tables, dict) and tables.get("format") == FORMAT else None


def _write_cache(path, tables) -> None:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception:  # a read-only home, a full disk: the tables stay in memory
        pass


# --------------------------------------------------------------------------- compiling

def compile_map(folder: str) -> dict:
    """Read the map, data elements and code lists of ``folder`` into plain tables.

    Nodes are dicts: a loop ``{"kind": "L", id, name, usage, repeat, pos, path,
    children: [(pos, [node, ...]), ...]}``, a segment ``{"kind": "S", id, name, usage,
    pos, max_use, path, key, elements, syntax}``. Element specs are tuples
    ``("E", seq, refdes, name, usage, data_ele, type, min, max, codes, external, regex)``
    and composites ``("C", seq, refdes, name, usage, (element specs...))``.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    dataele = {}
    for e in etree.parse(os.path.join(folder, "dataele.xml"), parser).iter("data_ele"):
        dataele[e.get("ele_num")] = (e.get("data_type"), int(e.get("min_len")),
                                     int(e.get("max_len")))
    external = {}
    for cs in etree.parse(os.path.join(folder, "codes.xml"), parser).iter("codeset"):
        external[cs.findtext("id")] = frozenset(c.text for c in cs.iterfind("version/code"))
    root = etree.parse(os.path.join(folder, MAP_FILE), parser).getroot()

    def text(elem, name):
        return elem.get(name) or elem.findtext(name)

    def element(e):
        num = text(e, "data_ele")
        dtype, lo, hi = dataele.get(num, (None, 0, MAXINT))
        v = e.find("valid_codes")
        codes = tuple(c.text for c in v.findall("code")) if v is not None else ()
        ext = v.get("external") if v is not None else None
        return ("E", int(text(e, "seq")), e.get("xid"), text(e, "name"), text(e, "usage"),
                num, dtype, lo, hi, codes, ext, e.findtext("regex") or None)

    def composite(c):
        kids = sorted((element(e) for e in c.findall("element")), key=lambda s: s[1])
        return ("C", int(text(c, "seq")), c.get("xid") or text(c, "data_ele"), text(c, "name"),
                text(c, "usage"), tuple(kids))

    def segment(s, parent_path):
        kids = [element(e) for e in s.findall("element")]
        kids += [composite(c) for c in s.findall("composite")]
        kids.sort(key=lambda k: k[1])
        syntax = []
        for syn in s.findall("syntax"):
            t = syn.text
            if t and t[0] in "PRCLE":
                syntax.append((t[0],) + tuple(int(t[1 + 2 * i:3 + 2 * i])
                                              for i in range(len(t[1:]) // 2)))
        max_use = text(s, "max_use")
        return {"kind": "S", "id": s.get("xid"), "name": text(s, "name"),
                "usage": text(s, "usage"), "pos": int(text(s, "pos")),
                "max_use": MAXINT if max_use in (None, ">1") else int(max_use),
                "elements": tuple(kids), "syntax": tuple(syntax), "key": _match_key(s.get("xid"), kids),
                "guess": _guess_key(s.get("xid"), kids), "parent_path": parent_path}

    def loop(elem, parent_path):
        repeat = text(elem, "repeat")
        node = {"kind": "L", "id": elem.get("xid"), "name": text(elem, "name"),
                "usage": text(elem, "usage"), "pos": int(text(elem, "pos")),
                "repeat": MAXINT if repeat in (None, ">1") else int(repeat)}
        node["path"] = f"{parent_path}/{node['id']}"
        node["children"] = _children(elem, node["path"], loop, segment)
        return node

    return {"format": FORMAT, "root": _children(root, "", loop, segment), "external": external}


def _children(elem, path, loop, segment):
    pos_map: dict[int, list] = {}
    for e in elem.findall("loop"):
        node = loop(e, path)
        pos_map.setdefault(node["pos"], []).append(node)
    for e in elem.findall("segment"):
        node = segment(e, path)
        pos_map.setdefault(node["pos"], []).append(node)
    for pos, nodes in pos_map.items():
        for node in nodes:
            if node["kind"] != "S":
                continue
            name = node["id"]
            if len(nodes) > 1 and node["guess"] is not None:  # pyx12's REF[EI] paths
                name += f"[{node['guess']}]"
            node["path"] = f"{path}/{name}"
            del node["guess"], node["parent_path"]
    return [(pos, pos_map[pos]) for pos in sorted(pos_map)]


def _match_key(seg_id, kids):
    """(element, component, codes) a data segment must match, as pyx12's ``is_match``."""
    c0 = kids[0] if kids else None
    c1 = kids[1] if len(kids) > 1 else None
    c2 = kids[2] if len(kids) > 2 else None
    if c0 and c0[0] == "E" and c0[6] == "ID" and c0[4] == "R" and c0[9]:
        return (1, 0, frozenset(c0[9]))
    if seg_id == "ENT" and c1 and c1[0] == "E" and c1[6] == "ID" and c1[9]:
        return (2, 0, frozenset(c1[9]))
    if c0 and c0[0] == "C" and c0[5]:
        first = c0[5][0]
        if seg_id == "CTX" and first[6] == "AN" and first[9]:
            return (1, 1, frozenset(first[9]))
        if first[6] == "ID" and first[9]:
            return (1, 1, frozenset(first[9]))
    if seg_id == "HL" and c2 and c2[0] == "E" and c2[9]:
        return (3, 0, frozenset(c2[9]))
    return None


def _guess_key(seg_id, kids):
    """The first valid code of pyx12's ``guess_unique_key_id_element`` (path suffix)."""
    c0 = kids[0] if kids else None
    c1 = kids[1] if len(kids) > 1 else None
    c2 = kids[2] if len(kids) > 2 else None
    if c0 and c0[0] == "E" and c0[6] == "ID" and c0[9]:
        return c0[9][0] or ""
    if seg_id == "ENT" and c1 and c1[0] == "E" and c1[6] == "ID" and c1[9]:
        return c1[9][0] or ""
    if c0 and c0[0] == "C" and c0[5] and c0[5][0][6] == "ID" and c0[5][0][9]:
        return c0[5][0][9][0] or ""
    if seg_id == "HL" and c2 and c2[0] == "E" and c2[9]:
        return c2[9][0] or ""
    return None
