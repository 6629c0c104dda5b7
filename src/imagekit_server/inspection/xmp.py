"""Read an XMP packet (RDF/XML) into flat PascalCase keys.

Each property becomes its local name with a capital first letter (``dc:subject`` ->
``Subject``, ``photoshop:City`` -> ``City``). Bags and sequences become lists, language
alternatives their first (default) entry, and the fields of a structure are lifted to the top
level. The standard library parser does not fetch external entities, and the expat it ships
refuses exponential entity expansion; packets are also capped in size.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from typing import Any

_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_MAX_PACKET_SIZE = 1 << 20
_CONTAINERS = {f"{_RDF}Bag", f"{_RDF}Seq", f"{_RDF}Alt"}
# Attributes of rdf:Description and property elements that are RDF syntax, not data.
_SYNTAX_ATTRIBUTES = {
    f"{_RDF}about",
    f"{_RDF}parseType",
    f"{_RDF}resource",
    f"{_RDF}nodeID",
    "{http://www.w3.org/XML/1998/namespace}lang",
}


def read_xmp(packet: bytes) -> dict[str, Any]:
    """Properties of an XMP packet; ``{}`` when it is missing, oversized or not well-formed."""
    if not packet or len(packet) > _MAX_PACKET_SIZE:
        return {}
    try:
        root = ElementTree.fromstring(packet.strip(b"\x00 \t\r\n"))
    except (ElementTree.ParseError, ValueError):
        return {}
    fields: dict[str, Any] = {}
    for rdf in root.iter(f"{_RDF}RDF"):
        for description in rdf:
            _read_properties(description, fields)
    return fields


def _read_properties(node: ElementTree.Element, fields: dict[str, Any]) -> None:
    """Properties written as attributes or child elements of ``node``."""
    for attribute, value in node.attrib.items():
        if attribute not in _SYNTAX_ATTRIBUTES and attribute.startswith("{"):
            fields.setdefault(_key(attribute), value.strip())
    for child in node:
        if child.tag == f"{_RDF}Description":
            _read_properties(child, fields)
        else:
            _read_property(child, fields)


def _read_property(element: ElementTree.Element, fields: dict[str, Any]) -> None:
    containers = [child for child in element if child.tag in _CONTAINERS]
    if containers:
        items = [(item.text or "").strip() for item in containers[0] if item.tag == f"{_RDF}li"]
        value: Any = items[0] if containers[0].tag == f"{_RDF}Alt" and items else items
        fields.setdefault(_key(element.tag), value)
    elif len(element) or element.get(f"{_RDF}parseType") == "Resource":
        _read_properties(element, fields)  # a structure: its fields join the top level
    else:
        fields.setdefault(_key(element.tag), (element.text or "").strip())


def _key(qualified_name: str) -> str:
    local = qualified_name.rpartition("}")[2]
    return local[:1].upper() + local[1:]
