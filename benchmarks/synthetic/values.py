"""The values generated entities are made of: places, names, products, models.

Plain data, so that what a generated registry looks like can be read (and
changed) in one place. Prices are in euros a unit; other currencies follow
from ``CURRENCIES``.
"""

from __future__ import annotations

from typing import Any

# Where each kind's files go (as in the bundled registry) and its id prefix.
FOLDERS = {
    "laptop": "hardware/laptops",
    "desktop": "hardware/desktops",
    "server": "hardware/servers",
    "network-device": "hardware/network",
    "storage": "hardware/storage",
    "mobile-device": "hardware/mobile",
    "peripheral": "hardware/peripherals",
    "software-license": "software",
    "saas-subscription": "software",
    "contract": "contracts",
    "location": "locations",
    "person": "people",
}
PREFIXES = {
    "laptop": "LT",
    "desktop": "DT",
    "server": "SRV",
    "network-device": "NET",
    "storage": "STO",
    "mobile-device": "MOB",
    "peripheral": "PER",
    "software-license": "LIC",
    "saas-subscription": "SUB",
    "contract": "CON",
    "person": "EMP",
}
# Shares of the generated entities; laptops take what rounding leaves. Per
# person about 2 laptops or desktops, 1.3 phones and 2 peripherals: leavers,
# spares, loaners and shared rooms included.
MIX = {
    "person": 0.12,
    "laptop": 0.27,
    "desktop": 0.08,
    "mobile-device": 0.15,
    "peripheral": 0.23,
    "server": 0.05,
    "network-device": 0.04,
    "storage": 0.01,
    "software-license": 0.01,
    "saas-subscription": 0.005,
    "contract": 0.015,
    "location": 0.02,
}
HARDWARE = (
    "laptop",
    "desktop",
    "mobile-device",
    "server",
    "network-device",
    "storage",
    "peripheral",
)
INFRA = frozenset({"server", "network-device", "storage"})
STATES = (
    ("deployed", 78),
    ("in-stock", 7),
    ("retired", 5),
    ("disposed", 5),
    ("in-repair", 2),
    ("lost", 1),
    ("ordered", 1),
    ("planned", 1),
)
AGREEMENT_STATES = (("active", 85), ("ended", 10), ("planned", 5))
# Operating systems by kind and maker family: releases whose vendor support
# (reference/) lasts well past 2026-11-22.
OS: dict[str, tuple[tuple[str, str], ...]] = {
    "server": (
        ("VMware ESXi", "8.0 Update 3"),
        ("Red Hat Enterprise Linux", "9.6"),
        ("Ubuntu", "24.04 LTS"),
        ("Windows Server 2022 Datacenter", "21H2"),
    ),
    "apple-mobile": (("iOS", "26.1"), ("iOS", "18.7")),
    "mobile": (("Android", "16"), ("Android", "15")),
    "apple": (("macOS", "15.7"), ("macOS", "26.1")),
    "windows": (("Windows 11 Enterprise", "24H2"), ("Windows 11 Enterprise", "25H2")),
}
# What a scheduled maintenance job records, by type (policies/ names them).
JOBS = {
    "ups-battery-check": "Self-test passed; runtime calibrated under load.",
    "firmware-review": "Checked the vendor advisories; running the recommended release.",
    "printer-service": "Cleaned the paper path; replaced the pickup rollers.",
    "rack-inspection": "Filters cleaned; airflow, cabling and power feeds checked.",
}

