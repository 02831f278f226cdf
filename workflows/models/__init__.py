"""Records of the domain core; import them from `workflows.models`."""

from .audit import AuditEvent, AuditEventImmutable
from .catalog import Call, EvidenceType, FundingSchedule, MilestoneTemplate, Programme
from .establishments import (
    Establishment,
    EstablishmentMembership,
    EstablishmentType,
    Girci,
    Region,
)
from .projects import (
    Discipline,
    Investigator,
    Project,
    ProjectMilestone,
    ProjectStatus,
    TrialRegistration,
    Visibility,
)
from .provenance import ImportRun
from .queues import LateMilestone, RequestAwaitingChanges, RequestToDelegate, RequestToReview
from .search import ProjectSearchDocument, SearchTerm
from .tranches import (
    COMMITTED_STATES,
    Delegation,
    DelegationStatus,
    EvidenceDocument,
    TrancheRequest,
    TrancheStatus,
)

__all__ = [
    "COMMITTED_STATES",
    "AuditEvent",
    "AuditEventImmutable",
    "Call",
    "Delegation",
    "DelegationStatus",
    "Discipline",
    "Establishment",
    "EstablishmentMembership",
    "EstablishmentType",
    "EvidenceDocument",
    "EvidenceType",
    "FundingSchedule",
    "Girci",
    "ImportRun",
    "Investigator",
    "LateMilestone",
    "MilestoneTemplate",
    "Programme",
    "Project",
    "ProjectMilestone",
    "ProjectSearchDocument",
    "ProjectStatus",
    "Region",
    "RequestAwaitingChanges",
    "RequestToDelegate",
    "RequestToReview",
    "SearchTerm",
    "TrancheRequest",
    "TrancheStatus",
    "TrialRegistration",
    "Visibility",
]
