"""Operating systems and firmware matched to vendor releases, and judged by their end of support.

The mapping of policies/software.yaml and the reference data of reference/
are the bundled ones; each shipped product has a case here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from itam import yamlsafe
from itam.entities import Entity
from itam.evaluation import evaluate
from itam.layout import Layout
from itam.policy.load import load_config
from itam.support import match_software
from tests.conftest import AS_OF, LT5, PROJECT, WAIVERS, copy_registry, edit, findings, run_itam

POLICY = load_config(Layout(PROJECT))[1]


def _entity(text: str, file: str = "registry/x.yaml") -> Entity:
    doc = yamlsafe.load(text.encode("utf-8"), file)
    assert doc.data is not None, doc.findings
    return Entity(doc, doc.data)


def _os(name: str, version: str) -> tuple[str | None, str | None]:
    asset = _entity(f"id: X\nkind: laptop\nos: {{name: '{name}', version: '{version}'}}\n")
    [found] = match_software(asset, None, POLICY.software, POLICY.reference)
    assert found.release is not None or found.problem, found
    return found.product, found.cycle if found.release is not None else None


OS_CASES = [
    ("Windows 11 Enterprise", "24H2", "windows", "11-24h2-e"),
    ("Windows 11 Pro", "24H2", "windows", "11-24h2-w"),
    ("Windows 11 Education", "25H2", "windows", "11-25h2-e"),
    ("Windows 11 Home", "23H2", "windows", "11-23h2-w"),
    ("Windows 10 Enterprise LTSC", "21H2", "windows", "10-21h2-e-lts"),
    ("Windows Server 2022 Datacenter", "21H2", "windows-server", "2022"),
    ("Windows Server 2025 Standard", "24H2", "windows-server", "2025"),
    ("macOS", "15.6", "macos", "15"),
    ("macOS", "26", "macos", "26"),
    ("iOS", "26.1", "ios", "26"),
    ("Android", "16", "android", "16"),
    ("Android", "12.1", "android", "12.1"),
    ("Ubuntu", "24.04", "ubuntu", "24.04"),
    ("Ubuntu", "24.04.3", "ubuntu", "24.04"),
    ("Ubuntu", "22.04 LTS", "ubuntu", "22.04"),
    ("Red Hat Enterprise Linux", "8.10", "rhel", "8"),
    ("Red Hat Enterprise Linux", "9", "rhel", "9"),
    ("VMware ESXi", "8.0 Update 3", "vmware-esxi", "8.0"),
    # Case and spacing of the name do not matter; nothing else is forgiven.
    ("windows 11  ENTERPRISE", "24h2", "windows", "11-24h2-e"),
]


@pytest.mark.parametrize(("name", "version", "product", "cycle"), OS_CASES)
def test_each_shipped_os_maps_to_its_release(
    name: str, version: str, product: str, cycle: str
) -> None:
    assert _os(name, version) == (product, cycle)


FIRMWARE_CASES = [
    ("Cisco IOS XE", "17.12.4", "cisco-ios-xe", "17.12"),
    ("FortiOS", "7.4.8", "fortios", "7.4"),
    ("FortiOS", "7.2.10", "fortios", "7.2"),
    ("ONTAP", "9.14.1P6", "netapp-ontap", "9.14.1"),
]


@pytest.mark.parametrize(("family", "firmware", "product", "cycle"), FIRMWARE_CASES)
def test_each_shipped_firmware_maps_to_its_release(
    family: str, firmware: str, product: str, cycle: str
) -> None:
    model = _entity(f"id: m\nkind: model\nfirmware_family: {family}\n")
    asset = _entity(f"id: X\nkind: network-device\nmodel: m\nfirmware: '{firmware}'\n")
    [found] = match_software(asset, model, POLICY.software, POLICY.reference)
    assert (found.product, found.cycle) == (product, cycle)
    assert found.release is not None
    assert found.pointer == "/firmware"


def test_every_shipped_product_has_a_mapping_and_a_case() -> None:
    shipped = set(POLICY.reference.products)
    mapped = {entry.product for entry in POLICY.software}
    tested = {case[2] for case in OS_CASES + FIRMWARE_CASES}
    assert shipped == mapped == tested
    assert {"windows", "macos", "ios", "ubuntu", "fortios"} <= shipped


@pytest.mark.parametrize(
    ("name", "version", "why"),
    [
        ("Windows 11 Pro", "24H1", "release cycle '11-24h1-w', which reference/windows.yaml"),
        ("Windows 12 Pro", "25H2", "names the os.name 'Windows 12 Pro'"),
        ("Windows 11 Pro", "24H2 (build 26100)", "matches none of the version patterns"),
        ("Ubuntu", "Noble Numbat", "matches none of the version patterns"),
        ("macOS", "Sequoia", "matches none of the version patterns"),
    ],
)
def test_software_no_entry_matches_is_never_guessed(name: str, version: str, why: str) -> None:
    asset = _entity(f"id: X\nkind: laptop\nos: {{name: '{name}', version: '{version}'}}\n")
    [found] = match_software(asset, None, POLICY.software, POLICY.reference)
    assert found.release is None
    assert found.problem is not None
    assert why in found.problem


def test_firmware_without_a_family_is_unmatched() -> None:
    asset = _entity("id: X\nkind: network-device\nmodel: m\nfirmware: 1.2.3\n")
    model = _entity("id: m\nkind: model\n")
    [with_model] = match_software(asset, model, POLICY.software, POLICY.reference)
    assert with_model.problem == "its model m names no firmware_family"
    [without] = match_software(asset, None, POLICY.software, POLICY.reference)
    assert without.problem == "it has no model to name its firmware family"


def test_nothing_recorded_is_nothing_matched() -> None:
    asset = _entity("id: X\nkind: laptop\nos: {version: '24H2'}\nfirmware: ''\n")
    assert match_software(asset, None, POLICY.software, POLICY.reference) == ()


# -- the rules on a registry -----------------------------------------------------------------
def _laptop(root: Path, name: str) -> None:
    edit(root, LT5, "name: Windows 11 Enterprise", f"name: {name}")


def _judge(root: Path, as_of: str, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = run_itam("validate", "--root", root, "--as-of", as_of, "--format", "json", *args)
    assert result.exit_code in (0, 1), str(result)
    return result.exit_code, [f for f in findings(result) if f["entity"] == "LT-0005"]


def test_windows_11_pro_24h2_deployed_on_2026_12_01_is_an_error(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    _laptop(root, "Windows 11 Pro")
    code, found = _judge(root, "2026-12-01")
    assert code == 1
    [error] = [f for f in found if f["rule"] == "software.unsupported"]
    assert error["severity"] == "error"
    assert error["file"] == LT5
    assert error["path"] == "/os/version"
    assert error["line"] == 16
    assert "windows 11-24h2-w" in str(error["message"])
    assert "ended on 2026-10-13, 49 days ago" in str(error["message"])


def test_the_enterprise_edition_warns_a_few_months_before_2027_10_12(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    # LT-0005 runs Windows 11 Enterprise 24H2 as bundled.
    _, found = _judge(root, "2026-12-01")
    assert not [f for f in found if str(f["rule"]).startswith("software.")]
    _, found = _judge(root, "2027-06-01")
    [warning] = [f for f in found if f["rule"] == "software.eol-approaching"]
    assert warning["severity"] == "warning"
    assert "ends on 2027-10-12, in 133 days" in str(warning["message"])


@pytest.mark.parametrize(
    ("as_of", "rule"),
    [
        ("2028-05-14", None),  # 181 days before FortiOS 7.4's end: not yet
        ("2028-05-15", "firmware.eol-approaching"),  # 180 days before
        ("2028-11-11", "firmware.eol-approaching"),  # the last day of support
        ("2028-11-12", "firmware.unsupported"),  # the day after
    ],
)
def test_a_registry_judged_either_side_of_an_end_of_support(as_of: str, rule: str | None) -> None:
    evaluation = evaluate(Layout(PROJECT), dt.date.fromisoformat(as_of))
    for firewall in ("NET-0004", "NET-0005"):
        rules = {f.rule for f in evaluation.findings_of(firewall) if f.rule.startswith("firmware.")}
        assert rules == ({rule} if rule else set()), (firewall, as_of)


def test_the_bundled_registry_as_of_the_test_date() -> None:
    evaluation = evaluate(Layout(PROJECT), dt.date.fromisoformat(AS_OF))
    support = {
        rule: sorted(f.entity or "" for f in found)
        for rule, found in evaluation.by_rule.items()
        if rule.startswith(("software.", "firmware."))
    }
    assert support == {
        "firmware.eol-approaching": ["STO-0001"],
        "firmware.unmatched": ["NET-0002", "NET-0003", "NET-0006", "STO-0002"],
        "software.eol-approaching": ["DT-0003"],
    }


def test_unmatched_software_is_reported_once_for_all_its_assets() -> None:
    evaluation = evaluate(Layout(PROJECT), dt.date.fromisoformat(AS_OF))
    aruba = [f for f in evaluation.by_rule["firmware.unmatched"] if "ArubaOS" in f.message]
    # NET-0006 and NET-0007 both run ArubaOS 8.10.0.12: one finding, on the first.
    assert len(aruba) == 1
    assert aruba[0].entity == "NET-0006"
    assert aruba[0].severity == "info"
    assert "recorded by 2 assets (NET-0006, NET-0007)" in aruba[0].message


def test_an_unsupported_os_can_be_waived(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    _laptop(root, "Windows 11 Pro")
    with (root / WAIVERS).open("a", encoding="utf-8") as handle:
        handle.write(
            "  - rule: software.unsupported\n    entities: [LT-0005]\n"
            "    reason: Windows 11 Pro upgrade to 25H2 booked for the next change window.\n"
            "    approved_by: EMP-1001\n    expires: 2027-01-31\n"
        )
    code, found = _judge(root, "2026-12-01")
    assert code == 0
    [waived] = [f for f in found if f["rule"] == "software.unsupported"]
    assert "waiver" in waived


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    product: fortios\n", "    product: fortigate\n", "unknown product 'fortigate'"),
        (
            "    version: '^([0-9]+\\.[0-9]+)\\.'\n  - firmware: [FortiOS]",
            "    version: '^(?=7)'\n  - firmware: [FortiOS]",
            "not a pattern RE2 can run",
        ),
        ("    cycle: '11-{1}-e'\n", "    cycle: '11-{2}-e'\n", "uses group {2}"),
        (
            "  - firmware: [FortiOS]\n",
            "  - firmware: [FortiOS]\n    os: [FortiOS]\n",
            "either os: (operating system names) or firmware:",
        ),
    ],
)
def test_mistakes_in_the_mapping_are_exit_2_with_file_and_line(
    old: str, new: str, message: str, tmp_path: Path
) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    line = edit(root, "policies/software.yaml", old, new)
    result = run_itam("validate", "--root", root, "--as-of", AS_OF)
    assert result.exit_code == 2, str(result)
    assert message in result.stderr
    reported = int(result.stderr.split("policies/software.yaml:")[1].split(":")[0])
    assert abs(reported - line) <= 2, result.stderr


def test_support_rules_without_a_mapping_are_exit_2(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    path = root / "policies" / "software.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[text.index("rules:") :], encoding="utf-8")
    result = run_itam("validate", "--root", root, "--as-of", AS_OF)
    assert result.exit_code == 2, str(result)
    assert "needs a software mapping" in result.stderr


def test_explain_shows_the_mapping_and_the_reference() -> None:
    out = run_itam("policy", "explain", "software.unsupported", "--root", PROJECT).stdout
    assert "Windows 11 Pro, Windows 11 Home" in out
    assert "→ windows 11-{1}-w" in out
    assert "reference/windows.yaml: Microsoft Windows" in out
    firmware = run_itam("policy", "explain", "firmware.unmatched", "--root", PROJECT).stdout
    assert "→ fortios {1}" in firmware
    assert "macos" not in firmware


def test_show_gives_the_support_status() -> None:
    result = run_itam("show", "NET-0004", "--root", PROJECT, "--as-of", AS_OF, "--format", "json")
    [fortios] = result.json()["derived"]["software"]
    assert fortios == {
        "source": "firmware",
        "name": "FortiOS",
        "version": "7.4.8",
        "product": "fortios",
        "cycle": "7.4",
        "label": None,
        "end_of_support": "2028-11-11",
        "extended_support": None,
        "reference": "reference/fortios.yaml",
        "unmatched": None,
    }
    text = run_itam("show", "LT-0005", "--root", PROJECT, "--as-of", "2027-11-01").stdout
    assert "os support:      ended 2027-10-12  (Windows 11 Enterprise 24H2 is windows" in text
    text = run_itam("show", "STO-0002", "--root", PROJECT, "--as-of", AS_OF).stdout
    assert "firmware support: unknown  (Synology DSM" in text
