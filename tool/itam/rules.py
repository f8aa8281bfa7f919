"""Every rule id the tool can emit, explained for the person who meets it in CI.

Built-in rules belong to the tool itself: how files are found and read, how
YAML is parsed, the kind schemas, integrity across the registry, waivers and
pull requests. Policy rules are declared in policies/ and run a check of
``itam.checks``, which documents itself; their entries are built from the
check and the declaration, so they follow the policy in force.
"""

from __future__ import annotations

from dataclasses import dataclass

from itam.checks import CHECKS
from itam.checks.base import EXAMPLES_AS_OF
from itam.errors import ConfigError
from itam.findings import Severity
from itam.policy.model import Policy, Rule
from itam.suggest import did_you_mean

BUILT_IN_ORIGIN = "built-in"

# The date the date-dependent built-in examples below were checked against.
_EXAMPLES_AS_OF = EXAMPLES_AS_OF


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What one rule checks, why, and an example that passes and one that fails."""

    id: str
    severity: Severity
    summary: str
    why: str
    passing: str
    failing: str
    examples_as_of: str | None
    origin: str


def _built_in(
    rule_id: str,
    severity: Severity,
    summary: str,
    why: str,
    passing: str,
    failing: str,
    examples_as_of: str | None = None,
) -> RuleInfo:
    return RuleInfo(
        rule_id, severity, summary, why, passing, failing, examples_as_of, BUILT_IN_ORIGIN
    )


E, W = Severity.ERROR, Severity.WARNING

_LAPTOP = "id: LT-0001\nkind: laptop\nname: ThinkPad T14 of Amelia Hart\n"

_FILE_RULES = (
    _built_in(
        "file.bad-name",
        E,
        "a file name in registry/ is not valid UTF-8 or holds a control character",
        "Such a name cannot be shown safely in CI logs, annotations or the site: an escape "
        "sequence can recolour or rewrite a terminal line, and stray bytes come out as "
        "garbage. Rename the file after its entity id.",
        "registry/hardware/laptops/LT-0001.yaml",
        "registry/hardware/laptops/LT-0001\\x1b[8m.yaml    # an ESC byte hides the rest\n"
        "registry/locations/b\\xfcro.yaml    # 'büro' saved as Latin-1, not UTF-8",
    ),
    _built_in(
        "file.not-regular",
        E,
        "a named pipe, socket or device sits in registry/",
        "Reading a named pipe waits until something writes to it, so the run would hang; a "
        "device can be endless. Such files are never opened. Delete it: entity files are "
        "plain files.",
        "registry/hardware/laptops/LT-0001.yaml    # a regular file",
        "mkfifo registry/hardware/laptops/LT-0099.yaml    # a named pipe",
    ),
    _built_in(
        "file.not-yaml",
        E,
        "a file in registry/ is not a .yaml or .yml entity file",
        "registry/ holds one YAML file per entity and nothing else. A README, a spreadsheet "
        "export or an editor's backup there is a mistake or data nobody checks: move it "
        "elsewhere. Hidden files such as .gitkeep are ignored.",
        "registry/hardware/laptops/LT-0001.yaml",
        "registry/hardware/laptops/LT-0001.yaml~    # an editor's backup\n"
        "registry/hardware/laptops/inventory.xlsx",
    ),
    _built_in(
        "file.symlink",
        E,
        "a symbolic link in registry/ leads outside the root, to a folder or nowhere "
        "(in a commit read from git: any link)",
        "A link to a file outside the repository would let a pull request print that file "
        "(a CI secret, /etc/passwd) in findings; a link to a folder can loop. Links are "
        "never followed: put a real file there.",
        "registry/people/EMP-1001.yaml    # a real file",
        "ln -s /etc/passwd registry/people/EMP-9999.yaml",
    ),
    _built_in(
        "file.too-large",
        E,
        "a registry file is larger than 1 MiB (1,048,576 bytes); it is not parsed",
        "An entity file is a few kilobytes. A huge one is a pasted log, an embedded image or "
        "an attempt to stall CI. Keep long text elsewhere and link to it from notes.",
        "registry/hardware/laptops/LT-0001.yaml    # 2 KB",
        "registry/hardware/laptops/LT-0001.yaml    # 5 MB: a whole log pasted into notes",
    ),
    _built_in(
        "file.too-many-findings",
        E,
        "one rule fired on one file more often than the cap: this finding counts the rest",
        "A file with hundreds of duplicate keys (a bad merge, a generated file) would flood "
        "CI output and hide every other problem. Fix the findings shown and run again. This "
        "finding carries the highest severity of those it stands for.",
        "a file with a few duplicate keys: each one is shown",
        "a file with 50 duplicate keys: the first ones are shown, then one "
        "file.too-many-findings finding counts the others",
    ),
    _built_in(
        "file.unreadable",
        E,
        "a registry file cannot be read (permissions, a path too long, an I/O error)",
        "A file the tool cannot read is a file nobody has checked, so the run must not pass "
        "as if it were fine. Fix its permissions (chmod 644) or shorten its path.",
        "-rw-r--r--  registry/hardware/laptops/LT-0001.yaml",
        "chmod 000 registry/hardware/laptops/LT-0001.yaml    # or a path over 4,096 bytes",
    ),
)

_YAML_RULES = (
    _built_in(
        "yaml.alias",
        E,
        "an anchor (&name) or alias (*name) is used",
        "An alias makes one value stand for another, so an edit in one place silently "
        "changes others, and nested aliases can expand into gigabytes (the 'billion laughs' "
        "attack). Write each value out.",
        "location: lon-hq-3f\nnotes: Issued at lon-hq-3f.",
        "location: &here lon-hq-3f\nnotes: *here",
    ),
    _built_in(
        "yaml.complex-key",
        E,
        "a list or mapping is used as a key",
        "Keys are field names. A list as a key is valid YAML but names no field, and JSON "
        "has no such thing, so nothing downstream could read it.",
        "serial: PF4K7M2Q",
        "[PF4K7M2Q, PF4K7M2R]: two serials",
    ),
    _built_in(
        "yaml.control-character",
        E,
        "a NUL byte, an escape that makes a control character, or a tab or line break in a key",
        "Control characters are invisible in editors and reviews but change what a value "
        "means or how a terminal shows it: an ESC sequence in a name can recolour or rewrite "
        "CI output, a NUL cuts text short in other tools.",
        'name: "ThinkPad T14 (red)"',
        'name: "ThinkPad \\e[31mT14"    # \\e is ESC, a terminal colour code',
    ),
    _built_in(
        "yaml.duplicate-key",
        E,
        "the same key appears twice in one mapping",
        "YAML parsers keep only the last of two equal keys without a word, so a reviewer "
        "reads one serial and every other tool uses the other. Keep one of them.",
        "id: LT-0001\nserial: PF4K7M2Q\nstatus: deployed",
        "id: LT-0001\nserial: PF4K7M2Q\nserial: PF4K7M2R",
    ),
    _built_in(
        "yaml.empty",
        E,
        "the file holds no YAML document: it is empty or only comments",
        "An empty file is an entity without id, kind or status: usually a half-finished "
        "addition or a bad merge. Fill it in or delete it.",
        _LAPTOP + "status: planned\nmodel: lenovo-thinkpad-t14-gen5",
        "# LT-0099: to be filled in",
    ),
    _built_in(
        "yaml.empty-key",
        E,
        "a key without a name (~ or null as a key)",
        "~ and null mean 'nothing' in YAML, so the value has no field to go to and is "
        "dropped. Give the field its name.",
        "notes: spare charger in the bag",
        "~: spare charger in the bag",
    ),
    _built_in(
        "yaml.encoding",
        E,
        "the file is not UTF-8 (UTF-16, UTF-32, or bytes of another encoding such as Latin-1)",
        "Other encodings turn names such as Büro or Łódź into garbage or break the parse, "
        "differently in every tool. Save the file as UTF-8 (for Excel exports: 'CSV UTF-8').",
        "notes: Büro Berlin, 2. OG    # saved as UTF-8",
        "notes: Büro Berlin, 2. OG    # saved as Latin-1: byte 0xfc is not UTF-8",
    ),
    _built_in(
        "yaml.invalid-date",
        E,
        "a date that is not on the calendar, such as 2023-02-30",
        "Other tools reject such a date or roll it over into March, so deadlines would count "
        "from a day that never was. Check the paperwork and write the real date.",
        "purchase: {date: 2023-02-28}",
        "purchase: {date: 2023-02-30}",
    ),
    _built_in(
        "yaml.invisible-character",
        E,
        "an invisible or direction-changing character: zero-width space, bidi override, "
        "soft hyphen (a no-break space is a warning)",
        "A serial with a zero-width space looks the same in review but no longer matches the "
        "label, so a duplicate slips past the uniqueness checks; a bidi override makes text "
        "read differently from what it says. Delete the value and type it again.",
        "serial: PF4K7M2Q",
        "serial: PF4K<U+200B>7M2Q    # a zero-width space hides after PF4K",
    ),
    _built_in(
        "yaml.merge-key",
        E,
        "a merge key (<<) is used",
        "A merge key copies fields from elsewhere, so what a file shows is not what it holds; "
        "YAML 1.2 dropped it. Write the fields out.",
        "model: lenovo-thinkpad-t14-gen5\nlocation: lon-hq-3f",
        "<<: {model: lenovo-thinkpad-t14-gen5, location: lon-hq-3f}",
    ),
    _built_in(
        "yaml.multiple-documents",
        E,
        "the file holds more than one YAML document (a second ---)",
        "One file is one entity, and its name is the entity's id. A second document is a "
        "second entity hiding in the first one's file, which most tools never read. Give it "
        "a file of its own.",
        "id: LT-0001\nkind: laptop",
        "id: LT-0001\nkind: laptop\n---\nid: LT-0002\nkind: laptop",
    ),
    _built_in(
        "yaml.not-mapping",
        E,
        "the document is a list or a single value, not a mapping of fields",
        "An entity is a set of named fields (id: ..., kind: ...). Several entities belong in "
        "one file each.",
        "id: LT-0001\nkind: laptop",
        "- id: LT-0001\n- id: LT-0002",
    ),
    _built_in(
        "yaml.syntax",
        E,
        "the file is not valid YAML: an unclosed bracket or quote, a bad indent",
        "Nothing in the file can be checked until it parses. The finding shows where the "
        "parser gave up, which is often just after the real mistake.",
        "tags: [spare, loan]\nstatus: in-stock",
        "tags: [spare, loan\nstatus: in-stock",
    ),
    _built_in(
        "yaml.tag",
        E,
        "a tag other than the core ones (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq)",
        "Tags such as !!python/object ask a loader to build objects or run code (unsafe "
        "loaders do), and !!binary or !!set have no JSON form. Registry files hold plain "
        "values.",
        "notes: Reimaged on 2026-03-02.",
        "notes: !!python/object/apply:os.system [echo pwned]",
    ),
    _built_in(
        "yaml.too-deep",
        E,
        "values nest more than 32 levels deep",
        "An asset nests four or five levels deep. More is a mistake or an attack: a file of "
        "[[[[... makes parsers crawl or crash.",
        "purchase: {cost: {amount: 1399.00, currency: GBP}}",
        "notes: " + "[" * 33 + "x" + "]" * 33 + "    # 33 levels",
    ),
)

_EXTENSION = "a field of your own in schemas/extensions.schema.json"

_SCHEMA_RULES = (
    _built_in(
        "schema.const",
        E,
        "a value differs from the one value the schema fixes",
        "A schema can pin a field to one value (" + _EXTENSION + ", e.g. the tenant every "
        "asset belongs to); any other value is a mistake.",
        "acme_tenant: acme-eu    # schema: {const: acme-eu}",
        "acme_tenant: acme-us",
    ),
    _built_in(
        "schema.contains",
        E,
        "a list lacks an item of the kind the schema asks for",
        "A schema can ask a list for at least one item of a kind (" + _EXTENSION + ", e.g. "
        "one off-site backup target among the backup targets).",
        "acme_backup_targets: [nas-lon-01, offsite-s3]    # schema: contains {pattern: ^offsite-}",
        "acme_backup_targets: [nas-lon-01]",
    ),
    _built_in(
        "schema.dependent-required",
        E,
        "a field is present but a field it depends on is missing",
        "Some fields only make sense together (" + _EXTENSION + ", e.g. a lease end "
        "without the leasing company to return the device to).",
        "acme_lease_end: 2028-01-31\nacme_lessor: dell",
        "acme_lease_end: 2028-01-31    # schema: acme_lease_end needs acme_lessor",
    ),
    _built_in(
        "schema.enum",
        E,
        "a value is not one of those the schema lists",
        "Fields such as criticality or currency take one of a fixed list so that reports can "
        "group and filter by them; a typo would make a group of its own.",
        "criticality: high",
        "criticality: urgent    # low, medium, high or critical",
    ),
    _built_in(
        "schema.exclusive-maximum",
        E,
        "a number is not below the upper bound the schema sets",
        "A schema can bound a number from above, the bound itself excluded (" + _EXTENSION + ", "
        "e.g. a discount must stay below 100 percent).",
        "acme_discount_percent: 40    # schema: {exclusiveMaximum: 100}",
        "acme_discount_percent: 100",
    ),
    _built_in(
        "schema.exclusive-minimum",
        E,
        "a number is not above the lower bound the schema sets",
        "A schema can bound a number from below, the bound itself excluded (" + _EXTENSION + ", "
        "e.g. a power draw must be more than 0 watts).",
        "acme_power_watts: 65    # schema: {exclusiveMinimum: 0}",
        "acme_power_watts: 0",
    ),
    _built_in(
        "schema.format",
        E,
        "a value is not a valid date or e-mail address",
        "Dates drive every deadline and e-mail addresses reach people; the schema checks "
        "that they exist and can be read. Write dates as YYYY-MM-DD.",
        "purchase: {date: 2024-02-29}    # a leap day",
        "purchase: {date: '2023-02-30'}    # quoted, so text, and not on the calendar",
    ),
    _built_in(
        "schema.invalid",
        E,
        "the value breaks a schema keyword that has no rule id of its own (oneOf, a false "
        "schema, ...)",
        "The message quotes what the schema wanted; it mostly concerns " + _EXTENSION + ". "
        "Read the field's definition in schemas/ to see what it accepts.",
        "acme_charge_to: PR-4100    # schema: oneOf a cost centre (^CC-) or a project (^[A-Z]{2}-)",
        "acme_charge_to: CC-4100    # matches both, not exactly one",
    ),
    _built_in(
        "schema.kind",
        E,
        "kind names no kind that schemas/kinds/ defines",
        "The kind picks the schema and the lifecycle an entity is checked against; with an "
        "unknown kind nothing else can be checked. Use a kind of schemas/kinds/ (laptop, "
        "server, person, ...) or add a schema for a new one.",
        "kind: laptop",
        "kind: notebook    # there is no schemas/kinds/notebook.schema.json",
    ),
    _built_in(
        "schema.max-items",
        E,
        "a list has more items than the schema allows",
        "A schema can cap a list (" + _EXTENSION + ", e.g. a device has one named user).",
        "acme_assigned_to: [EMP-1001]    # schema: {maxItems: 1}",
        "acme_assigned_to: [EMP-1001, EMP-1002]",
    ),
    _built_in(
        "schema.max-length",
        E,
        "a text is longer than the schema allows",
        "Lengths follow what other systems accept (a serial of at most 64 characters, a host "
        "name of at most 253); a longer value is usually two values pasted together.",
        "serial: PF4K7M2Q",
        "serial: " + "PF4K7M2Q" * 9 + "    # 72 characters, at most 64",
    ),
    _built_in(
        "schema.max-properties",
        E,
        "a mapping has more fields than the schema allows",
        "A schema can cap the fields of a mapping (" + _EXTENSION + ", e.g. three labels).",
        "acme_labels: {team: it, site: lon}    # schema: {maxProperties: 3}",
        "acme_labels: {team: it, site: lon, floor: 3f, desk: '12'}",
    ),
    _built_in(
        "schema.maximum",
        E,
        "a number is above the largest value the schema allows",
        "Bounds catch typing slips: a warranty of 240 months or a rack unit of 61 does not "
        "exist, and every date counted from it would be wrong.",
        "warranty: {start: 2025-01-10, months: 60}",
        "warranty: {start: 2025-01-10, months: 240}    # at most 120",
    ),
    _built_in(
        "schema.min-items",
        E,
        "a list has fewer items than the schema asks for (often none)",
        "A schema can require a list to hold something (" + _EXTENSION + ", e.g. at least "
        "one support contact).",
        "acme_support_contacts: [EMP-1010]    # schema: {minItems: 1}",
        "acme_support_contacts: []",
    ),
    _built_in(
        "schema.min-length",
        E,
        "a text is shorter than the schema allows (often empty)",
        "An empty name, serial or version is as good as none but looks filled in; leave the "
        "field out until the value is known.",
        "serial: PF4K7M2Q",
        "serial: ''",
    ),
    _built_in(
        "schema.min-properties",
        E,
        "a mapping has fewer fields than the schema asks for (often none)",
        "A schema can require a mapping to hold something (" + _EXTENSION + ", e.g. "
        "contacts with at least one entry); an empty one looks filled in but says nothing.",
        "acme_contacts: {on_call: EMP-1010}    # schema: {minProperties: 1}",
        "acme_contacts: {}",
    ),
    _built_in(
        "schema.minimum",
        E,
        "a number is below the smallest value the schema allows",
        "Bounds catch typing slips: no laptop has 0 GB of memory, no warranty lasts 0 months.",
        "memory_gb: 16",
        "memory_gb: 0    # at least 1",
    ),
    _built_in(
        "schema.multiple-of",
        E,
        "a number is not a multiple of the step the schema sets",
        "A schema can ask for steps (" + _EXTENSION + ", e.g. leases run in whole years, "
        "in steps of 12 months).",
        "acme_lease_months: 36    # schema: {multipleOf: 12}",
        "acme_lease_months: 13",
    ),
    _built_in(
        "schema.not",
        E,
        "a value matches what the schema forbids",
        "A schema can forbid values (" + _EXTENSION + ", e.g. no default administrator "
        "account names on a device).",
        "acme_local_admin: lt-maint-7    # schema: not {enum: [admin, administrator, root]}",
        "acme_local_admin: admin",
    ),
    _built_in(
        "schema.pattern",
        E,
        "a text does not have the form the schema asks for (a MAC address, an asset tag, a "
        "currency)",
        "One form per value keeps values comparable: two spellings of one MAC address would "
        "defeat the uniqueness checks and lookups in network tools. The message shows the "
        "expected form.",
        "network: {mac_addresses: ['a4:c3:f0:5e:21:9c']}",
        "network: {mac_addresses: [a4c3.f05e.219c]}    # Cisco dotted notation",
    ),
    _built_in(
        "schema.property-names",
        E,
        "a key of a mapping does not have the form the schema asks for",
        "A schema can restrict the keys of a free mapping (" + _EXTENSION + ", e.g. label "
        "names in lower case with '-'), so that they can be searched and compared.",
        "acme_labels: {team-name: it}    # schema: propertyNames {pattern: ^[a-z][a-z0-9-]*$}",
        "acme_labels: {Team Name: it}",
    ),
    _built_in(
        "schema.required",
        E,
        "a field the kind's schema requires is missing",
        "Every entity needs an id, a kind and a name, and each kind adds its own (a laptop "
        "needs a status and a model; a cost needs an amount and a currency). Without them, "
        "references, reports and deadlines have nothing to work on.",
        "purchase:\n  cost: {amount: 1399.00, currency: GBP}",
        "purchase:\n  cost: {amount: 1399.00}    # no currency",
    ),
    _built_in(
        "schema.type",
        E,
        "a value has the wrong type: a number where text belongs, text where a number belongs",
        "YAML guesses types, so version 10.10 is read as the number 10.1 and an all-digit "
        "serial as a number. The schema says what each field is; the message says how to "
        "write it, usually: quote it.",
        "os: {name: macOS, version: '10.10'}",
        "os: {name: macOS, version: 10.10}    # the number 10.1",
    ),
    _built_in(
        "schema.unique-items",
        E,
        "a list holds the same value twice",
        "Tags, licenses and addresses are sets: a repeat is a copy-paste slip, and counts of "
        "licence seats would count it twice.",
        "tags: [spare, loan]",
        "tags: [spare, loan, spare]",
    ),
    _built_in(
        "schema.unknown-field",
        E,
        "a field the kind's schema does not declare, often a typo",
        "A misspelt field is ignored by everything that reads the right name: warrenty: means "
        "the asset has no warranty on record. Fix the name (the message suggests one), or "
        "declare your own field in schemas/extensions.schema.json.",
        "warranty: {end: 2029-01-14}",
        "warrenty: {end: 2029-01-14}    # did you mean 'warranty'?",
    ),
)

_INTEGRITY_RULES = (
    _built_in(
        "integrity.duplicate-id",
        E,
        "two files hold the same id (compared without case)",
        "References, history and reports find an entity by its id; two entities with one id "
        "make each of them ambiguous. Case is ignored because macOS and Windows treat "
        "LT-0001.yaml and lt-0001.yaml as one file.",
        "# registry/hardware/laptops/LT-0001.yaml\nid: LT-0001\n"
        "# registry/hardware/laptops/LT-0002.yaml\nid: LT-0002",
        "# registry/hardware/laptops/LT-0001.yaml\nid: LT-0001\n"
        "# registry/archive/LT-0001.yaml\nid: LT-0001",
    ),
    _built_in(
        "integrity.id-filename",
        E,
        "the file's name without .yaml differs from the id inside it",
        "The file name is how people and git find an entity; when it says one id and the "
        "file another, edits land on the wrong asset. Rename the file to <id>.yaml.",
        "# registry/hardware/laptops/LT-0001.yaml\nid: LT-0001",
        "# registry/hardware/laptops/LT-0001.yaml\nid: LT-0010",
    ),
    _built_in(
        "integrity.reference",
        E,
        "a reference (owner, location, model, vendor, ...) names an id no entity has",
        "A laptop owned by EMP-9999 has nobody accountable for it, and reports cannot show "
        "its location or model. Add the missing entity or fix the id; the message suggests "
        "the closest one.",
        "owner: EMP-1001    # registry/people/EMP-1001.yaml exists",
        "owner: EMP-9999    # no entity has this id",
    ),
    _built_in(
        "integrity.reference-kind",
        E,
        "a reference names an entity of the wrong kind",
        "An owner must be a person, a location a location, a model a model: lon-hq as an "
        "owner leaves the asset without anyone accountable.",
        "owner: EMP-1001    # a person",
        "owner: lon-hq    # a location, not a person",
    ),
    _built_in(
        "integrity.unique-asset-tag",
        E,
        "two assets carry the same asset tag (compared without case)",
        "The asset tag is the label on the device that audits scan; two assets with one tag "
        "mean one of them is mislabelled or counted twice.",
        "# LT-0001.yaml\nasset_tag: LDN-10231\n# LT-0002.yaml\nasset_tag: LDN-10232",
        "# LT-0001.yaml\nasset_tag: LDN-10231\n# LT-0002.yaml\nasset_tag: ldn-10231",
    ),
    _built_in(
        "integrity.unique-mac",
        E,
        "two assets list the same MAC address (compared without case or separators)",
        "A MAC address identifies one network interface to DHCP, NAC and monitoring; a "
        "repeat is a copy-paste mistake that sends alerts to the wrong asset.",
        "# LT-0001.yaml\nnetwork: {mac_addresses: ['a4:c3:f0:5e:21:9c']}\n"
        "# LT-0002.yaml\nnetwork: {mac_addresses: ['a4:c3:f0:5e:21:9d']}",
        "# LT-0001.yaml\nnetwork: {mac_addresses: ['a4:c3:f0:5e:21:9c']}\n"
        "# LT-0002.yaml\nnetwork: {mac_addresses: [A4-C3-F0-5E-21-9C]}",
    ),
    _built_in(
        "integrity.unique-serial",
        E,
        "two assets record the same serial number (compared without case)",
        "A serial identifies one device to its vendor, the warranty desk and auditors; a "
        "repeat is a copy-paste mistake or one device counted twice.",
        "# LT-0001.yaml\nserial: PF4K7M2Q\n# LT-0002.yaml\nserial: PF4K7M2R",
        "# LT-0001.yaml\nserial: PF4K7M2Q\n# LT-0002.yaml\nserial: pf4k7m2q",
    ),
)

_WAIVER = (
    "waivers:\n  - rule: eol.passed-in-service\n    entities: [NET-0002]\n"
    "    reason: Third-party maintenance covers it until its replacement is installed.\n"
)

_WAIVER_RULES = (
    _built_in(
        "waiver.approver",
        E,
        "a waiver's approved_by is not a person in the registry",
        "A waiver is an accepted risk: someone accountable accepted it, and that someone "
        "must be findable in registry/people/.",
        _WAIVER + "    approved_by: EMP-1001    # a person\n    expires: 2027-03-31",
        _WAIVER + "    approved_by: it-security    # no person has this id\n"
        "    expires: 2027-03-31",
        _EXAMPLES_AS_OF,
    ),
    _built_in(
        "waiver.expired",
        E,
        "a waiver's expiry date has passed",
        "Exceptions are temporary by design: once its date passes a waiver covers nothing "
        "and the findings it held back count again. Fix the problem, or renew the waiver "
        "with a new approval and date.",
        _WAIVER + "    approved_by: EMP-1001\n    expires: 2027-03-31",
        _WAIVER + "    approved_by: EMP-1001\n    expires: 2026-01-31    # passed",
        _EXAMPLES_AS_OF,
    ),
    _built_in(
        "waiver.unused",
        W,
        "a waiver matches no finding on some of the entities it names",
        "A waiver that covers nothing (the problem was fixed, or an id is misspelt) would "
        "silently hide the same problem when it comes back. Delete it, or the entities it no "
        "longer needs.",
        _WAIVER + "    approved_by: EMP-1001\n    expires: 2027-03-31"
        "    # NET-0002 is past its end of life",
        _WAIVER.replace("NET-0002", "LT-0001") + "    approved_by: EMP-1001\n"
        "    expires: 2027-03-31    # LT-0001 is not past its end of life",
        _EXAMPLES_AS_OF,
    ),
)

_POLICY_RULES = (
    _built_in(
        "policy.changed",
        W,
        "(pull requests) the change edits policies/ or schemas/",
        "A change to the rules changes how every other change is judged. The finding lists "
        "the files and the rules the change adds, removes or relaxes, so that the people who "
        "own the rules review it and it does not slip through with an asset edit.",
        "a pull request that edits only files in registry/",
        "# policies/warranty.yaml in a pull request\n"
        "     params:\n-      within_days: 90\n+      within_days: 30",
    ),
)

BUILT_IN: tuple[RuleInfo, ...] = tuple(
    sorted(
        (
            *_FILE_RULES,
            *_YAML_RULES,
            *_SCHEMA_RULES,
            *_INTEGRITY_RULES,
            *_WAIVER_RULES,
            *_POLICY_RULES,
        ),
        key=lambda info: info.id,
    )
)
"""Every rule id the tool itself can emit, whatever policies/ declares, sorted by id."""


def policy_rule_info(rule: Rule) -> RuleInfo:
    """The entry of a rule declared in policies/: its check explains it, the
    declaration says why and how severe."""
    check = CHECKS[rule.check]
    # A rule running a generic check (conditional) says in its message what it asks for.
    message = rule.params.get("message")
    summary = message if rule.check != rule.id and isinstance(message, str) else check.summary
    origin = rule.place.file if rule.place.line is None else f"{rule.place.file}:{rule.place.line}"
    return RuleInfo(
        id=rule.id,
        severity=rule.severity,
        summary=summary,
        why=rule.rationale,
        passing=check.good_example,
        failing=check.bad_example,
        examples_as_of=check.examples_as_of,
        origin=origin,
    )


def catalogue(policy: Policy | None) -> dict[str, RuleInfo]:
    """Every rule: the built-in ones and those of ``policy``, by id, sorted.

    A policy rule that reuses a built-in id replaces it here, since its
    declaration is what the organisation chose to explain.
    """
    entries = {info.id: info for info in BUILT_IN}
    for rule in policy.rules if policy is not None else ():
        entries[rule.id] = policy_rule_info(rule)
    return dict(sorted(entries.items()))


def lookup(rule_id: str, policy: Policy | None) -> RuleInfo:
    """The entry of ``rule_id``; a ConfigError with a "did you mean" when unknown."""
    entries = catalogue(policy)
    info = entries.get(rule_id)
    if info is None:
        hint = did_you_mean(rule_id, entries)
        raise ConfigError(f"no rule {rule_id!r}{hint}; `itam policy list` shows every rule")
    return info
