"""Records of the domain core; import them from `workflows.models`."""

from workflows.selection import selected_by

from .audit import AuditEvent, AuditEventImmutable
from .catalog import Call, EvidenceType, FundingSchedule, MilestoneTemplate, Programme
from .establishments import (
    Establishment,
    EstablishmentMembership,
    EstablishmentType,
    Girci,
    Region,
)
from .legacy_documents import DocumentImportRun, LegacyDocument
from .projects import (
    CLOSED_PROJECT_STATES,
    Discipline,
    Investigator,
    Project,
    ProjectMilestone,
    ProjectStatus,
    ProjectStatusChange,
    TrialRegistration,
    Visibility,
    selection_sort_key,
)
from .provenance import ImportRun
from .queues import LateMilestone, RequestAwaitingChanges, RequestToDelegate, RequestToReview
from .runs import Run, RunStatus
from .search import ProjectSearchDocument, SearchTerm
from .tranches import (
    Delegation,
    DelegationStatus,
    EvidenceDocument,
    TrancheRequest,
    TrancheStatus,
)

__all__ = [
    "CLOSED_PROJECT_STATES",
    "AuditEvent",
    "AuditEventImmutable",
    "Call",
    "Delegation",
    "DelegationStatus",
    "Discipline",
    "DocumentImportRun",
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
    "LegacyDocument",
    "MilestoneTemplate",
    "Programme",
    "Project",
    "ProjectMilestone",
    "ProjectSearchDocument",
    "ProjectStatus",
    "ProjectStatusChange",
    "Region",
    "RequestAwaitingChanges",
    "RequestToDelegate",
    "RequestToReview",
    "Run",
    "RunStatus",
    "SearchTerm",
    "TrancheRequest",
    "TrancheStatus",
    "TrialRegistration",
    "Visibility",
    "selected_by",
    "selection_sort_key",
]
