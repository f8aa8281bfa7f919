"""Devices a discovery tool saw, read from its export: CSV, JSON or XML.

Discovery tools (network scanners such as Open-AudIT, MDM and endpoint
agents) export what they found in many shapes; ``read_discovery`` reads the
common ones into ``Device`` records:

* an Open-AudIT device document, JSON or XML: a ``sys`` section (hostname,
  FQDN, serial, manufacturer, model, OS name and version, type) and the MAC
  addresses of its ``network`` and ``ip`` sections;
* a JSON list of devices (each an Open-AudIT document or a flat object), or
  an object holding one under ``data``, ``devices`` or ``items`` (an API
  listing; an item's ``attributes`` are read when present);
* a CSV file with a header line (through ``itam.tabular``: BOMs, CR line
  endings, bad bytes, duplicate headers), one device a row;
* a folder: every ``.csv``, ``.json`` and ``.xml`` file in it, by name.

Columns and keys are recognised by common names, ignoring case, spaces and
punctuation, and a prefix such as ``system.``: ``Serial Number``,
``serial_no`` and ``devices.serial`` are all the serial; ``Device name``,
``Computer Name`` and ``hostname`` the host name; ``MAC Address``, ``Wi-Fi
MAC`` and ``Ethernet MAC`` all add MAC addresses (a cell may hold several).

MAC addresses are normalised (``AA-BB-CC-DD-EE-FF``, ``aabb.ccdd.eeff`` →
``aa:bb:cc:dd:ee:ff``); placeholder serials that agents report for "unknown"
(``To Be Filled By O.E.M.``, ``0000000``, ``N/A``) count as none. What cannot
be read at all (no such file, not JSON, an XML document type declaration,
too large) is a ConfigError (exit 2); odd rows are ``Problem``\\ s with their
file and line, and the rest is read.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from itam.errors import ConfigError
from itam.files import read_capped, read_input
from itam.output import escaped

MAX_BYTES = 64 << 20
"""Largest discovery file read; a scan of 100,000 devices is far smaller."""

MAX_FILES = 10_000
"""Most files read from a folder (one Open-AudIT document per device)."""

SUFFIXES = (".csv", ".json", ".xml")

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_HEX = re.compile(r"[0-9a-f]{12}")
_MAC_SPLIT = re.compile(r"[\s,;|]+")
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)

# Names each field goes by, folded (lower case, letters and digits only), best first.
ALIASES: dict[str, tuple[str, ...]] = {
    "serial": ("serial", "serialnumber", "serialno", "sn", "servicetag", "hardwareserial"),
    "hostname": ("hostname", "host", "dnshostname", "computername", "devicename", "sysname"),
    "fqdn": ("fqdn", "dnsfqdn", "dnsname"),
    "name": ("name", "displayname", "assetname"),
    "mac": (
        "mac",
        "macaddress",
        "macaddresses",
        "macs",
        "ethernetmac",
        "wifimac",
        "wlanmac",
        "wiredmac",
    ),
    "os_name": ("osname", "operatingsystem", "os"),
    "os_version": ("osversion", "operatingsystemversion"),
    "manufacturer": ("manufacturer", "make", "vendor", "brand", "systemmanufacturer"),
    "model": ("model", "modelname", "productname", "systemmodel"),
    "type": ("type", "devicetype"),
    "ip": ("ip", "ipaddress", "ipv4", "ipv4address"),
}
_FIELD_OF = {alias: name for name, aliases in ALIASES.items() for alias in aliases}

# Serials agents report when the firmware holds none (after GLPI's list of
# junk identifiers): matching on them would pair unrelated devices.
_PLACEHOLDER_SERIALS = frozenset(
    _NON_ALNUM.sub("", s.casefold())
    for s in (
        "n/a",
        "na",
        "none",
        "null",
        "(null string)",
        "unknown",
        "unknow",
        "invalid",
        "empty",
        "default string",
        "not specified",
        "not applicable",
        "to be filled by o.e.m.",
        "system serial number",
        "serial number",
        "oem_serial",
        "0123456789",
        "123456789",
        "1234567890",
    )
)
_REPEATED = re.compile(r"(.)\1*")


@dataclass(frozen=True, slots=True)
class Device:
    """One device as the discovery saw it; "" where it said nothing.

    ``where`` names it in messages: its file, and its CSV line or its place
    in a JSON list.
    """

    source: str
    line: int | None
    index: int | None = None
    hostname: str = ""
    fqdn: str = ""
    name: str = ""
    serial: str = ""
    macs: tuple[str, ...] = ()
    os_name: str = ""
    os_version: str = ""
    manufacturer: str = ""
    model: str = ""
    type: str = ""
    ip: str = ""

    @property
    def where(self) -> str:
        if self.line is not None:
            return f"{self.source}:{self.line}"
        if self.index is not None:
            return f"{self.source} (device {self.index})"
        return self.source

    @property
    def label(self) -> str:
        """What a person calls it: its host name, else its name, serial or first MAC."""
        return self.hostname or self.fqdn or self.name or self.serial or next(iter(self.macs), "")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the export that could not be read as a device."""

    source: str
    line: int | None
    message: str