CITIES = [
    # code, city, country, timezone, street, postal code
    ("lon", "London", "GB", "Europe/London", "Worship Street", "EC2A 2DW"),
    ("man", "Manchester", "GB", "Europe/London", "Deansgate", "M3 2BW"),
    ("edi", "Edinburgh", "GB", "Europe/London", "Lothian Road", "EH3 9WJ"),
    ("dub", "Dublin", "IE", "Europe/Dublin", "Sir John Rogerson's Quay", "D02 R296"),
    ("ber", "Berlin", "DE", "Europe/Berlin", "Friedrichstraße", "10117"),
    ("muc", "Munich", "DE", "Europe/Berlin", "Arnulfstraße", "80335"),
    ("ham", "Hamburg", "DE", "Europe/Berlin", "Am Sandtorkai", "20457"),
    ("fra", "Frankfurt am Main", "DE", "Europe/Berlin", "Mainzer Landstraße", "60329"),
    ("par", "Paris", "FR", "Europe/Paris", "Rue de Londres", "75009"),
    ("lyo", "Lyon", "FR", "Europe/Paris", "Rue de la République", "69002"),
    ("ams", "Amsterdam", "NL", "Europe/Amsterdam", "Herengracht", "1017 BS"),
    ("bru", "Brussels", "BE", "Europe/Brussels", "Rue de la Loi", "1040"),
    ("mad", "Madrid", "ES", "Europe/Madrid", "Paseo de la Castellana", "28046"),
    ("bcn", "Barcelona", "ES", "Europe/Madrid", "Carrer de Pujades", "08005"),
    ("lis", "Lisbon", "PT", "Europe/Lisbon", "Avenida da Liberdade", "1250-096"),
    ("mil", "Milan", "IT", "Europe/Rome", "Via Monte Rosa", "20149"),
    ("vie", "Vienna", "AT", "Europe/Vienna", "Wiedner Hauptstraße", "1040"),
    ("zrh", "Zurich", "CH", "Europe/Zurich", "Hardstrasse", "8005"),
    ("waw", "Warsaw", "PL", "Europe/Warsaw", "Prosta", "00-838"),
    ("prg", "Prague", "CZ", "Europe/Prague", "Karolinská", "186 00"),
    ("cph", "Copenhagen", "DK", "Europe/Copenhagen", "Kalvebod Brygge", "1560"),
    ("sto", "Stockholm", "SE", "Europe/Stockholm", "Kungsgatan", "111 43"),
    ("osl", "Oslo", "NO", "Europe/Oslo", "Dronning Eufemias gate", "0191"),
    ("hel", "Helsinki", "FI", "Europe/Helsinki", "Mannerheimintie", "00100"),
    ("nyc", "New York", "US", "America/New_York", "Hudson Street", "10013"),
    ("bos", "Boston", "US", "America/New_York", "Summer Street", "02210"),
    ("chi", "Chicago", "US", "America/Chicago", "West Randolph Street", "60606"),
    ("aus", "Austin", "US", "America/Chicago", "Congress Avenue", "78701"),
    ("sfo", "San Francisco", "US", "America/Los_Angeles", "Market Street", "94105"),
    ("tor", "Toronto", "CA", "America/Toronto", "King Street West", "M5H 1J9"),
    ("sin", "Singapore", "SG", "Asia/Singapore", "Marina Boulevard", "018989"),
    ("syd", "Sydney", "AU", "Australia/Sydney", "George Street", "2000"),
]
CURRENCIES = {
    "GB": ("GBP", 0.86),
    "IE": ("EUR", 1.0),
    "DE": ("EUR", 1.0),
    "FR": ("EUR", 1.0),
    "NL": ("EUR", 1.0),
    "BE": ("EUR", 1.0),
    "ES": ("EUR", 1.0),
    "PT": ("EUR", 1.0),
    "IT": ("EUR", 1.0),
    "AT": ("EUR", 1.0),
    "FI": ("EUR", 1.0),
    "CH": ("CHF", 0.95),
    "PL": ("PLN", 4.3),
    "CZ": ("CZK", 25.0),
    "DK": ("DKK", 7.46),
    "SE": ("SEK", 11.3),
    "NO": ("NOK", 11.6),
    "US": ("USD", 1.08),
    "CA": ("CAD", 1.47),
    "SG": ("SGD", 1.45),
    "AU": ("AUD", 1.65),
}
RESELLERS = {"GB": "cdw", "NO": "atea", "SE": "atea", "DK": "atea", "FI": "atea"}
INVOICE = {"cdw": "CDW-", "bechtle": "BE-{year}-", "atea": "AT-{country}-", "dell": "DL-"}
# Word lists read better as text than as a column of literals.
FIRST = (  # noqa: SIM905
    "Amelia Oliver Sophie Daniel Priya Mateusz Anna Erik Lucas Chloé Noah Aisha Hannah Tomás "
    "Freya Jonas Leila Marco Ingrid Kenji Olivia Rafael Zofia Lars Mia Ahmed Emma Luca Sara "
    "Pieter Clara Diego Nora Felix Yara Omar Julia Finn Elena Samuel Maya Hugo Eva Arjun Lena "
    "Tobias Isla Mohammed Alice Henrik Camille Ethan Fatima Jakub Grace Mateo Ines Ruben Ava"
).split()
LAST = (  # noqa: SIM905
    "Hart Okafor Laurent Price Sharma Nowak Schmidt Johansen Martin Dubois Müller Kowalski "
    "Rossi Jensen Andersson García Fernández Silva Novak Horvath Tanaka Smith Brown Wilson "
    "Taylor Davies Evans Murphy Kelly Byrne Walsh Fischer Weber Becker Hoffmann Wagner Moreau "
    "Bernard Lefebvre Petit Romano Ricci Bakker Visser Jansen Peeters Nielsen Hansen Larsen "
    "Berg Lindqvist Virtanen Costa Santos Chen Patel Khan Ali Ahmed Nguyen O'Brien"
).split()
DEPARTMENTS = (
    # name, cost centre, weight
    ("IT", "CC-4100", 8),
    ("Engineering", "CC-4300", 25),
    ("Sales", "CC-5100", 15),
    ("Marketing", "CC-5200", 8),
    ("Finance", "CC-6100", 7),
    ("People", "CC-6200", 4),
    ("Operations", "CC-7100", 15),
    ("Customer Support", "CC-7200", 12),
    ("Legal", "CC-6300", 2),
    ("Product", "CC-4400", 4),
)
SAAS = (
    # vendor, product, plan, EUR per seat and year
    ("microsoft", "Microsoft 365 E3", "Microsoft 365 E3 (no Teams) + Teams Enterprise", 430),
    ("microsoft", "Microsoft 365 E5", "Microsoft 365 E5 (no Teams) + Teams Enterprise", 700),
    ("microsoft", "Power BI Pro", "Power BI Pro, annual commitment", 150),
    ("atlassian", "Jira Cloud", "Jira Standard, annual", 95),
    ("atlassian", "Confluence Cloud", "Confluence Premium, annual", 110),
    ("zoom", "Zoom Workplace", "Zoom Workplace Business", 200),
    ("adobe", "Adobe Creative Cloud", "Creative Cloud All Apps for teams", 1000),
    ("adobe", "Adobe Acrobat Pro", "Acrobat Pro for teams", 230),
    ("1password", "1Password Business", "1Password Business, annual", 90),
)
LICENSES = (
    # vendor, product, type, metric, held by, EUR per seat
    (
        "microsoft",
        "Windows Server 2022 Datacenter, 16-core pack",
        "volume",
        "per-device",
        "server",
        2600,
    ),
    (
        "redhat",
        "Red Hat Enterprise Linux Server, Standard",
        "subscription",
        "per-device",
        "server",
        800,
    ),
    ("veeam", "Veeam Data Platform Foundation", "subscription", "per-device", "server", 500),
    ("microsoft", "Microsoft Visio Professional 2021", "perpetual", "per-device", "laptop", 580),
    (
        "jetbrains",
        "JetBrains All Products Pack for organizations",
        "subscription",
        "per-user",
        "person",
        780,
    ),
)
SUPPORT = {
    # manufacturer: (contract vendor, product)
    "dell": ("dell", "ProSupport Plus"),
    "hpe": ("hpe", "Tech Care Critical"),
    "aruba": ("hpe", "Aruba Foundation Care"),
    "cisco": ("cisco", "Smart Net Total Care"),
    "netapp": ("netapp", "SupportEdge Premium"),
    "fortinet": ("fortinet", "FortiCare Premium"),
    "juniper": ("juniper", "Juniper Care Core"),
    "synology": ("park-place", "third-party hardware maintenance"),
}
RETIREMENT = (
    "End of the refresh cycle; replaced by a current model.",
    "Battery swollen; beyond economic repair.",
    "Returned by a leaver; below the redeployment standard.",
    "Liquid damage to the mainboard; repair quote above residual value.",
    "Screen and hinge damage; spare parts no longer stocked.",
    "Decommissioned after the workload moved to the new cluster.",
)
NOTES = (
    "Bought with next-business-day on-site support; the vendor case portal holds the contract.",
    "Charger, sleeve and a spare USB-C adapter issued with it; listed on the hand-over form.",
    "Loaner pool: book through the service desk, two weeks at most, wiped after each loan.",
    "Asset label on the underside; photo and serial in the onboarding ticket.",
    "Reimaged after a reassignment; the previous user's data was backed up to OneDrive first.",
    "Part of the hardware refresh programme approved by the IT steering group for this year.",
    "Replaces an older unit that was retired at the end of its refresh cycle.",
)
INFRA_NOTES = (
    "Racked and cabled by the colocation provider's remote hands; photos in the change ticket.",
    "Out-of-band management on the management VLAN; credentials in the team vault.",
    "Part of an HA pair; fail over before any maintenance and record it in the change.",
    "Power from both A and B feeds; labelled at the PDU with its asset tag.",
    "Monitored by the NOC; alerts go to the infrastructure on-call rota.",
)
# Why an audit found an asset somewhere else.
RELOCATED = (
    "Found on another floor; moved back to its desk.",
    "Found in a meeting room; returned to its owner.",
    "Found in the IT stores after a desk move; record updated.",
)
MAINTENANCE = (
    "Replaced the battery under warranty.",
    "Replaced the keyboard and palm rest.",
    "Firmware update after a vendor security advisory.",
    "Replaced a failed fan module.",
    "Replaced a failed 1.92 TB SSD.",
)

