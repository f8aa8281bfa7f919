"""Every policy check, by name. ``policies/*.yaml`` switch them on.

An explicit table, not discovery by import side effects: what exists is
visible here.
"""

from __future__ import annotations

from itam.checks.audit import AuditDue, AuditOverdue
from itam.checks.base import Check
from itam.checks.changes import (
    AppendOnlyHistory,
    EntityDeleted,
    EntityFrozen,
    EntityIdChanged,
    ImmutableFields,
    LifecycleTransition,
)
from itam.checks.conditional import Conditional
from itam.checks.disposal import DisposalAfterRetirement, DisposalEvidence, DisposalVendorCertified
from itam.checks.eol import EolApproaching, EolPassedInService
from itam.checks.licenses import LicenseExpiredInUse, LicenseSeats, SubscriptionRenewalDue
from itam.checks.lifecycle import FutureDate, LifecycleState, RequiredFields
from itam.checks.maintenance import MaintenanceDue, MaintenanceOverdue, MaintenanceUnknownType
from itam.checks.software import (
    FirmwareEolApproaching,
    FirmwareUnmatched,
    FirmwareUnsupported,
    SoftwareEolApproaching,
    SoftwareUnmatched,
    SoftwareUnsupported,
)
from itam.checks.warranty import WarrantyExpiredInService, WarrantyExpiring, WarrantyRequired

CHECKS: dict[str, type[Check]] = {
    check.name: check
    for check in (
        LifecycleState,
        RequiredFields,
        FutureDate,
        WarrantyRequired,
        WarrantyExpiring,
        WarrantyExpiredInService,
        AuditDue,
        AuditOverdue,
        EolApproaching,
        EolPassedInService,
        MaintenanceDue,
        MaintenanceOverdue,
        MaintenanceUnknownType,
        SoftwareUnsupported,
        SoftwareEolApproaching,
        SoftwareUnmatched,
        FirmwareUnsupported,
        FirmwareEolApproaching,
        FirmwareUnmatched,
        DisposalEvidence,
        DisposalVendorCertified,
        DisposalAfterRetirement,
        LicenseSeats,
        LicenseExpiredInUse,
        SubscriptionRenewalDue,
        Conditional,
        LifecycleTransition,
        EntityDeleted,
        EntityIdChanged,
        ImmutableFields,
        EntityFrozen,
        AppendOnlyHistory,
    )
}