@dataclass(slots=True)
class Discovery:
    """The devices of an export, and what was odd about it."""

    source: str
    devices: list[Device] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def fold(name: str) -> str:
    """A column or key name as aliases are written: ``Serial Number`` → ``serialnumber``."""
    return _NON_ALNUM.sub("", name.rsplit(".", 1)[-1].casefold())


def normal_mac(text: str) -> str | None:
    """``text`` as ``aa:bb:cc:dd:ee:ff``, or None when it is not a MAC address
    (or is all zeros, as an interface without one reports)."""
    digits = _NON_ALNUM.sub("", text.casefold())
    if not _HEX.fullmatch(digits) or digits == "0" * 12:
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def macs_in(values: Iterable[str]) -> tuple[str, ...]:
    """The distinct MAC addresses in ``values`` (cells may hold several), in order."""
    out: dict[str, None] = {}
    for value in values:
        for part in _MAC_SPLIT.split(value):
            mac = normal_mac(part) if part else None
            if mac is not None:
                out.setdefault(mac)
    return tuple(out)


def real_serial(text: str) -> str:
    """``text`` trimmed, or "" when it is a placeholder for "no serial"."""
    text = text.strip()
    folded = _NON_ALNUM.sub("", text.casefold())
    if not folded or folded in _PLACEHOLDER_SERIALS:
        return ""
    if _REPEATED.fullmatch(folded) and len(folded) > 1:
        return ""  # 0000000, 1111111, xxxxxxxx
    return text


def _text(value: Any) -> str:
    if isinstance(value, str):
        return escaped(value.strip())
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return ""


def device_of(
    flat: Mapping[str, Any],
    source: str,
    line: int | None = None,
    index: int | None = None,
    extra_macs: Iterable[str] = (),
) -> Device:
    """A device from one flat record (a CSV row, a JSON object, a ``sys`` section)."""
    found: dict[str, str] = {}
    ranks: dict[str, int] = {}
    macs: list[str] = []
    for key, value in flat.items():
        name = _FIELD_OF.get(fold(str(key)))
        if name is None:
            continue
        if name == "mac":
            if isinstance(value, list):
                macs.extend(_text(v) for v in value)
            else:
                macs.append(_text(value))
            continue
        text = _text(value)
        rank = ALIASES[name].index(fold(str(key)))
        if text and (name not in found or rank < ranks[name]):
            found[name], ranks[name] = text, rank
    hostname = found.get("hostname", "")
    fqdn = found.get("fqdn", "")
    if not hostname and "." in found.get("name", ""):
        fqdn = fqdn or found["name"]
    return Device(
        source=source,
        line=line,
        index=index,
        hostname=hostname,
        fqdn=fqdn,
        name=found.get("name", ""),
        serial=real_serial(found.get("serial", "")),
        macs=macs_in([*macs, *extra_macs]),
        os_name=found.get("os_name", ""),
        os_version=found.get("os_version", ""),
        manufacturer=found.get("manufacturer", ""),
        model=found.get("model", ""),
        type=found.get("type", ""),
        ip=found.get("ip", ""),
    )


def _open_audit(document: Mapping[str, Any], source: str, index: int | None) -> Device:
    """An Open-AudIT device document: ``sys`` plus the MACs of ``network`` and ``ip``."""
    sys_part = document.get("sys")
    macs: list[str] = []
    for section in ("network", "ip"):
        items = document.get(section)
        if isinstance(items, dict):
            items = items.get("item", [items])
        if isinstance(items, dict):
            items = [items]
        if isinstance(items, list):
            macs.extend(_text(i.get("mac")) for i in items if isinstance(i, dict))
    return device_of(sys_part if isinstance(sys_part, dict) else {}, source, None, index, macs)


def _from_json_value(value: Any, source: str, out: Discovery) -> None:
    if isinstance(value, dict) and isinstance(value.get("sys"), dict):
        out.devices.append(_open_audit(value, source, None))
        return
    items: Any = None
    if isinstance(value, list):
        items = value
    elif isinstance(value, dict):
        for key in ("data", "devices", "items", "results"):
            if isinstance(value.get(key), list):
                items = value[key]
                break
        else:
            items = [value]
    if items is None:
        raise ConfigError(f"{source}: holds no device (a JSON object or list of devices)")
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            out.problems.append(Problem(source, None, f"device {number} is not an object"))
            continue
        if isinstance(item.get("attributes"), dict):
            item = item["attributes"]
        if isinstance(item.get("sys"), dict):
            device = _open_audit(item, source, number)
        else:
            device = device_of(item, source, None, number)
        if len(items) == 1:
            device = _alone(device)
        out.devices.append(device)