# Per model: what its assets look like. Models missing here (an organisation's
# own) get the values of their category.
SPEC: dict[str, dict[str, Any]] = {
    "lenovo-thinkpad-t14-gen4": {"cpu": ["Intel Core i5-1345U", "Intel Core i7-1365U"]},
    "lenovo-thinkpad-t14-gen5": {"cpu": ["Intel Core Ultra 5 135U", "Intel Core Ultra 7 155U"]},
    "lenovo-thinkpad-t14-gen2": {"cpu": ["Intel Core i5-1135G7", "Intel Core i7-1165G7"]},
    "lenovo-thinkpad-x1-carbon-gen11": {"cpu": ["Intel Core i7-1365U vPro"], "price": 2300},
    "dell-latitude-7440": {"cpu": ["Intel Core i5-1345U", "Intel Core i7-1365U"]},
    "dell-latitude-7420": {"cpu": ["Intel Core i5-1145G7", "Intel Core i7-1185G7"]},
    "apple-macbook-pro-14-m3": {"cpu": ["Apple M3", "Apple M3 Pro"], "price": 2100},
    "apple-macbook-pro-14-m4": {"cpu": ["Apple M4", "Apple M4 Pro"], "price": 2200},
    "dell-optiplex-7010-sff": {"cpu": ["Intel Core i5-13500", "Intel Core i7-13700"]},
    "dell-optiplex-7060-sff": {"cpu": ["Intel Core i5-8500", "Intel Core i7-8700"]},
    "hp-elitedesk-800-g9-sff": {"cpu": ["Intel Core i5-12500", "Intel Core i7-12700"]},
    "dell-poweredge-r750": {"cpu": ["2x Intel Xeon Gold 6338"], "price": 18000},
    "dell-poweredge-r650": {"cpu": ["2x Intel Xeon Silver 4314"], "price": 11000},
    "dell-poweredge-r660": {"cpu": ["2x Intel Xeon Gold 6430"], "price": 16000},
    "dell-poweredge-r640": {"cpu": ["2x Intel Xeon Silver 4114"], "price": 9000},
    "hpe-proliant-dl380-gen10": {"cpu": ["2x Intel Xeon Gold 6242"], "price": 14000},
    # Firmware: releases supported well past AS_OF where reference/ knows the
    # family; otherwise the bundled assets' own value (one unmatched finding).
    "cisco-catalyst-9300-48p": {"role": "switch", "ports": 52, "firmware": "17.15.3"},
    "cisco-catalyst-2960x-48fpd-l": {"role": "switch", "ports": 52, "firmware": "15.2(7)E10"},
    "juniper-ex4300-48p": {"role": "switch", "ports": 52, "firmware": "21.4R3-S9"},
    "aruba-ap-515": {"role": "access-point", "ports": 2, "firmware": "8.10.0.12", "price": 900},
    "fortinet-fortigate-100f": {"role": "firewall", "ports": 22, "firmware": "7.4.8"},
    "netapp-aff-a250": {
        "type": "san",
        "capacity": ["23.0", "46.1", "92.2"],
        "price": 68000,
        "firmware": "9.16.1P3",
    },
    "synology-rs3621xs-plus": {
        "type": "nas",
        "capacity": ["96", "144", "192"],
        "price": 9000,
        "firmware": "DSM 7.2.2-72806 Update 3",
    },
    "synology-rs3617xs-plus": {
        "type": "nas",
        "capacity": ["48", "96"],
        "price": 7000,
        "firmware": "DSM 7.2.2-72806 Update 3",
    },
    "dell-u2723qe": {"type": "monitor", "price": 560},
    "dell-wd22tb4": {"type": "dock", "price": 300},
    "hp-laserjet-enterprise-m507dn": {"type": "printer", "price": 700, "networked": True},
    "logitech-rally-bar": {"type": "conference", "price": 3900, "networked": True},
    "apc-smart-ups-srt3000rmxli": {"type": "ups", "price": 1900, "networked": True},
}
CATEGORY: dict[str, dict[str, Any]] = {
    "laptop": {"price": 1300, "memory": [16, 16, 32, 32, 64], "storage": [256, 512, 512, 1024]},
    "desktop": {"price": 850, "memory": [8, 16, 16, 32], "storage": [256, 512, 512]},
    "server": {"price": 12000, "memory": [256, 384, 512, 768, 1024], "storage": [960, 3840, 7680]},
    "network-device": {"price": 6000, "role": "switch", "ports": 48, "firmware": "1.0"},
    "storage": {"price": 20000, "type": "nas", "capacity": ["48"], "firmware": "1.0"},
    "mobile-device": {"price": 800},
    "peripheral": {"price": 400, "type": "other"},
}
# A serial's shape per manufacturer: a a letter, # a digit, x either; the rest literal.
SERIALS = {
    "lenovo": "PFxxxxxx",
    "dell": "#axx#xx",
    "apple": "axxxxxxxxx",
    "hp": "CZC####xxx",
    "hpe": "CZJ####xxx",
    "cisco": "FOC####axxx",
    "juniper": "PE####ax####",
    "aruba": "CNKax####x",
    "fortinet": "FG100FTK########",
    "netapp": "############",
    "synology": "##a0PCN######",
    "samsung": "R5xaxxxxxxx",
    "apc": "AS##########",
    "logitech": "####ax##xxx#",
}
OUIS = {
    "lenovo": ("a4:c3:f0", "5c:87:9c"),
    "dell": ("b0:7b:25", "d0:8e:79", "b4:96:91"),
    "apple": ("f0:18:98", "a4:83:e7"),
    "hp": ("6c:02:e0", "a0:8c:fd"),
    "hpe": ("94:40:c9", "b8:83:03"),
    "cisco": ("70:1f:53", "00:a2:ee"),
    "juniper": ("3c:61:04", "f4:cc:55"),
    "aruba": ("20:4c:03", "d0:15:a6"),
    "fortinet": ("e8:1c:ba", "04:d5:90"),
    "netapp": ("00:a0:98", "d0:39:ea"),
    "synology": ("00:11:32", "90:09:d0"),
    "samsung": ("8c:71:f8", "f0:5b:7b"),
    "apc": ("00:c0:b7",),
    "logitech": ("44:73:d6",),
}
ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