def _alone(device: Device) -> Device:
    # The only device of a file is named by the file alone.
    return replace(device, index=None)


def _read(path: Path) -> bytes:
    data = read_input(path, MAX_BYTES, "discovery export", "split the export")
    return data.removeprefix(codecs.BOM_UTF8)


def _text_of(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{shown}:{line}: not UTF-8 text (byte {exc.start + 1})") from None


def read_json(path: Path, shown: str, out: Discovery) -> None:
    """The devices of a JSON export."""
    text = _text_of(_read(path), shown)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{shown}:{exc.lineno}: not JSON: {exc.msg}") from None
    except RecursionError:
        raise ConfigError(f"{shown}: nested too deeply to be a device list") from None
    except ValueError as exc:  # a number of more digits than Python converts
        raise ConfigError(f"{shown}: not a device list: {exc}") from None
    _from_json_value(value, shown, out)


MAX_XML_DEPTH = 16
"""An Open-AudIT document nests three levels deep (system, section, item)."""


def _xml_value(element: ElementTree.Element, shown: str, depth: int = 0) -> Any:
    if depth > MAX_XML_DEPTH:
        raise ConfigError(f"{shown}: nested more than {MAX_XML_DEPTH} levels deep; refused")
    children = list(element)
    if not children:
        return (element.text or "").strip()
    if all(child.tag == "item" for child in children):
        return [_xml_value(child, shown, depth + 1) for child in children]
    return {child.tag: _xml_value(child, shown, depth + 1) for child in children}


def read_xml(path: Path, shown: str, out: Discovery) -> None:
    """The device of an Open-AudIT XML document (``<system><sys>...``)."""
    data = _read(path)
    if _DOCTYPE.search(data):
        # Entities are how XML expands a few bytes into gigabytes or reads
        # local files; a device document has no use for them.
        raise ConfigError(f"{shown}: declares a document type or entities; refused")
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - no DTD, checked above
    except ElementTree.ParseError as exc:
        raise ConfigError(f"{shown}:{exc.position[0]}: not XML: {exc}") from None
    value = _xml_value(root, shown)
    if not isinstance(value, dict) or not isinstance(value.get("sys"), dict):
        raise ConfigError(f"{shown}: not an Open-AudIT device document (no <sys> section)")
    out.devices.append(_open_audit(value, shown, None))


def read_csv(path: Path, shown: str, out: Discovery) -> None:
    """The devices of a CSV export, one a row, with the table's problems."""
    from itam.tabular import read_table

    table = read_table(path)
    known = [c for c in table.columns if fold(c) in _FIELD_OF]
    if not known:
        raise ConfigError(
            f"{shown}: no column names a device field; name at least one of serial, "
            "hostname, mac address"
        )
    for problem in table.problems:
        out.problems.append(Problem(shown, problem.line, problem.message))
    for row in table.rows:
        cells = {c: row.get(c) for c in known}
        device = device_of(cells, shown, row.line)
        if not (device.serial or device.macs or device.hostname or device.fqdn or device.name):
            out.problems.append(Problem(shown, row.line, "no serial, MAC or host name; skipped"))
            continue
        out.devices.append(device)


Reader = Callable[[Path, str, Discovery], None]
_READERS: dict[str, Reader] = {".json": read_json, ".xml": read_xml, ".csv": read_csv}


def read_discovery(path: Path) -> Discovery:
    """Every device of the export at ``path`` (a file, or a folder of them)."""
    shown = escaped(str(path))
    out = Discovery(shown)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
        if not files:
            raise ConfigError(f"{shown}: a folder without .csv, .json or .xml files")
        if len(files) > MAX_FILES:
            raise ConfigError(f"{shown}: more than {MAX_FILES:,} files; split the export")
        for file in files:
            _read_file(file, escaped(str(file)), out)
        return out
    _read_file(path, shown, out)
    return out


def _read_file(path: Path, shown: str, out: Discovery) -> None:
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix) or _sniffed(path)
    reader(path, shown, out)


def _sniffed(path: Path) -> Reader:
    """The reader for a file whose name does not say its format: by its first byte."""
    try:
        head = read_capped(path, 256)[:256]
    except OSError:
        return read_csv  # which says why it cannot be read
    first = head.removeprefix(codecs.BOM_UTF8).lstrip()[:1]
    if first in (b"{", b"["):
        return read_json
    return read_xml if first == b"<" else read_csv
